import { z } from 'zod'
import type { AuthApi, SignInOptions } from '../../src-preload/contract/auth.ts'
import { PASSWORD_MAX_LENGTH } from '../services/account-rules.ts'
import { toCurrentAccount } from '../services/account-service.ts'
import { ErrorCode, KeysteadError } from '../services/errors.ts'
import { SessionOrigin } from '../services/session-service.ts'
import { publicHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers, HandlerContext } from './guard.ts'

// Shapes only: the account rules themselves live in the services, shared with the CLI and API.
const text = (max: number) => z.string().max(max)
const password = z.string().max(PASSWORD_MAX_LENGTH * 4)

export const createAccountInput = z.strictObject({
  username: text(200),
  password,
  fullName: text(1000).optional(),
  email: text(1000).optional(),
})

export const signInInput = z.strictObject({
  username: text(200),
  password,
  keepSignedIn: z.boolean().optional(),
})

export const reauthenticateInput = z.strictObject({ password })

function keepSignedInUnavailableError(): KeysteadError {
  return new KeysteadError(ErrorCode.Unavailable, 'Keeping a session across restarts needs the system keyring, which this computer does not offer.', {
    field: 'keepSignedIn',
    reason: 'auth.keepSignedInUnavailable',
  })
}

function currentAccountOf(ctx: HandlerContext) {
  const held = ctx.windows.get(ctx.windowId)
  if (!held) return null
  const validation = ctx.services.sessions.validateSessionToken(held.token)
  if (!validation.ok) {
    ctx.windows.clear(ctx.windowId)
    return null
  }
  return toCurrentAccount(ctx.services.accounts.getAccount(validation.session.account_id), validation.session.id)
}

/** Ends the session this window holds, if any, before it takes another. */
function releaseWindowSession(ctx: HandlerContext): void {
  const held = ctx.windows.get(ctx.windowId)
  if (!held) return
  ctx.windows.clear(ctx.windowId)
  const session = ctx.services.sessions.findSession(held.sessionId)
  if (session) ctx.services.auth.signOut(session)
}

export function createAuthHandlers(): DomainHandlers<AuthApi> {
  return {
    listAccounts: publicHandler(z.null(), (ctx) => ctx.services.accounts.listAccounts()),
    createAccount: publicHandler(createAccountInput, async (ctx, input) => {
      const account = await ctx.services.accounts.createAccount(input)
      releaseWindowSession(ctx)
      const { token, session } = ctx.services.sessions.createSession(account.id, {
        origin: SessionOrigin.App,
        device: ctx.platform.deviceFacts(),
      })
      ctx.windows.set(ctx.windowId, { token, sessionId: session.id })
      return toCurrentAccount(account, session.id)
    }),
    signIn: publicHandler(signInInput, async (ctx, input) => {
      if (input.keepSignedIn && ctx.platform.keptSession.unavailableReason()) throw keepSignedInUnavailableError()
      const result = await ctx.services.auth.signIn({
        username: input.username,
        password: input.password,
        keepSignedIn: input.keepSignedIn,
        origin: SessionOrigin.App,
        device: ctx.platform.deviceFacts(),
      })
      releaseWindowSession(ctx)
      ctx.windows.set(ctx.windowId, { token: result.token, sessionId: result.session.id })
      if (input.keepSignedIn) ctx.platform.keptSession.save({ sessionId: result.session.id, token: result.token })
      return { status: 'signed-in' as const, account: toCurrentAccount(result.account, result.session.id) }
    }),
    signOut: sessionHandler(z.null(), (ctx) => {
      ctx.windows.clear(ctx.windowId)
      ctx.services.auth.signOut(ctx.session)
      return null
    }),
    getCurrentAccount: publicHandler(z.null(), (ctx) => currentAccountOf(ctx)),
    reauthenticate: sessionHandler(reauthenticateInput, async (ctx, input) => {
      await ctx.services.auth.reauthenticate(ctx.session, input.password)
      return null
    }),
    getSignInOptions: publicHandler(z.null(), (ctx): SignInOptions => {
      const reason = ctx.platform.keptSession.unavailableReason()
      return { keepSignedIn: reason ? { available: false, reason } : { available: true } }
    }),
  }
}
