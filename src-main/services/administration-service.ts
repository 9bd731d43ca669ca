import { randomInt } from 'node:crypto'
import { ACCOUNT_PAGE_MAX, ACCOUNT_SORT_COLUMNS, AccountRole } from '../../src-preload/contract/accounts.ts'
import type { AccountPage, AccountSortColumn, AdminAccountRow } from '../../src-preload/contract/accounts.ts'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { deleteAccountAccessTokens } from '../db/repositories/access-tokens-repo.ts'
import {
  findAccountById,
  listAccountPage,
  updateAccountLocked,
  updateAccountPasswordHash,
  updateAccountRole,
  updateMustChangePassword,
} from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import { deleteTwoFactor } from '../db/repositories/two-factor-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService, SecurityEventDetail } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { ErrorCode, KeysteadError, notFoundError, validationError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'
import { validateNewPassword } from './password-policy.ts'
import type { ProfileService } from './profile-service.ts'
import { assertAdministratorRemains } from './role-rules.ts'
import type { SessionService } from './session-service.ts'

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

export interface AdministrationService {
  listAccounts(query: AccountListQuery): AccountPage
  getAccountRow(accountId: number): AdminAccountRow
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

export function toAdminAccountRow(row: AccountRow): AdminAccountRow {
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
    activeSessions: row.session_count,
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
}

function cursorInvalidError(): KeysteadError {
  return validationError('cursor', 'accounts.cursorInvalid', 'This page no longer matches the list. Start again from the first page.')
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.descending, cursor.search, cursor.value, cursor.id]), 'utf8').toString('base64url')
}

function decodeCursor(text: string): Cursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw cursorInvalidError()
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw cursorInvalidError()
  const [sort, descending, search, value, id] = parsed as unknown[]
  if (
    !(ACCOUNT_SORT_COLUMNS as readonly unknown[]).includes(sort) ||
    typeof descending !== 'boolean' ||
    typeof search !== 'string' ||
    !(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) ||
    !Number.isSafeInteger(id)
  ) {
    throw cursorInvalidError()
  }
  return { sort: sort as AccountSortColumn, descending, search, value: value as string | number, id: id as number }
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

  function current(accountId: number): AdminAccountRow {
    return toAdminAccountRow(requireTarget(accountId))
  }

  async function checkTemporaryPassword(password: string | undefined, username: string): Promise<string> {
    if (password === undefined || password === '') return generateTemporaryPassword()
    return validateNewPassword(password, username, 'password')
  }

  return {
    listAccounts(query) {
      const normalized = normalizeAccountQuery(query)
      const rows = listAccountPage(db, {
        sort: normalized.sort,
        descending: normalized.descending,
        search: normalized.search,
        after: normalized.after ? { value: normalized.after.value, id: normalized.after.id } : undefined,
        limit: normalized.limit + 1,
      })
      const more = rows.length > normalized.limit
      const page = more ? rows.slice(0, normalized.limit) : rows
      const last = page.at(-1)
      return {
        rows: page.map(toAdminAccountRow),
        next:
          more && last
            ? encodeCursor({ sort: normalized.sort, descending: normalized.descending, search: normalized.search, value: last.sort_value, id: last.id })
            : null,
      }
    },
    getAccountRow: current,
    async createAccount(actor, request) {
      const temporaryPassword = await checkTemporaryPassword(request.password, request.username)
      const row = await accounts.createAccount({
        username: request.username,
        password: temporaryPassword,
        fullName: request.fullName,
        email: request.email,
        role: request.role ?? AccountRole.Member,
        mustChangePassword: true,
      })
      record(actor, row, SecurityEventKind.AccountCreatedByAdmin, { role: row.role })
      return { account: toAdminAccountRow(row), temporaryPassword }
    },
    setRole(actor, accountId, role) {
      return writeTransaction(db, () => {
        const target = requireTarget(accountId)
        if (target.role === role) return toAdminAccountRow(target)
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
        if (target.locked_at !== null) return { ...toAdminAccountRow(target), sessionsEnded: 0 }
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
        if (target.locked_at === null) return toAdminAccountRow(target)
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
        throw new KeysteadError(ErrorCode.Conflict, 'Delete your own account from your profile page.', { reason: 'accounts.deleteSelf' })
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
