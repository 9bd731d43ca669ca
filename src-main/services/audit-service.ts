import type { DB } from '../db/database.ts'
import { insertSecurityLogEntry } from '../db/repositories/security-log-repo.ts'
import type { Clock } from './clock.ts'

/** Kinds of security-log entries. Extend by adding; never rename one that has shipped. */
export const SecurityEventKind = Object.freeze({
  AccountCreated: 'account.created',
  SignIn: 'signin',
  SignInFailed: 'signin.failed',
  SignOut: 'signout',
  Reauthenticated: 'reauth',
  ReauthFailed: 'reauth.failed',
  PasswordChanged: 'password.changed',
  TwoFactorEnabled: 'twofactor.enabled',
  TwoFactorDisabled: 'twofactor.disabled',
  RecoveryCodesRegenerated: 'twofactor.recovery.regenerated',
  RecoveryCodeUsed: 'twofactor.recovery.used',
  SecondFactorFailed: 'twofactor.failed',
  ApiKeyRegenerated: 'apikey.regenerated',
  TokenCreated: 'token.created',
  TokenEnabled: 'token.enabled',
  TokenDisabled: 'token.disabled',
  TokenDeleted: 'token.deleted',
  ProfileUpdated: 'profile.updated',
  UsernameChanged: 'username.changed',
  PictureChanged: 'picture.changed',
  PictureRemoved: 'picture.removed',
  AccountDeletion: 'account.deletion',
  // Administration (command line, local API); the detail names the face: { origin: 'cli' | 'api' }.
  PasswordReset: 'password.reset',
  ContactUpdated: 'account.contactUpdated',
  SessionRevoked: 'session.revoked',
  OtherSessionsRevoked: 'sessions.revokedOthers',
  AccountExported: 'account.exported',
  SSHKeyAdded: 'sshKey.added',
  SSHKeyRemoved: 'sshKey.removed',
} as const)
export type SecurityEventKind = (typeof SecurityEventKind)[keyof typeof SecurityEventKind]

export interface SecurityEventInput {
  accountId: number
  kind: string
  sessionId?: string | null
  device?: string
  /** Plain facts (ids, titles, counts). Never a secret. */
  detail?: Record<string, string | number | boolean | null>
}

export interface AuditService {
  recordSecurityEvent(event: SecurityEventInput): void
}

export function createAuditService(db: DB, clock: Clock): AuditService {
  return {
    recordSecurityEvent(event) {
      insertSecurityLogEntry(db, {
        account_id: event.accountId,
        at: clock(),
        kind: event.kind,
        session_id: event.sessionId ?? null,
        device: event.device ?? '',
        detail: JSON.stringify(event.detail ?? {}),
      })
    },
  }
}
