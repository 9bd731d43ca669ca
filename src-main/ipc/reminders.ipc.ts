import { z } from 'zod'
import type { RemindersApi } from '../../src-preload/contract/reminders.ts'
import { sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

export const dismissReminderInput = z.strictObject({ id: z.string().min(1).max(100) })

export function createRemindersHandlers(): DomainHandlers<RemindersApi> {
  return {
    list: sessionHandler(z.null(), (ctx) => ctx.services.reminders.listReminders(ctx.session.account_id)),
    dismiss: sessionHandler(dismissReminderInput, (ctx, input) => {
      ctx.services.reminders.dismissReminder(ctx.session.account_id, input.id)
      return ctx.services.reminders.listReminders(ctx.session.account_id)
    }),
  }
}
