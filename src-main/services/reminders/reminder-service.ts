import type { Reminder } from '../../../src-preload/contract/reminders.ts'
import type { DB } from '../../db/database.ts'
import { writeTransaction } from '../../db/database.ts'
import { listAccessTokenRows } from '../../db/repositories/access-tokens-repo.ts'
import { listDismissedReminderIds, upsertReminderDismissal } from '../../db/repositories/reminder-dismissals-repo.ts'
import { listSSHKeyRows } from '../../db/repositories/ssh-keys-repo.ts'
import type { AccountService } from '../account-service.ts'
import type { Clock } from '../clock.ts'
import { toISO } from '../clock.ts'
import { validationError } from '../errors.ts'
import { todayIn } from '../ssh-key-service.ts'

export type { Reminder }

/** Things expiring within this many days, or expired within this many days ago, are reminded of. */
export const REMINDER_WINDOW_DAYS = 7
export const REMINDER_DISMISS_DAYS = 7
const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Where reminders come from. Tokens and SSH keys are built in; a feature adds its own source with
 * `addReminderSource` (backups: a scheduled backup that failed or is overdue, `kind: 'backup'`).
 */
export interface ReminderSource {
  key: string
  collect(accountId: number, now: number): Reminder[]
}

export interface ReminderService {
  /** Everything to remind the account of now, soonest first; without `includeDismissed`, not the ones set aside for a week. */
  listReminders(accountId: number, options?: { includeDismissed?: boolean }): Reminder[]
  /** Sets a reminder aside for REMINDER_DISMISS_DAYS days. */
  dismissReminder(accountId: number, reminderId: string): void
  addReminderSource(source: ReminderSource): void
}

/** True when `at` lies within the window around `now`. */
export function isWithinReminderWindow(at: number, now: number): boolean {
  return at <= now + REMINDER_WINDOW_DAYS * DAY_MS && at >= now - REMINDER_WINDOW_DAYS * DAY_MS
}

export function createReminderService(deps: { db: DB; clock: Clock; accounts: AccountService }): ReminderService {
  const { db, clock, accounts } = deps
  const sources: ReminderSource[] = [
    {
      key: 'tokens',
      collect: (accountId, now) =>
        listAccessTokenRows(db, accountId)
          .filter((row) => row.expires_at !== null && isWithinReminderWindow(row.expires_at, now))
          .map((row) => ({
            id: `token:${row.id}`,
            kind: 'token' as const,
            itemId: row.id,
            title: row.title,
            expiresAt: toISO(row.expires_at!),
            isExpired: row.expires_at! <= now,
            screen: 'tokens' as const,
          })),
    },
    {
      key: 'sshKeys',
      collect: (accountId, now) => {
        // A key's expiry is a date in the account's zone: it works through that day.
        const today = todayIn(accounts.getAccount(accountId).timezone, now)
        const todayMs = Date.parse(`${today}T00:00:00Z`)
        return listSSHKeyRows(db, accountId)
          .filter((row) => row.expires_on !== null && Math.abs(Date.parse(`${row.expires_on}T00:00:00Z`) - todayMs) <= REMINDER_WINDOW_DAYS * DAY_MS)
          .map((row) => ({
            id: `ssh-key:${row.id}`,
            kind: 'ssh-key' as const,
            itemId: row.id,
            title: row.title,
            expiresAt: row.expires_on!,
            isExpired: row.expires_on! < today,
            screen: 'ssh-keys' as const,
          }))
      },
    },
  ]
  return {
    listReminders(accountId, options = {}) {
      const now = clock()
      const dismissed = options.includeDismissed ? new Set<string>() : listDismissedReminderIds(db, accountId, now)
      return sources
        .flatMap((source) => source.collect(accountId, now))
        .filter((reminder) => !dismissed.has(reminder.id))
        .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.id.localeCompare(b.id))
    },
    dismissReminder(accountId, reminderId) {
      const now = clock()
      const known = sources.flatMap((source) => source.collect(accountId, now)).some((reminder) => reminder.id === reminderId)
      if (!known) throw validationError('id', 'reminders.unknown', 'There is no such reminder.')
      writeTransaction(db, () => upsertReminderDismissal(db, accountId, reminderId, now + REMINDER_DISMISS_DAYS * DAY_MS))
    },
    addReminderSource(source) {
      if (sources.some((s) => s.key === source.key)) throw new Error(`Reminder source ${source.key} is taken`)
      sources.push(source)
    },
  }
}
