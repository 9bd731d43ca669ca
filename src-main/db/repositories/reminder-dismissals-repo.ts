import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'

/** Reminder ids of the account set aside until after `now`. */
export function listDismissedReminderIds(db: DB, accountId: number, now: number): Set<string> {
  return new Set(prepareCached(db, 'SELECT reminder_id FROM reminder_dismissals WHERE account_id = ? AND until > ?').pluck().all(accountId, now) as string[])
}

export function upsertReminderDismissal(db: DB, accountId: number, reminderId: string, until: number): void {
  prepareCached(db, 'INSERT INTO reminder_dismissals (account_id, reminder_id, until) VALUES (?, ?, ?) ON CONFLICT (account_id, reminder_id) DO UPDATE SET until = excluded.until').run(
    accountId,
    reminderId,
    until,
  )
}
