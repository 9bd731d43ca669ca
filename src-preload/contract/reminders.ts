import type { Result } from './errors.ts'

/** Something about to expire or just expired (within 7 days either way), or (later) a backup to look at. */
export interface Reminder {
  /** `token:<id>`, `ssh-key:<id>` (a feature adding a source adds its own prefix, e.g. `backup:`). */
  id: string
  kind: 'token' | 'ssh-key' | 'api-key' | 'backup'
  itemId: number
  title: string
  /** ISO 8601: an instant for tokens, a date (YYYY-MM-DD, the account's zone) for SSH keys. */
  expiresAt: string
  isExpired: boolean
  /** The screen where it is handled. */
  screen: 'tokens' | 'ssh-keys' | 'settings'
}

export interface DismissReminderInput {
  id: string
}

export interface RemindersApi {
  list(): Promise<Result<Reminder[]>>
  /** Sets the reminder aside for a week. */
  dismiss(input: DismissReminderInput): Promise<Result<Reminder[]>>
}

export const remindersChannels = {
  list: 'keystead:reminders.list',
  dismiss: 'keystead:reminders.dismiss',
} as const satisfies Record<keyof RemindersApi, `keystead:${string}`>
