import { createHash } from 'node:crypto'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { countThrottles, deleteThrottle, evictThrottles, findThrottle, pruneThrottles, saveThrottle } from '../db/repositories/throttle-repo.ts'
import type { ThrottleRow } from '../db/repositories/throttle-repo.ts'
import type { Clock } from './clock.ts'
import { ErrorCode, KeysteadError } from './errors.ts'

export interface ThrottlePolicy {
  /** Failures allowed before any delay. */
  freeFailures: number
  /** The delay after the first throttled failure; it doubles with each further one. */
  baseDelayMs: number
  /** From this many consecutive failures on, each failure blocks for `blockMs`. */
  blockAfterFailures: number
  blockMs: number
  /** A streak with no failure for this long is forgotten. */
  forgetAfterMs: number
  /**
   * At most this many rows: a flood of made-up names cannot grow the table past it. When full, a
   * new name first evicts streaks that block nobody yet (fewest failures, oldest first).
   */
  maxRows: number
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 15_000,
  blockAfterFailures: 10,
  blockMs: 15 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
  maxRows: 10_000,
})

/** Longest subject stored as typed; longer ones (a 120,000-character "name") are stored as their SHA-256. */
export const THROTTLE_SUBJECT_MAX_LENGTH = 64

/** The key a subject is stored under: short ones as they are, long ones hashed (bounded size). */
export function toThrottleKey(subject: string): string {
  return subject.length <= THROTTLE_SUBJECT_MAX_LENGTH ? subject : `sha256:${createHash('sha256').update(subject, 'utf8').digest('hex')}`
}

/**
 * One attempt counted BEFORE the slow check (KDF, code) ran. Settle it exactly once:
 * `succeeded()` forgets the streak, `failed()` keeps the count, `abandoned()` (the check could
 * not run, e.g. an internal error) gives the attempt back.
 */
export interface ThrottleReservation {
  succeeded(): void
  failed(): void
  abandoned(): void
}


export interface ThrottleService {
  readonly policy: ThrottlePolicy
  /** Throws THROTTLED while the subject must wait; the message is the same whether the name exists or not. */
  assertAttemptAllowed(subject: string): void
  /**
   * Atomically (one IMMEDIATE write transaction, so across processes too) checks that an attempt
   * is allowed and counts it as a failure in advance; throws THROTTLED otherwise. At most the
   * allowed number of attempts is ever evaluated, however many run in parallel.
   */
  reserveAttempt(subject: string): ThrottleReservation
  recordFailure(subject: string): void
  recordSuccess(subject: string): void
  /** When the next attempt is allowed (0 = now). */
  nextAttemptAt(subject: string): number
}

export function throttledError(waitMs: number): KeysteadError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  const minutes = Math.ceil(seconds / 60)
  return seconds > 90
    ? new KeysteadError(ErrorCode.Throttled, `Too many failed attempts. Try again in ${minutes} minutes.`, { reason: 'throttle.minutes', params: { minutes } })
    : new KeysteadError(ErrorCode.Throttled, `Too many failed attempts. Try again in ${seconds} seconds.`, { reason: 'throttle.seconds', params: { seconds } })
}

/**
 * Persistent throttling of failed passwords and codes, per lowercased username. Unknown names get
 * rows too (without any account being created), so the answers never tell whether a name exists.
 */
export function createThrottleService(db: DB, clock: Clock, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY): ThrottleService {
  function nextAttemptAtOf(row: ThrottleRow | undefined): number {
    if (!row || row.failures < policy.freeFailures) return 0
    if (row.failures >= policy.blockAfterFailures) return row.blocked_until
    return row.last_failure_at + policy.baseDelayMs * 2 ** (row.failures - policy.freeFailures)
  }
  function nextAttemptAt(subject: string): number {
    return nextAttemptAtOf(findThrottle(db, toThrottleKey(subject)))
  }
  /** One more failure for `key`, written in the caller's transaction; makes room when the table is full. */
  function countFailure(key: string, row: ThrottleRow | undefined, now: number): void {
    if (!row) {
      pruneThrottles(db, now - policy.forgetAfterMs)
      const excess = countThrottles(db) - policy.maxRows + 1
      if (excess > 0) evictThrottles(db, excess, policy.freeFailures)
    }
    const failures = (row?.failures ?? 0) + 1
    saveThrottle(db, { subject: key, failures, last_failure_at: now, blocked_until: failures >= policy.blockAfterFailures ? now + policy.blockMs : 0 })
  }
  function recordFailure(subject: string): void {
    const key = toThrottleKey(subject)
    writeTransaction(db, () => countFailure(key, findThrottle(db, key), clock()))
  }
  return {
    policy,
    nextAttemptAt,
    assertAttemptAllowed(subject) {
      const wait = nextAttemptAt(subject) - clock()
      if (wait > 0) throw throttledError(wait)
    },
    reserveAttempt(subject) {
      const key = toThrottleKey(subject)
      writeTransaction(db, () => {
        const now = clock()
        const row = findThrottle(db, key)
        const wait = nextAttemptAtOf(row) - now
        if (wait > 0) throw throttledError(wait)
        countFailure(key, row, now)
      })
      let settled = false
      const settle = (work: () => void) => {
        if (settled) return
        settled = true
        work()
      }
      return {
        succeeded: () => settle(() => deleteThrottle(db, key)),
        failed: () => settle(() => undefined),
        abandoned: () =>
          settle(() =>
            writeTransaction(db, () => {
              const row = findThrottle(db, key)
              if (!row) return
              if (row.failures <= 1) deleteThrottle(db, key)
              else saveThrottle(db, { ...row, failures: row.failures - 1, blocked_until: row.failures - 1 >= policy.blockAfterFailures ? row.blocked_until : 0 })
            }),
          ),
      }
    },
    recordFailure,
    recordSuccess(subject) {
      deleteThrottle(db, toThrottleKey(subject))
    },
  }
}

/**
 * Runs one throttled check: reserves the attempt first (THROTTLED if not allowed), then `check`;
 * `false` settles as failure, an exception gives the attempt back and rethrows, `true` forgets the
 * streak ('forget') or leaves it as it was ('keep': another factor still follows).
 */
export async function runThrottledCheck(
  throttle: ThrottleService,
  subject: string,
  check: () => Promise<boolean>,
  onSuccess: 'forget' | 'keep' = 'forget',
): Promise<boolean> {
  const reservation = throttle.reserveAttempt(subject)
  let valid: boolean
  try {
    valid = await check()
  } catch (error) {
    reservation.abandoned()
    throw error
  }
  if (!valid) reservation.failed()
  else if (onSuccess === 'keep') reservation.abandoned()
  else reservation.succeeded()
  return valid
}
