import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { updateAccountPasswordHash } from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import { listSecurityLogRows, listSecurityLogRowsAfter } from '../db/repositories/security-log-repo.ts'
import type { SecurityLogRow } from '../db/repositories/security-log-repo.ts'
import { listSessionRowsForAccount } from '../db/repositories/sessions-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind, stepDownInSlices } from './audit-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { notFoundError } from './errors.ts'
import type { KeysteadError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'
import type { ProfileService } from './profile-service.ts'
import { validateNewPassword } from './password-policy.ts'
import type { SessionService } from './session-service.ts'
import { SESSION_PAGE_MAX } from './session-service.ts'
import { yieldToEventLoop } from './slices.ts'

/**
 * What the administration faces (the `keystead` command line and the local REST API)
 * do to an account beyond the app's own screens. Each function records a
 * security-log entry naming the face (`origin`). Shapes here are public promises:
 * the CLI's `--json` output and the API's responses use them as they are.
 */
export type AdminOrigin = 'cli' | 'api'

/** An account as the CLI and the API show it (never the password hash). */
export interface AccountInfo {
  id: number
  username: string
  fullName: string
  email: string | null
  description: string
  language: string
  timezone: string
  createdAt: string
  updatedAt: string
}

export interface SessionInfo {
  id: string
  origin: string
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  keepSignedIn: boolean
  device: { browser: string; os: string; model: string; ip: string; engine: string; arch: string }
}

export interface SecurityLogEntry {
  id: number
  at: string
  kind: string
  sessionId: string | null
  device: string
  detail: Record<string, string | number | boolean | null>
}

export interface AccountExport {
  format: 'keystead-account-export'
  version: 1
  exportedAt: string
  account: AccountInfo
  sessions: SessionInfo[]
  securityLog: SecurityLogEntry[]
  /** One entry per contributing domain (ssh keys, tokens, ...); never a secret. */
  [domain: string]: unknown
}

/** A domain that adds its own part to `export` (phase 2: ssh keys, token summaries, 2FA status). */
export interface AccountExportContributor {
  /** The key in the export document, e.g. `sshKeys`. */
  readonly key: string
  collect(accountId: number): unknown
}

export interface ContactChange {
  fullName?: string
  /** An empty string or null removes the address. */
  email?: string | null
}

export const LOG_PAGE_MAX = 1000

export interface AdminService {
  toAccountInfo(row: AccountRow): AccountInfo
  /** Resolves a username (any case) or throws NOT_FOUND `account.notFound`. */
  requireAccountByUsername(username: string): AccountRow
  /** Sets a new password chosen by an administrator and signs out every session of the account. */
  setAccountPassword(accountId: number, password: string, origin: AdminOrigin): Promise<{ sessionsEnded: number }>
  updateAccountContact(accountId: number, change: ContactChange, origin: AdminOrigin): AccountInfo
  listAccountSessions(accountId: number): SessionInfo[]
  /** The same list, read a page at a time with the event loop free between pages (the local API, in the app). */
  listAccountSessionsInSlices(accountId: number): Promise<SessionInfo[]>
  revokeAccountSession(accountId: number, sessionId: string, origin: AdminOrigin): void
  revokeOtherAccountSessions(accountId: number, keepSessionId: string, origin: AdminOrigin): { sessionsEnded: number }
  listAccountSecurityLog(accountId: number, options?: { limit?: number; offset?: number }): SecurityLogEntry[]
  /** The same page, the entries before it stepped over in slices with the event loop free (the local API, in the app). */
  listAccountSecurityLogInSlices(accountId: number, options?: { limit?: number; offset?: number }): Promise<SecurityLogEntry[]>
  /** The export document; records nothing (the caller records the export once its file is written). */
  exportAccountData(accountId: number, origin?: AdminOrigin): AccountExport
  /** Records "exported" in the account's security log: call it only after the export reached its file. */
  recordAccountExported(accountId: number, origin: AdminOrigin): void
  /** Registers a domain's part of the export; later domains call this from createServices. */
  addExportContributor(contributor: AccountExportContributor): void
}

export function toSessionInfo(row: SessionRow): SessionInfo {
  return {
    id: row.id,
    origin: row.origin,
    createdAt: toISO(row.created_at),
    lastUsedAt: toISO(row.last_used_at),
    expiresAt: toISO(row.expires_at),
    keepSignedIn: row.keep_signed_in === 1,
    device: { browser: row.browser, os: row.os, model: row.model, ip: row.ip, engine: row.engine, arch: row.arch },
  }
}

export function toSecurityLogEntry(row: SecurityLogRow): SecurityLogEntry {
  let detail: SecurityLogEntry['detail'] = {}
  try {
    const parsed: unknown = JSON.parse(row.detail)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as SecurityLogEntry['detail']
  } catch {
    detail = {}
  }
  return { id: row.id, at: toISO(row.at), kind: row.kind, sessionId: row.session_id, device: row.device, detail }
}

function sessionNotFound(): KeysteadError {
  return notFoundError('This account has no such session.', 'session.notFound')
}

export function createAdminService(deps: {
  db: DB
  clock: Clock
  hasher: PasswordHasher
  audit: AuditService
  accounts: AccountService
  sessions: SessionService
  profile: ProfileService
}): AdminService {
  const { db, clock, hasher, audit, accounts, sessions, profile } = deps
  const contributors: AccountExportContributor[] = []

  function toAccountInfo(row: AccountRow): AccountInfo {
    return {
      id: row.id,
      username: row.username,
      fullName: row.full_name,
      email: row.email,
      description: row.description,
      language: row.language,
      timezone: row.timezone,
      createdAt: toISO(row.created_at),
      updatedAt: toISO(row.updated_at),
    }
  }

  function ownSession(accountId: number, sessionId: string): SessionRow {
    const session = sessions.findSession(sessionId)
    if (!session || session.account_id !== accountId || sessions.isSessionExpired(session)) throw sessionNotFound()
    return session
  }

  function listAccountSessions(accountId: number): SessionInfo[] {
    return listSessionRowsForAccount(db, accountId)
      .filter((row) => !sessions.isSessionExpired(row))
      .map(toSessionInfo)
  }

  async function listAccountSessionsInSlices(accountId: number): Promise<SessionInfo[]> {
    const all: SessionInfo[] = []
    let cursor: string | null = null
    do {
      const page = sessions.listAccountSessionsPage(accountId, { cursor, limit: SESSION_PAGE_MAX })
      for (const row of page.rows) all.push(toSessionInfo(row))
      cursor = page.next
      if (cursor) await yieldToEventLoop()
    } while (cursor)
    return all
  }

  function logPageOf(options: { limit?: number; offset?: number }): { limit: number; offset: number } {
    return { limit: Math.min(Math.max(options.limit ?? 100, 1), LOG_PAGE_MAX), offset: Math.max(options.offset ?? 0, 0) }
  }

  function listAccountSecurityLog(accountId: number, options: { limit?: number; offset?: number } = {}): SecurityLogEntry[] {
    return listSecurityLogRows(db, accountId, logPageOf(options)).map(toSecurityLogEntry)
  }

  async function listAccountSecurityLogInSlices(accountId: number, options: { limit?: number; offset?: number } = {}): Promise<SecurityLogEntry[]> {
    const { limit, offset } = logPageOf(options)
    // OFFSET in one statement reads every entry it skips; stepping in slices reads as many, a few thousand a turn.
    const start = await stepDownInSlices(db, accountId, [], null, offset)
    if (start.missing > 0) return []
    return listSecurityLogRowsAfter(db, accountId, { after: start.cursor, limit }).map(toSecurityLogEntry)
  }

  return {
    toAccountInfo,
    requireAccountByUsername(username) {
      const row = username.length <= 200 ? accounts.findAccountByUsername(username) : undefined
      if (!row) throw notFoundError(`There is no account named "${username.slice(0, 64)}".`, 'account.notFound')
      return row
    },
    async setAccountPassword(accountId, password, origin) {
      const account = accounts.getAccount(accountId)
      // The same rules as a password change in the app (base rules, not the username, not a common password).
      await validateNewPassword(password, account.username, 'password')
      const passwordHash = await hasher.hashPassword(password)
      const ended = writeTransaction(db, () => {
          updateAccountPasswordHash(db, accountId, passwordHash, clock())
          audit.recordSecurityEvent({ accountId, kind: SecurityEventKind.PasswordReset, detail: { origin } })
          return sessions.invalidateAccountSessions(accountId, 'password-changed')
        })
      return { sessionsEnded: ended.length }
    },
    updateAccountContact(accountId, change, origin) {
      // One set of rules: the profile service's (trimmed full name, a valid and unused e-mail).
      profile.updateContactAsAdmin(accountId, change, origin)
      return toAccountInfo(accounts.getAccount(accountId))
    },
    listAccountSessions,
    listAccountSessionsInSlices,
    revokeAccountSession(accountId, sessionId, origin) {
      writeTransaction(db, () => {
        const session = ownSession(accountId, sessionId)
        audit.recordSecurityEvent({ accountId, kind: SecurityEventKind.SessionRevoked, sessionId: session.id, detail: { origin } })
        sessions.invalidateSession(session.id, 'revoked')
      })
    },
    revokeOtherAccountSessions(accountId, keepSessionId, origin) {
      const ended = writeTransaction(db, () => {
          ownSession(accountId, keepSessionId)
          const ids = sessions.invalidateAccountSessions(accountId, 'revoked', keepSessionId)
          audit.recordSecurityEvent({
            accountId,
            kind: SecurityEventKind.OtherSessionsRevoked,
            sessionId: keepSessionId,
            detail: { origin, count: ids.length },
          })
          return ids
        })
      return { sessionsEnded: ended.length }
    },
    listAccountSecurityLog,
    listAccountSecurityLogInSlices,
    exportAccountData(accountId) {
      const account = accounts.getAccount(accountId)
      const document: AccountExport = {
        format: 'keystead-account-export',
        version: 1,
        exportedAt: toISO(clock()),
        account: toAccountInfo(account),
        sessions: listAccountSessions(accountId),
        securityLog: listAccountSecurityLog(accountId, { limit: LOG_PAGE_MAX }),
      }
      for (const contributor of contributors) document[contributor.key] = contributor.collect(accountId)
      return document
    },
    recordAccountExported(accountId, origin) {
      audit.recordSecurityEvent({ accountId, kind: SecurityEventKind.AccountExported, detail: { origin } })
    },
    addExportContributor(contributor) {
      if (['format', 'version', 'exportedAt', 'account', 'sessions', 'securityLog'].includes(contributor.key) || contributors.some((c) => c.key === contributor.key)) {
        throw new Error(`Export key ${contributor.key} is taken`)
      }
      contributors.push(contributor)
    },
  }
}
