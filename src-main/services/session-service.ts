import { createHash, randomBytes } from 'node:crypto'
import type { DB } from '../db/database.ts'
import {
  deleteAccountSessions,
  deleteSession,
  findSessionById,
  findSessionByTokenHash,
  insertSession,
  markSessionAuthenticated,
  touchSession,
} from '../db/repositories/sessions-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { Clock } from './clock.ts'
import type { DeviceFacts } from './device-facts.ts'
import type { EventHub, ServiceEvents } from './events.ts'

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

const HOUR = 60 * 60 * 1000
export const DEFAULT_SESSION_POLICY: SessionPolicy = Object.freeze({
  idleTimeoutMs: 12 * HOUR,
  absoluteTimeoutMs: 30 * 24 * HOUR,
  touchIntervalMs: 60 * 1000,
  reauthWindowMs: 10 * 60 * 1000,
})

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

export function generateSessionId(): string {
  return randomBytes(12).toString('base64url')
}

export interface SessionService {
  readonly policy: SessionPolicy
  createSession(accountId: number, options: { origin: SessionOrigin; device: DeviceFacts; keepSignedIn?: boolean }): { token: string; session: SessionRow }
  validateSessionToken(token: string): SessionValidation
  findSession(id: string): SessionRow | undefined
  markSessionAuthenticated(id: string): void
  invalidateSession(id: string, reason: ServiceEvents['sessionsEnded']['reason']): boolean
  invalidateAccountSessions(accountId: number, reason: ServiceEvents['sessionsEnded']['reason'], exceptSessionId?: string | null): string[]
  isSessionExpired(session: SessionRow): boolean
}

export function createSessionService(db: DB, clock: Clock, events: EventHub, policy: SessionPolicy = DEFAULT_SESSION_POLICY): SessionService {
  function isSessionExpired(session: SessionRow): boolean {
    const now = clock()
    return now >= session.expires_at || now - session.last_used_at >= policy.idleTimeoutMs
  }
  function invalidateSession(id: string, reason: ServiceEvents['sessionsEnded']['reason']): boolean {
    const removed = deleteSession(db, id)
    if (removed) events.emit('sessionsEnded', { sessionIds: [id], reason })
    return removed
  }
  return {
    policy,
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
        expires_at: now + policy.absoluteTimeoutMs,
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
      if (isSessionExpired(session)) {
        invalidateSession(session.id, 'expired')
        return { ok: false, reason: 'expired' }
      }
      const now = clock()
      if (now - session.last_used_at >= policy.touchIntervalMs) {
        touchSession(db, session.id, now)
        session.last_used_at = now
      }
      return { ok: true, session }
    },
    findSession: (id) => findSessionById(db, id),
    markSessionAuthenticated: (id) => markSessionAuthenticated(db, id, clock()),
    invalidateSession,
    invalidateAccountSessions(accountId, reason, exceptSessionId = null) {
      const ids = deleteAccountSessions(db, accountId, exceptSessionId)
      if (ids.length > 0) events.emit('sessionsEnded', { sessionIds: ids, reason })
      return ids
    },
    isSessionExpired,
  }
}
