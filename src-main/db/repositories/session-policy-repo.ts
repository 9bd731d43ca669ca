import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'

export interface SessionPolicyRow {
  idle_timeout_ms: number
  absolute_timeout_ms: number
  updated_at: number
}

export function findSessionPolicyRow(db: DB): SessionPolicyRow | undefined {
  return prepareCached(db, 'SELECT idle_timeout_ms, absolute_timeout_ms, updated_at FROM session_policy WHERE id = 1').get() as SessionPolicyRow | undefined
}

export function saveSessionPolicyRow(db: DB, row: SessionPolicyRow): void {
  db.prepare(
    `INSERT INTO session_policy (id, idle_timeout_ms, absolute_timeout_ms, updated_at) VALUES (1, @idle_timeout_ms, @absolute_timeout_ms, @updated_at)
     ON CONFLICT (id) DO UPDATE SET idle_timeout_ms = excluded.idle_timeout_ms, absolute_timeout_ms = excluded.absolute_timeout_ms, updated_at = excluded.updated_at`,
  ).run(row)
}
