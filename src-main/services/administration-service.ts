import { randomInt } from 'node:crypto'
import { ACCOUNT_PAGE_MAX, ACCOUNT_SORT_COLUMNS, AccountRole } from '../../src-preload/contract/accounts.ts'
import type { AccountPage, AccountSortColumn, AdminAccountProfile, AdminAccountRow } from '../../src-preload/contract/accounts.ts'
import type { AccountSummary } from '../../src-preload/contract/models.ts'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { deleteAccountAccessTokens } from '../db/repositories/access-tokens-repo.ts'
import {
  findAccountById,
  countLiveSessions,
  isSameSortValue,
  listAccountPage,
  listAccountRows,
  updateAccountLocked,
  updateAccountPasswordHash,
  updateAccountRole,
  updateMustChangePassword,
} from '../db/repositories/accounts-repo.ts'
import type { AccountRow, LiveSessionWindow } from '../db/repositories/accounts-repo.ts'
import { listSecurityLogRows, listSecurityLogRowsAfter } from '../db/repositories/security-log-repo.ts'
import type { SecurityLogRow } from '../db/repositories/security-log-repo.ts'
import { listSessionRowsForAccount } from '../db/repositories/sessions-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import { deleteTwoFactor } from '../db/repositories/two-factor-repo.ts'
import type { AccountService } from './account-service.ts'
import { toAccountSummary } from './account-service.ts'
import type { AuditService, SecurityEventDetail } from './audit-service.ts'
import { SecurityEventKind, stepDownInSlices } from './audit-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { ErrorCode, KeysteadError, notFoundError, validationError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'
import { validateNewPassword } from './password-policy.ts'
import type { ProfileService } from './profile-service.ts'
import { assertAdministratorRemains } from './role-rules.ts'
import type { SessionService } from './session-service.ts'
import { SESSION_PAGE_MAX } from './session-service.ts'
import { yieldToEventLoop } from './slices.ts'

/**
 * Administration of accounts, for every face: the app's Accounts screen (administrators only), the
 * `keystead` command line (acting with the rights of whoever can open the data folder) and the local
 * REST API. One service: roles, locking, resets and the keyset-paged listing, plus what the CLI and
 * the API show and do to one account (its facts, contact, sessions, security log, export).
 */

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

/** What `accounts show` and `accounts list` add to an account: its role and whether it can sign in as usual. */
export interface AccountStanding {
  role: AccountRole
  locked: boolean
  mustChangePassword: boolean
}

export function toAccountStanding(row: AccountRow): AccountStanding {
  return { role: row.role === AccountRole.Administrator ? AccountRole.Administrator : AccountRole.Member, locked: row.locked_at !== null, mustChangePassword: row.must_change_password === 1 }
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

export interface AdministrationService {
  toAccountInfo(row: AccountRow): AccountInfo
  /** Every account by username (`keystead accounts list`): the summary, the role, locked, must change the password. */
  listEveryAccount(): Array<AccountSummary & AccountStanding>
  /**
   * Resolves a username (any case) or throws NOT_FOUND `account.notFound`; with `unlockedOnly`, a locked account is
   * answered the same way (what it would grant, such as its public keys, must not be handed out).
   */
  requireAccountByUsername(username: string, options?: { unlockedOnly?: boolean }): AccountRow
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
  listAccounts(query: AccountListQuery): AccountPage
  getAccountRow(accountId: number): AdminAccountRow
  /** The account's profile page for an administrator: read-only, records nothing. */
  getAccountProfile(accountId: number): AdminAccountProfile
  createAccount(actor: AdminActor, request: CreateAccountByAdminRequest): Promise<{ account: AdminAccountRow; temporaryPassword: string }>
  setRole(actor: AdminActor, accountId: number, role: AccountRole): AdminAccountRow
  lockAccount(actor: AdminActor, accountId: number): AdminAccountRow & { sessionsEnded: number }
  unlockAccount(actor: AdminActor, accountId: number): AdminAccountRow
  requirePasswordChange(actor: AdminActor, accountId: number): AdminAccountRow
  setTemporaryPassword(actor: AdminActor, accountId: number, password?: string): Promise<{ account: AdminAccountRow; temporaryPassword: string; sessionsEnded: number }>
  resetTwoFactor(actor: AdminActor, accountId: number): AdminAccountRow & { wasEnabled: boolean }
  /** Ends every session of the account, in slices (thousands of sessions never hold the event loop). */
  signOutEverywhere(actor: AdminActor, accountId: number): Promise<{ sessionsEnded: number }>
  revokeAllTokens(actor: AdminActor, accountId: number): { tokensRevoked: number }
  deleteAccount(actor: AdminActor, accountId: number, confirmUsername: string | null): Promise<{ sessionsEnded: number }>
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

/**
 * Who acts on an account: an administrator signed in to the app, or the command line (which acts
 * with the rights of whoever can open the data folder). Each action is written to the target's
 * security log and, for an administrator, to the administrator's own log, naming the actor.
 */
export type AdminActor = { kind: 'administrator'; accountId: number; sessionId: string | null; origin: 'app' | 'api' } | { kind: 'cli' }

/** The actor for an administrator signed in to the app. */
export function sessionActor(session: SessionRow): AdminActor {
  return { kind: 'administrator', accountId: session.account_id, sessionId: session.id, origin: 'app' }
}

export interface AccountListQuery {
  search?: string
  sort?: AccountSortColumn
  descending?: boolean
  cursor?: string
  limit?: number
}

export interface CreateAccountByAdminRequest {
  username: string
  fullName?: string
  email?: string
  role?: AccountRole
  password?: string
}

export const ACCOUNT_PAGE_DEFAULT = 50
export const ACCOUNT_SEARCH_MAX_LENGTH = 200

/** Letters and digits without look-alikes (no 0/o, 1/l/i). */
const TEMPORARY_PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** 16 random characters in four groups (about 79 bits): always a letter and a digit, so it passes the rules. */
export function generateTemporaryPassword(): string {
  for (;;) {
    const chars = Array.from({ length: 16 }, () => TEMPORARY_PASSWORD_ALPHABET[randomInt(TEMPORARY_PASSWORD_ALPHABET.length)]!)
    const text = chars.join('')
    if (/[a-z]/.test(text) && /[0-9]/.test(text)) return text.match(/.{4}/g)!.join('-')
  }
}

/** `activeSessions`: live sessions only (`countLiveSessions`), never the stored count that includes expired ones. */
export function toAdminAccountRow(row: AccountRow, activeSessions: number): AdminAccountRow {
  return {
    id: row.id,
    username: row.username,
    fullName: row.full_name,
    email: row.email,
    role: row.role === AccountRole.Administrator ? AccountRole.Administrator : AccountRole.Member,
    twoFactorEnabled: row.two_factor_on === 1,
    lockedAt: row.locked_at === null ? null : toISO(row.locked_at),
    mustChangePassword: row.must_change_password === 1,
    lastSignInAt: row.last_sign_in_at === null ? null : toISO(row.last_sign_in_at),
    createdAt: toISO(row.created_at),
    activeSessions,
    tokens: row.token_count,
    sshKeys: row.ssh_key_count,
  }
}

interface Cursor {
  sort: AccountSortColumn
  descending: boolean
  search: string
  value: string | number
  id: number
  /**
   * Whether the row after the last one (the page read one more) had the same sort value: only then can
   * the next page start inside that tie. Absent (a cursor of an older version) = maybe.
   */
  tied?: boolean
}

function cursorInvalidError(): KeysteadError {
  return validationError('cursor', 'accounts.cursorInvalid', 'This page no longer matches the list. Start again from the first page.')
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.descending, cursor.search, cursor.value, cursor.id, cursor.tied ?? true]), 'utf8').toString('base64url')
}

function decodeCursor(text: string): Cursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw cursorInvalidError()
  }
  if (!Array.isArray(parsed) || parsed.length < 5 || parsed.length > 6) throw cursorInvalidError()
  const [sort, descending, search, value, id, tied = true] = parsed as unknown[]
  if (
    !(ACCOUNT_SORT_COLUMNS as readonly unknown[]).includes(sort) ||
    typeof descending !== 'boolean' ||
    typeof search !== 'string' ||
    !(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) ||
    !Number.isSafeInteger(id) ||
    typeof tied !== 'boolean'
  ) {
    throw cursorInvalidError()
  }
  return { sort: sort as AccountSortColumn, descending, search, value: value as string | number, id: id as number, tied }
}

export function normalizeAccountQuery(query: AccountListQuery): { sort: AccountSortColumn; descending: boolean; search: string; limit: number; after?: Cursor } {
  const sort = query.sort ?? 'username'
  if (!(ACCOUNT_SORT_COLUMNS as readonly string[]).includes(sort)) throw validationError('sort', 'accounts.sortInvalid', 'Sort by one of the listed columns.')
  const search = (query.search ?? '').trim().toLowerCase()
  if (search.length > ACCOUNT_SEARCH_MAX_LENGTH) {
    throw validationError('search', 'accounts.searchTooLong', `A search can have at most ${ACCOUNT_SEARCH_MAX_LENGTH} characters.`, { max: ACCOUNT_SEARCH_MAX_LENGTH })
  }
  const limit = query.limit ?? ACCOUNT_PAGE_DEFAULT
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > ACCOUNT_PAGE_MAX) {
    throw validationError('limit', 'accounts.limitInvalid', `A page holds 1 to ${ACCOUNT_PAGE_MAX} accounts.`, { max: ACCOUNT_PAGE_MAX })
  }
  const descending = query.descending ?? false
  const after = query.cursor === undefined || query.cursor === '' ? undefined : decodeCursor(query.cursor)
  // A cursor belongs to one sort and search: mixing them would skip or repeat accounts.
  if (after && (after.sort !== sort || after.descending !== descending || after.search !== search)) throw cursorInvalidError()
  return { sort, descending, search, limit, after }
}

export function createAdministrationService(deps: {
  db: DB
  clock: Clock
  hasher: PasswordHasher
  audit: AuditService
  accounts: AccountService
  sessions: SessionService
  profile: ProfileService
}): AdministrationService {
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

  function requireTarget(accountId: number): AccountRow {
    const row = findAccountById(db, accountId)
    if (!row) throw notFoundError('This account no longer exists.', 'account.notFound')
    return row
  }

  function actorName(actor: AdminActor): string {
    return actor.kind === 'administrator' ? accounts.getAccount(actor.accountId).username : 'cli'
  }

  /** The target's log names the actor; the administrator's own log names the target. */
  function record(actor: AdminActor, target: Pick<AccountRow, 'id' | 'username'>, kind: SecurityEventKind, detail: SecurityEventDetail = {}): void {
    if (actor.kind === 'cli') {
      audit.recordSecurityEvent({ accountId: target.id, kind, detail: { ...detail, origin: 'cli' } })
      return
    }
    const by = actorName(actor)
    if (target.id !== actor.accountId) {
      audit.recordSecurityEvent({ accountId: target.id, kind, detail: { ...detail, origin: actor.origin, by } })
    }
    audit.recordSecurityEvent({ accountId: actor.accountId, kind, sessionId: actor.sessionId, detail: { ...detail, origin: actor.origin, by, target: target.username } })
  }

  /**
   * Lock, temporary password, required change, 2FA reset and "sign out everywhere" are for other accounts:
   * on yourself they would end the very session acting (your own pages do these things with your password).
   */
  function refuseSelf(actor: AdminActor, accountId: number): void {
    if (actor.kind === 'administrator' && actor.accountId === accountId) {
      throw new KeysteadError(ErrorCode.Conflict, 'Do this from your own Security or Sessions page, not from Accounts.', { reason: 'accounts.notOnSelf' })
    }
  }

  function liveSessionWindow(): LiveSessionWindow {
    const policy = sessions.getSessionPolicy()
    const now = clock()
    return { createdAfter: now - policy.absoluteTimeoutMs, usedAfter: now - policy.idleTimeoutMs }
  }

  /**
   * The row as the screen shows it. Sessions that expired without being ended are ended here (as the Sessions
   * screen does), so the stored count the screen sorts by comes back in step with what it shows.
   */
  function present(row: AccountRow, liveSessions = countLiveSessions(db, row.id, liveSessionWindow())): AdminAccountRow {
    if (liveSessions < row.session_count) sessions.listAccountSessions(row.id)
    return toAdminAccountRow(row, liveSessions)
  }

  function current(accountId: number): AdminAccountRow {
    return present(requireTarget(accountId))
  }

  async function checkTemporaryPassword(password: string | undefined, username: string): Promise<string> {
    if (password === undefined || password === '') return generateTemporaryPassword()
    return validateNewPassword(password, username, 'password')
  }

  return {
    toAccountInfo,
    listEveryAccount: () => listAccountRows(db).map((row) => ({ ...toAccountSummary(row), ...toAccountStanding(row) })),
    requireAccountByUsername(username, options) {
      const row = username.length <= 200 ? accounts.findAccountByUsername(username) : undefined
      if (!row || (options?.unlockedOnly && row.locked_at !== null)) throw notFoundError(`There is no account named "${username.slice(0, 64)}".`, 'account.notFound')
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
    listAccounts(query) {
      const normalized = normalizeAccountQuery(query)
      const rows = listAccountPage(db, {
        sort: normalized.sort,
        descending: normalized.descending,
        search: normalized.search,
        after: normalized.after ? { value: normalized.after.value, id: normalized.after.id, tied: normalized.after.tied ?? true } : undefined,
        limit: normalized.limit + 1,
        liveSessions: liveSessionWindow(),
      })
      const more = rows.length > normalized.limit
      const page = more ? rows.slice(0, normalized.limit) : rows
      const last = page.at(-1)
      return {
        rows: page.map((row) => present(row, row.live_session_count)),
        next:
          more && last
            ? encodeCursor({
                sort: normalized.sort,
                descending: normalized.descending,
                search: normalized.search,
                value: last.sort_value,
                id: last.id,
                tied: isSameSortValue(normalized.sort, last.sort_value, rows[normalized.limit]!.sort_value),
              })
            : null,
      }
    },
    getAccountRow: current,
    getAccountProfile(accountId) {
      const row = requireTarget(accountId)
      return { ...present(row), description: row.description, language: row.language, timezone: row.timezone, pictureUrl: profile.getPublicProfile(accountId).pictureUrl }
    },
    async createAccount(actor, request) {
      // A chosen password is checked by the account service with every other field, so the form shows all refusals at once.
      const temporaryPassword = request.password === undefined || request.password === '' ? generateTemporaryPassword() : request.password
      const row = await accounts.createAccount({
        username: request.username,
        password: temporaryPassword,
        fullName: request.fullName,
        email: request.email,
        role: request.role ?? AccountRole.Member,
        mustChangePassword: true,
      })
      record(actor, row, SecurityEventKind.AccountCreatedByAdmin, { role: row.role })
      return { account: present(row), temporaryPassword }
    },
    setRole(actor, accountId, role) {
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        if (target.role === role) return present(target)
        if (role === AccountRole.Member) assertAdministratorRemains(db, target, 'demote')
        updateAccountRole(db, accountId, role, clock())
        record(actor, target, SecurityEventKind.RoleChanged, { role, previousRole: target.role })
        return current(accountId)
      })
    },
    lockAccount(actor, accountId) {
      refuseSelf(actor, accountId)
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        if (target.locked_at !== null) return { ...present(target), sessionsEnded: 0 }
        assertAdministratorRemains(db, target, 'lock')
        updateAccountLocked(db, accountId, clock(), clock())
        // At once: every session ends (windows are told), and credentials are refused while locked.
        const ended = sessions.invalidateAccountSessions(accountId, 'locked')
        record(actor, target, SecurityEventKind.AccountLocked, { sessionsEnded: ended.length })
        return { ...current(accountId), sessionsEnded: ended.length }
      })
    },
    unlockAccount(actor, accountId) {
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        if (target.locked_at === null) return present(target)
        updateAccountLocked(db, accountId, null, clock())
        record(actor, target, SecurityEventKind.AccountUnlocked)
        return current(accountId)
      })
    },
    requirePasswordChange(actor, accountId) {
      refuseSelf(actor, accountId)
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        updateMustChangePassword(db, accountId, true, clock())
        record(actor, target, SecurityEventKind.PasswordChangeRequired)
        return current(accountId)
      })
    },
    async setTemporaryPassword(actor, accountId, password) {
      refuseSelf(actor, accountId)
      const target = requireTarget(accountId)
      const temporaryPassword = await checkTemporaryPassword(password, target.username)
      const passwordHash = await hasher.hashPassword(temporaryPassword)
      const ended = writeTransaction(db, () => {
        requireTarget(accountId)
        updateAccountPasswordHash(db, accountId, passwordHash, clock())
        updateMustChangePassword(db, accountId, true, clock())
        const ids = sessions.invalidateAccountSessions(accountId, 'password-changed')
        record(actor, target, SecurityEventKind.TemporaryPasswordSet, { sessionsEnded: ids.length })
        return ids
      })
      return { account: current(accountId), temporaryPassword, sessionsEnded: ended.length }
    },
    resetTwoFactor(actor, accountId) {
      refuseSelf(actor, accountId)
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        const wasEnabled = target.two_factor_on === 1
        deleteTwoFactor(db, accountId)
        record(actor, target, SecurityEventKind.TwoFactorReset, { wasEnabled })
        return { ...current(accountId), wasEnabled }
      })
    },
    async signOutEverywhere(actor, accountId) {
      refuseSelf(actor, accountId)
      requireTarget(accountId)
      const ended = await sessions.invalidateAccountSessionsInSlices(accountId, 'revoked')
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        // A session started while the slices ran ends here, with the entry that counts them all.
        const sessionsEnded = ended + sessions.invalidateAccountSessions(accountId, 'revoked').length
        record(actor, target, SecurityEventKind.SessionsEndedByAdmin, { count: sessionsEnded })
        return { sessionsEnded }
      })
    },
    revokeAllTokens(actor, accountId) {
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        const count = deleteAccountAccessTokens(db, accountId)
        record(actor, target, SecurityEventKind.TokensRevokedByAdmin, { count })
        return { tokensRevoked: count }
      })
    },
    async deleteAccount(actor, accountId, confirmUsername) {
      const target = requireTarget(accountId)
      if (confirmUsername !== null && confirmUsername !== target.username) {
        throw validationError('confirmUsername', 'profile.confirmUsernameMismatch', 'Type the username exactly as shown to confirm.')
      }
      if (actor.kind === 'administrator' && actor.accountId === accountId) {
        throw new KeysteadError(ErrorCode.Conflict, 'Delete your own account from your Profile settings.', { reason: 'accounts.deleteSelf' })
      }
      // The last-administrator rule runs inside the deletion's own transaction (profile service).
      const result = await profile.deleteAccountAsAdmin(accountId, actor.kind === 'cli' ? 'cli' : actor.origin)
      if (actor.kind === 'administrator') {
        audit.recordSecurityEvent({
          accountId: actor.accountId,
          kind: SecurityEventKind.AccountDeletedByAdmin,
          sessionId: actor.sessionId,
          detail: { origin: actor.origin, by: actorName(actor), target: target.username },
        })
      }
      return result
    },
  }
}
