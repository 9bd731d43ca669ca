import type { DB } from '../database.ts'

export interface ThrottleRow {
  subject: string
  failures: number
  last_failure_at: number
  blocked_until: number
}

export function findThrottle(db: DB, subject: string): ThrottleRow | undefined {
  return db.prepare('SELECT * FROM sign_in_throttle WHERE subject = ?').get(subject) as ThrottleRow | undefined
}

export function saveThrottle(db: DB, row: ThrottleRow): void {
  db.prepare(
    `INSERT INTO sign_in_throttle (subject, failures, last_failure_at, blocked_until) VALUES (@subject, @failures, @last_failure_at, @blocked_until)
     ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
  ).run(row)
}

export function deleteThrottle(db: DB, subject: string): void {
  db.prepare('DELETE FROM sign_in_throttle WHERE subject = ?').run(subject)
}

/** Forgets failure streaks that ended before `before` (keeps the table small). */
export function pruneThrottles(db: DB, before: number): void {
  db.prepare('DELETE FROM sign_in_throttle WHERE last_failure_at < ? AND blocked_until < ?').run(before, before)
}

export function countThrottles(db: DB): number {
  return (db.prepare('SELECT count(*) AS n FROM sign_in_throttle').get() as { n: number }).n
}

/** Removes `count` rows, streaks that block nobody yet (under `freeFailures`) first, oldest first. */
export function evictThrottles(db: DB, count: number, freeFailures: number): void {
  db.prepare(
    `DELETE FROM sign_in_throttle WHERE subject IN (
       SELECT subject FROM sign_in_throttle ORDER BY (failures >= ?), last_failure_at, subject LIMIT ?)`,
  ).run(freeFailures, count)
}
