import type { DB } from '../db/database.ts'
import { deleteThrottle, findThrottle, pruneThrottles, saveThrottle } from '../db/repositories/throttle-repo.ts'
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
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 15_000,
  blockAfterFailures: 10,
  blockMs: 15 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
})

export interface ThrottleService {
  readonly policy: ThrottlePolicy
  /** Throws THROTTLED while the subject must wait; the message is the same whether the name exists or not. */
  assertAttemptAllowed(subject: string): void
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
  function nextAttemptAt(subject: string): number {
    const row = findThrottle(db, subject)
    if (!row || row.failures < policy.freeFailures) return 0
    if (row.failures >= policy.blockAfterFailures) return row.blocked_until
    return row.last_failure_at + policy.baseDelayMs * 2 ** (row.failures - policy.freeFailures)
  }
  return {
    policy,
    nextAttemptAt,
    assertAttemptAllowed(subject) {
      const wait = nextAttemptAt(subject) - clock()
      if (wait > 0) throw throttledError(wait)
    },
    recordFailure(subject) {
      const now = clock()
      pruneThrottles(db, now - policy.forgetAfterMs)
      const row = findThrottle(db, subject)
      const failures = (row?.failures ?? 0) + 1
      saveThrottle(db, {
        subject,
        failures,
        last_failure_at: now,
        blocked_until: failures >= policy.blockAfterFailures ? now + policy.blockMs : 0,
      })
    },
    recordSuccess(subject) {
      deleteThrottle(db, subject)
    },
  }
}
