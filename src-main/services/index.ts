import type { DB } from '../db/database.ts'
import { createAccountService } from './account-service.ts'
import type { AccountService } from './account-service.ts'
import { createAuditService } from './audit-service.ts'
import type { AuditService } from './audit-service.ts'
import { createAuthService } from './auth-service.ts'
import type { AuthService } from './auth-service.ts'
import { systemClock } from './clock.ts'
import type { Clock } from './clock.ts'
import { createEventHub } from './events.ts'
import type { EventHub } from './events.ts'
import { createPasswordHasher, DEFAULT_SCRYPT_PARAMS } from './password-hasher.ts'
import type { PasswordHasher, ScryptParams } from './password-hasher.ts'
import type { SecretBox } from './secret-box.ts'
import { createSessionService, DEFAULT_SESSION_POLICY } from './session-service.ts'
import type { SessionPolicy, SessionService } from './session-service.ts'

export interface ServiceOptions {
  db: DB
  secretBox: SecretBox
  clock?: Clock
  scryptParams?: ScryptParams
  sessionPolicy?: SessionPolicy
}

/** Everything the three faces (IPC, CLI, REST API) may call. None of it imports electron. */
export interface Services {
  db: DB
  clock: Clock
  events: EventHub
  hasher: PasswordHasher
  secretBox: SecretBox
  audit: AuditService
  accounts: AccountService
  sessions: SessionService
  auth: AuthService
}

export function createServices(options: ServiceOptions): Services {
  const db = options.db
  const clock = options.clock ?? systemClock
  const events = createEventHub()
  const hasher = createPasswordHasher(options.scryptParams ?? DEFAULT_SCRYPT_PARAMS)
  const audit = createAuditService(db, clock)
  const accounts = createAccountService({ db, clock, hasher, audit })
  const sessions = createSessionService(db, clock, events, options.sessionPolicy ?? DEFAULT_SESSION_POLICY, audit)
  const auth = createAuthService({ db, clock, hasher, audit, accounts, sessions })
  return { db, clock, events, hasher, secretBox: options.secretBox, audit, accounts, sessions, auth }
}
