import type { DB } from '../db/database.ts'
import { createAccountService } from './account-service.ts'
import type { AccountService } from './account-service.ts'
import { createAdminService } from './admin-service.ts'
import type { AdminService } from './admin-service.ts'
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
import { createInertLocalApiControl, createMemorySettingsStore, createSettingsService } from './settings-service.ts'
import type { LocalApiControl, SettingsService, SettingsStore } from './settings-service.ts'

export interface ServiceOptions {
  db: DB
  secretBox: SecretBox
  clock?: Clock
  scryptParams?: ScryptParams
  sessionPolicy?: SessionPolicy
  /** App-wide preferences; electron-store in the app, in memory by default. */
  settingsStore?: SettingsStore
  /** Starts/stops the local REST API when its settings change; inert by default. */
  localApi?: LocalApiControl
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
  admin: AdminService
  settings: SettingsService
}

export function createServices(options: ServiceOptions): Services {
  const db = options.db
  const clock = options.clock ?? systemClock
  const events = createEventHub()
  const hasher = createPasswordHasher(options.scryptParams ?? DEFAULT_SCRYPT_PARAMS)
  const audit = createAuditService(db, clock)
  const accounts = createAccountService({ db, clock, hasher, audit })
  const sessions = createSessionService(db, clock, events, options.sessionPolicy ?? DEFAULT_SESSION_POLICY)
  const auth = createAuthService({ db, clock, hasher, audit, accounts, sessions })
  const admin = createAdminService({ db, clock, hasher, audit, accounts, sessions })
  const settings = createSettingsService({
    store: options.settingsStore ?? createMemorySettingsStore(),
    localApi: options.localApi ?? createInertLocalApiControl(),
  })
  return { db, clock, events, hasher, secretBox: options.secretBox, audit, accounts, sessions, auth, admin, settings }
}
