import { createHash, randomBytes } from 'node:crypto'
import type { DB } from '../db/database.ts'
import { findSessionPolicyRow, saveSessionPolicyRow } from '../db/repositories/session-policy-repo.ts'
import { writeTransaction } from '../db/database.ts'
import { runWithCheckpointOffThread } from '../db/database-worker.ts'
import {
  deleteAccountSessions,
  deleteAccountSessionsSlice,
  deleteSession,
  findSessionById,
  findSessionByTokenHash,
  findSessionTimesByIds,
  insertSession,
  listSessionRowsForAccount,
  listSessionRowsPage,
  markSessionAuthenticated,
  touchSession,
} from '../db/repositories/sessions-repo.ts'
import type { SessionPageCursor, SessionRow } from '../db/repositories/sessions-repo.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import type { Clock } from './clock.ts'
import type { DeviceFacts } from './device-facts.ts'
import { summarizeDevice } from './device-facts.ts'
import { ErrorCode, KeysteadError, validationError } from './errors.ts'
import type { EventHub, ServiceEvents } from './events.ts'
import { repeatInSlices } from './slices.ts'

export const SessionOrigin = Object.freeze({ App: 'app', CLI: 'cli', API: 'api' } as const)
export type SessionOrigin = (typeof SessionOrigin)[keyof typeof SessionOrigin]

export interface SessionPolicy {
  idleTimeoutMs: number
  absoluteTimeoutMs: number
  /** "Last used" is written at most this often. */
  touchIntervalMs: number
  /** How long a password confirmation covers sensitive actions. */
  reauthWindowMs: number
}

/** The two lifetimes a user may change (Settings, the CLI, the API). */
export interface SessionLifetimes {
  idleTimeoutMs: number
  absoluteTimeoutMs: number
}

const MINUTE = 60 * 1000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
export const DEFAULT_SESSION_POLICY: SessionPolicy = Object.freeze({
  idleTimeoutMs: 12 * HOUR,
  absoluteTimeoutMs: 30 * DAY,
  touchIntervalMs: 60 * 1000,
  reauthWindowMs: 10 * 60 * 1000,
})

/** Bounds for the lifetimes: at least a minute (sessions must outlive the once-a-minute touch), at most a year. */
export const SESSION_LIFETIME_MIN_MS = MINUTE
export const SESSION_LIFETIME_MAX_MS = 365 * DAY

/** Sessions a page of the list holds: SESSION_PAGE_DEFAULT unless asked, at most SESSION_PAGE_MAX. */
export const SESSION_PAGE_DEFAULT = 50
export const SESSION_PAGE_MAX = 200

/** One page of an account's live sessions, newest first, and where the next page starts (null: none). */
export interface SessionRowPage {
  rows: SessionRow[]
  next: string | null
}

export function encodeSessionCursor(cursor: SessionPageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url')
}

/** The cursor a page handed out, or a field error (it is only ever what an earlier page returned). */
export function decodeSessionCursor(text: string): SessionPageCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string' && parsed[1].length <= 64) {
      return { createdAt: parsed[0] as number, id: parsed[1] }
    }
  } catch {
    // Falls through to the refusal.
  }
  throw validationError('cursor', 'sessions.cursorInvalid', 'This page no longer matches the list. Start again from the first page.')
}

export type SessionValidation =
  | { ok: true; session: SessionRow }
  | { ok: false; reason: 'unknown' | 'expired' }

/** 256 bits from the CSPRNG, base64url. Only its SHA-256 is ever stored. */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

/** 96 random bits as hex: safe in URLs, file names and command lines (never starts with '-'). */
export function generateSessionId(): string {
  return randomBytes(12).toString('hex')
}

export function sessionNotFoundError(): KeysteadError {
  return new KeysteadError(ErrorCode.NotFound, 'This session does not exist or has already ended.', { field: 'sessionId', reason: 'sessions.notFound' })
}

/** Checks lifetimes (whole milliseconds, each within bounds, idle no longer than absolute); throws a field error. */
export function validateSessionLifetimes(input: SessionLifetimes): SessionLifetimes {
  for (const field of ['idleTimeoutMs', 'absoluteTimeoutMs'] as const) {
    const value = input[field]
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw validationError(field, 'sessions.lifetimeInvalid', 'A session lifetime must be a positive whole number of milliseconds.')
    }
    if (value < SESSION_LIFETIME_MIN_MS || value > SESSION_LIFETIME_MAX_MS) {
      throw validationError(field, 'sessions.lifetimeOutOfRange', 'A session lifetime must be between 1 minute and 365 days.', {
        minMinutes: SESSION_LIFETIME_MIN_MS / MINUTE,
        maxDays: SESSION_LIFETIME_MAX_MS / DAY,
      })
    }
  }
  if (input.idleTimeoutMs > input.absoluteTimeoutMs) {
    throw validationError('idleTimeoutMs', 'sessions.idleLongerThanAbsolute', 'The idle lifetime cannot be longer than the total lifetime.')
  }
  return { idleTimeoutMs: input.idleTimeoutMs, absoluteTimeoutMs: input.absoluteTimeoutMs }
}

export interface SessionService {
  /** The policy in force now (the stored lifetimes over the defaults). */
  readonly policy: SessionPolicy
  getSessionPolicy(): SessionPolicy
  /** Changes the lifetimes for every session, existing ones included; stored in the database. */
  setSessionLifetimes(lifetimes: SessionLifetimes, by?: SessionRow | null): SessionPolicy
  createSession(accountId: number, options: { origin: SessionOrigin; device: DeviceFacts; keepSignedIn?: boolean }): { token: string; session: SessionRow }
  validateSessionToken(token: string): SessionValidation
  findSession(id: string): SessionRow | undefined
  markSessionAuthenticated(id: string): void
  invalidateSession(id: string, reason: ServiceEvents['sessionsEnded']['reason']): boolean
  invalidateAccountSessions(accountId: number, reason: ServiceEvents['sessionsEnded']['reason'], exceptSessionId?: string | null): string[]
  /**
   * The same for an account that may have thousands of sessions: in slices, each one short write
   * transaction, the event loop running between them (windows are told slice by slice). A session
   * started meanwhile may outlive it: callers end the rest in their closing transaction
   * (invalidateAccountSessions). Returns how many ended.
   */
  invalidateAccountSessionsInSlices(accountId: number, reason: ServiceEvents['sessionsEnded']['reason'], exceptSessionId?: string | null): Promise<number>
  isSessionExpired(session: SessionRow): boolean
  /** When the session ends if nothing happens: the earlier of idle and absolute expiry (ms). */
  expiresAtOf(session: SessionRow): number
  /** The account's live sessions, newest first (expired ones are ended on the way). Grows with the data: the CLI's. */
  listAccountSessions(accountId: number): SessionRow[]
  /**
   * One page of them (keyset paging: the same cost on page 1 and page 200), without `exceptSessionId`;
   * expired ones on the page are ended, so a page may hold fewer than `limit`. `cursor` is the `next`
   * of the page before; `limit` 1 to SESSION_PAGE_MAX.
   */
  listAccountSessionsPage(accountId: number, options?: { cursor?: string | null; limit?: number; exceptSessionId?: string | null }): SessionRowPage
  /**
   * Closes one of the account's other sessions. Refuses (NOT_FOUND, changing nothing) a session
   * that does not exist or belongs to another account, and the caller's own session (sign out instead).
   */
  closeAccountSession(accountId: number, sessionId: string, by: SessionRow | null): SessionRow
  /** Closes every session of the account except `keepSessionId` (in slices); returns how many ended. */
  closeOtherSessions(accountId: number, keepSessionId: string | null, by: SessionRow | null): Promise<number>
  /**
   * For faces that hold sessions (windows): which of these ids no longer exist, for example because
   * another process (the CLI, the API) closed them. Expired ones are ended here and announced.
   */
  findEndedSessionIds(sessionIds: readonly string[]): string[]
}

export function createSessionService(
  db: DB,
  clock: Clock,
  events: EventHub,
  basePolicy: SessionPolicy = DEFAULT_SESSION_POLICY,
  audit?: AuditService,
): SessionService {
  function getSessionPolicy(): SessionPolicy {
    const row = findSessionPolicyRow(db)
    if (!row) return basePolicy
    return { ...basePolicy, idleTimeoutMs: row.idle_timeout_ms, absoluteTimeoutMs: row.absolute_timeout_ms }
  }
  function expiresAtOf(session: Pick<SessionRow, 'created_at' | 'last_used_at'>, policy = getSessionPolicy()): number {
    return Math.min(session.created_at + policy.absoluteTimeoutMs, session.last_used_at + policy.idleTimeoutMs)
  }
  function isSessionExpired(session: SessionRow): boolean {
    return clock() >= expiresAtOf(session)
  }
  function invalidateSession(id: string, reason: ServiceEvents['sessionsEnded']['reason']): boolean {
    const removed = deleteSession(db, id)
    if (removed) events.emit('sessionsEnded', { sessionIds: [id], reason })
    return removed
  }
  function invalidateAccountSessions(accountId: number, reason: ServiceEvents['sessionsEnded']['reason'], exceptSessionId: string | null = null): string[] {
    const ids = deleteAccountSessions(db, accountId, exceptSessionId)
    if (ids.length > 0) events.emit('sessionsEnded', { sessionIds: ids, reason })
    return ids
  }
  function invalidateAccountSessionsInSlices(accountId: number, reason: ServiceEvents['sessionsEnded']['reason'], exceptSessionId: string | null = null): Promise<number> {
    return runWithCheckpointOffThread(db, () =>
      repeatInSlices((limit) => {
        const ids = writeTransaction(db, () => deleteAccountSessionsSlice(db, accountId, limit, exceptSessionId))
        if (ids.length > 0) events.emit('sessionsEnded', { sessionIds: ids, reason })
        return ids.length
      }),
    )
  }
  return {
    get policy() {
      return getSessionPolicy()
    },
    getSessionPolicy,
    setSessionLifetimes(lifetimes, by = null) {
      const valid = validateSessionLifetimes(lifetimes)
      saveSessionPolicyRow(db, { idle_timeout_ms: valid.idleTimeoutMs, absolute_timeout_ms: valid.absoluteTimeoutMs, updated_at: clock() })
      if (by) {
        audit?.recordSecurityEvent({
          accountId: by.account_id,
          kind: SecurityEventKind.SessionPolicyChanged,
          sessionId: by.id,
          detail: { idleTimeoutMinutes: valid.idleTimeoutMs / MINUTE, absoluteTimeoutMinutes: valid.absoluteTimeoutMs / MINUTE },
        })
      }
      return getSessionPolicy()
    },
    createSession(accountId, options) {
      const now = clock()
      const token = generateSessionToken()
      const session: SessionRow = {
        id: generateSessionId(),
        account_id: accountId,
        token_hash: hashSessionToken(token),
        origin: options.origin,
        created_at: now,
        last_used_at: now,
        last_auth_at: now,
        expires_at: now + getSessionPolicy().absoluteTimeoutMs,
        keep_signed_in: options.keepSignedIn ? 1 : 0,
        ...options.device,
      }
      insertSession(db, session)
      return { token, session }
    },
    validateSessionToken(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return { ok: false, reason: 'unknown' }
      const session = findSessionByTokenHash(db, hashSessionToken(token))
      if (!session) return { ok: false, reason: 'unknown' }
      const policy = getSessionPolicy()
      const now = clock()
      if (now >= expiresAtOf(session, policy)) {
        invalidateSession(session.id, 'expired')
        return { ok: false, reason: 'expired' }
      }
      if (now - session.last_used_at >= policy.touchIntervalMs) {
        touchSession(db, session.id, now)
        session.last_used_at = now
      }
      return { ok: true, session }
    },
    findSession: (id) => findSessionById(db, id),
    markSessionAuthenticated: (id) => markSessionAuthenticated(db, id, clock()),
    invalidateSession,
    invalidateAccountSessions,
    invalidateAccountSessionsInSlices,
    isSessionExpired,
    expiresAtOf: (session) => expiresAtOf(session),
    listAccountSessions(accountId) {
      const policy = getSessionPolicy()
      const now = clock()
      const live: SessionRow[] = []
      for (const session of listSessionRowsForAccount(db, accountId)) {
        if (now >= expiresAtOf(session, policy)) invalidateSession(session.id, 'expired')
        else live.push(session)
      }
      return live
    },
    listAccountSessionsPage(accountId, options = {}) {
      const limit = options.limit ?? SESSION_PAGE_DEFAULT
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > SESSION_PAGE_MAX) {
        throw validationError('limit', 'sessions.limitInvalid', `A page holds 1 to ${SESSION_PAGE_MAX} sessions.`, { max: SESSION_PAGE_MAX })
      }
      const after = options.cursor ? decodeSessionCursor(options.cursor) : null
      // One more than the page: whether a next page exists (never an empty last page behind "Show more").
      const read = listSessionRowsPage(db, accountId, { after, exceptId: options.exceptSessionId ?? null, limit: limit + 1 })
      const rows = read.slice(0, limit)
      const policy = getSessionPolicy()
      const now = clock()
      const expired = rows.filter((row) => now >= expiresAtOf(row, policy))
      if (expired.length > 0) {
        const ended = writeTransaction(db, () => expired.filter((row) => deleteSession(db, row.id)).map((row) => row.id))
        if (ended.length > 0) events.emit('sessionsEnded', { sessionIds: ended, reason: 'expired' })
      }
      const last = rows.at(-1)
      return {
        rows: rows.filter((row) => now < expiresAtOf(row, policy)),
        next: read.length > limit && last ? encodeSessionCursor({ createdAt: last.created_at, id: last.id }) : null,
      }
    },
    closeAccountSession(accountId, sessionId, by) {
      const target = findSessionById(db, sessionId)
      // Someone else's session answers exactly like a missing one: no probing of other accounts.
      if (!target || target.account_id !== accountId) throw sessionNotFoundError()
      if (by && target.id === by.id) {
        throw new KeysteadError(ErrorCode.Validation, 'This is the session you are using: sign out to end it.', { field: 'sessionId', reason: 'sessions.isCurrent' })
      }
      if (!invalidateSession(target.id, 'revoked')) throw sessionNotFoundError()
      audit?.recordSecurityEvent({
        accountId,
        kind: SecurityEventKind.SessionClosed,
        sessionId: by?.id ?? null,
        detail: { closedSessionId: target.id, closedOrigin: target.origin, closedDevice: summarizeDevice(target) },
      })
      return target
    },
    async closeOtherSessions(accountId, keepSessionId, by) {
      const ended = await invalidateAccountSessionsInSlices(accountId, 'revoked', keepSessionId)
      return writeTransaction(db, () => {
        // A session started while the slices ran ends here, with the entry that counts them all.
        const count = ended + invalidateAccountSessions(accountId, 'revoked', keepSessionId).length
        audit?.recordSecurityEvent({
          accountId,
          kind: SecurityEventKind.OtherSessionsClosed,
          sessionId: by?.id ?? null,
          detail: { count },
        })
        return count
      })
    },
    findEndedSessionIds(sessionIds) {
      const ids = [...new Set(sessionIds)]
      if (ids.length === 0) return []
      const policy = getSessionPolicy()
      const now = clock()
      const alive = new Map<string, Pick<SessionRow, 'created_at' | 'last_used_at'>>()
      // One statement per 500 ids (far below SQLite's limit on bound values); a window holds one session.
      for (let start = 0; start < ids.length; start += 500) {
        for (const row of findSessionTimesByIds(db, ids.slice(start, start + 500))) alive.set(row.id, row)
      }
      const ended: string[] = []
      for (const id of ids) {
        const times = alive.get(id)
        if (!times) ended.push(id)
        else if (now >= expiresAtOf(times, policy)) invalidateSession(id, 'expired')
      }
      return ended
    },
  }
}

