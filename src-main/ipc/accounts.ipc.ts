import { z } from 'zod'
import { ACCOUNT_PAGE_MAX, ACCOUNT_SORT_COLUMNS, AccountRole } from '../../src-preload/contract/accounts.ts'
import type { AccountsApi } from '../../src-preload/contract/accounts.ts'
import { PASSWORD_MAX_LENGTH } from '../services/account-rules.ts'
import { sessionActor } from '../services/administration-service.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { adminHandler } from './guard.ts'
import type { DomainHandlers, SessionHandlerContext } from './guard.ts'

// Shapes only: the rules (last administrator, password policy, search length) live in the services.
const accountId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const target = z.strictObject({ accountId })
const role = z.enum([AccountRole.Administrator, AccountRole.Member])
const password = z.string().max(PASSWORD_MAX_LENGTH * 4)

export const listAccountsInput = z.strictObject({
  search: z.string().max(1000).optional(),
  sort: z.enum(ACCOUNT_SORT_COLUMNS).optional(),
  descending: z.boolean().optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(ACCOUNT_PAGE_MAX).optional(),
})

export const adminCreateAccountInput = z.strictObject({
  username: z.string().max(200),
  fullName: z.string().max(1000).optional(),
  email: z.string().max(1000).optional(),
  role: role.optional(),
  password: password.optional(),
})

/**
 * Every administrative action after the listing is the sensitive action `accounts.administer`: the invoker
 * runs the one re-authentication check (password confirmed in the last 10 minutes) before the handler.
 */
const ADMINISTER = SensitiveAction.AccountsAdminister
const confirmed = (ctx: SessionHandlerContext): ReturnType<typeof sessionActor> => sessionActor(ctx.session)

/** The Accounts screen. Every channel is an adminHandler: a member's session gets FORBIDDEN admin.required. */
export function createAccountsHandlers(): DomainHandlers<AccountsApi> {
  return {
    listAccounts: adminHandler(listAccountsInput, (ctx, input) => ctx.services.administration.listAccounts(input)),
    getAccount: adminHandler(target, (ctx, input) => ctx.services.administration.getAccountRow(input.accountId)),
    getAccountProfile: adminHandler(target, (ctx, input) => ctx.services.administration.getAccountProfile(input.accountId)),
    createAccount: adminHandler(adminCreateAccountInput, (ctx, input) => ctx.services.administration.createAccount(confirmed(ctx), input), ADMINISTER),
    setRole: adminHandler(z.strictObject({ accountId, role }), (ctx, input) => ctx.services.administration.setRole(confirmed(ctx), input.accountId, input.role), ADMINISTER),
    lockAccount: adminHandler(target, (ctx, input) => {
      const { sessionsEnded: _ended, ...row } = ctx.services.administration.lockAccount(confirmed(ctx), input.accountId)
      return row
    }, ADMINISTER),
    unlockAccount: adminHandler(target, (ctx, input) => ctx.services.administration.unlockAccount(confirmed(ctx), input.accountId), ADMINISTER),
    requirePasswordChange: adminHandler(target, (ctx, input) => ctx.services.administration.requirePasswordChange(confirmed(ctx), input.accountId), ADMINISTER),
    setTemporaryPassword: adminHandler(z.strictObject({ accountId, password: password.optional() }), async (ctx, input) => {
      const { account, temporaryPassword } = await ctx.services.administration.setTemporaryPassword(confirmed(ctx), input.accountId, input.password)
      return { account, temporaryPassword }
    }, ADMINISTER),
    resetTwoFactor: adminHandler(target, (ctx, input) => {
      const { wasEnabled: _was, ...row } = ctx.services.administration.resetTwoFactor(confirmed(ctx), input.accountId)
      return row
    }, ADMINISTER),
    signOutEverywhere: adminHandler(target, (ctx, input) => ctx.services.administration.signOutEverywhere(confirmed(ctx), input.accountId), ADMINISTER),
    revokeAllTokens: adminHandler(target, (ctx, input) => ctx.services.administration.revokeAllTokens(confirmed(ctx), input.accountId), ADMINISTER),
    deleteAccount: adminHandler(z.strictObject({ accountId, confirmUsername: z.string().max(200) }), async (ctx, input) => {
      await ctx.services.administration.deleteAccount(confirmed(ctx), input.accountId, input.confirmUsername)
      return null
    }, ADMINISTER),
  }
}
