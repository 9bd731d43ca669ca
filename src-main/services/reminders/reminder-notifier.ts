import type { AccountService } from '../account-service.ts'
import type { Clock } from '../clock.ts'
import { todayIn } from '../ssh-key-service.ts'
import type { ReminderService } from './reminder-service.ts'
import { describeReminderNotification } from './reminder-text.ts'

export interface ReminderNotifier {
  /** Shows a notification for each reminder of these accounts not shown yet today (in the account's zone). Returns how many. */
  notifyReminders(accountIds: readonly number[]): number
}

/**
 * Once per item per day while Keystead runs: the ids shown are kept in memory for the day. The
 * `show` function is the platform's (Electron's Notification in the app, a fake in tests).
 */
export function createReminderNotifier(deps: {
  reminders: ReminderService
  accounts: AccountService
  clock: Clock
  show(notification: { title: string; body: string }): void
}): ReminderNotifier {
  const shown = new Set<string>()
  return {
    notifyReminders(accountIds) {
      let count = 0
      for (const accountId of new Set(accountIds)) {
        let account
        try {
          account = deps.accounts.getAccount(accountId)
        } catch {
          continue // deleted since
        }
        const today = todayIn(account.timezone, deps.clock())
        for (const reminder of deps.reminders.listReminders(accountId)) {
          const key = `${accountId}|${reminder.id}|${today}`
          if (shown.has(key)) continue
          shown.add(key)
          deps.show(describeReminderNotification(reminder, account.language, account.timezone))
          count++
        }
      }
      return count
    },
  }
}
