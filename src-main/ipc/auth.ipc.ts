import { z } from 'zod'
import type { AuthApi, SignInOptions } from '../../src-preload/contract/auth.ts'
import type { CurrentAccount } from '../../src-preload/contract/models.ts'
import { PASSWORD_MAX_LENGTH } from '../services/account-rules.ts'
import { toCurrentAccount } from '../services/account-service.ts'
import type { SignInResult } from '../services/auth-service.ts'
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
  confirmPassword: password.optional(),
})

export const signInInput = z.strictObject({
  username: text(200),
  password,
  keepSignedIn: z.boolean().optional(),
})

export const reauthenticateInput = z.strictObject({ password })

export const completeSignInInput = z.union([z.strictObject({ code: text(20) }), z.strictObject({ recoveryCode: text(40) })])

function keepSignedInUnavailableError(): KeysteadError {
  return new KeysteadError(ErrorCode.Unavailable, 'Keeping a session across restarts needs the system keyring, which this computer does not offer.', {
    field: 'keepSignedIn',
    reason: 'auth.keepSignedInUnavailable',
  })
}

/** How long the half-signed-in state (right password, code still due) lasts. */
export const PENDING_SIGN_IN_MS = 5 * 60_000
interface PendingSignIn {
  accountId: number
  keepSignedIn: boolean
  expiresAt: number
}

/** The account this window's live session belongs to, or null (a stale session is dropped). */
export function currentAccountOf(ctx: HandlerContext): CurrentAccount | null {
  const held = ctx.windows.get(ctx.windowId)
  if (!held) return null
  const validation = ctx.services.sessions.validateSessionToken(held.token)
  if (!validation.ok) {
    ctx.windows.clear(ctx.windowId)
    return null
  }
  return toCurrentAccount(ctx.services.accounts.getAccount(validation.session.account_id), validation.session.id)
}

/** What the sign-in form may offer on this computer ("Keep me signed in" needs an OS keyring). */
export function signInOptionsOf(ctx: HandlerContext): SignInOptions {
  const reason = ctx.platform.keptSession.unavailableReason()
  return { keepSignedIn: reason ? { available: false, reason } : { available: true } }
}

/** Ends the session this window holds, if any, before it takes another. */
function releaseWindowSession(ctx: HandlerContext): void {
  const held = ctx.windows.get(ctx.windowId)
  if (!held) return
  ctx.windows.clear(ctx.windowId)
  const session = ctx.services.sessions.findSession(held.sessionId)
  if (session) ctx.services.auth.signOut(session)
}

function signInOutcome(ctx: HandlerContext, result: Extract<SignInResult, { status: 'signed-in' }>, keepSignedIn: boolean) {
  releaseWindowSession(ctx)
  ctx.windows.set(ctx.windowId, { token: result.token, sessionId: result.session.id })
  if (keepSignedIn) ctx.platform.keptSession.save({ sessionId: result.session.id, token: result.token })
  const account = toCurrentAccount(result.account, result.session.id)
  return result.recoveryCodesLeft === undefined
    ? { status: 'signed-in' as const, account }
    : { status: 'signed-in' as const, account, recoveryCodesLeft: result.recoveryCodesLeft }
}

export function createAuthHandlers(): DomainHandlers<AuthApi> {
  // Per window, in the main process only: the renderer never holds anything for step two.
  const pending = new Map<number, PendingSignIn>()
  return {
    listAccounts: publicHandler(z.null(), (ctx) => ctx.services.accounts.listAccounts()),
    getSignInHints: publicHandler(z.null(), (ctx) => ctx.services.accounts.getSignInHints()),
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
      pending.delete(ctx.windowId)
      if (input.keepSignedIn && ctx.platform.keptSession.unavailableReason()) throw keepSignedInUnavailableError()
      const result = await ctx.services.auth.signIn({
        username: input.username,
        password: input.password,
        keepSignedIn: input.keepSignedIn,
        origin: SessionOrigin.App,
        device: ctx.platform.deviceFacts(),
      })
      if (result.status === 'second-factor-required') {
        pending.set(ctx.windowId, { accountId: result.accountId, keepSignedIn: input.keepSignedIn ?? false, expiresAt: ctx.services.clock() + PENDING_SIGN_IN_MS })
        return { status: 'second-factor-required' as const }
      }
      return signInOutcome(ctx, result, input.keepSignedIn ?? false)
    }),
    completeSignIn: publicHandler(completeSignInInput, async (ctx, input) => {
      const held = pending.get(ctx.windowId)
      if (!held || held.expiresAt <= ctx.services.clock()) {
        pending.delete(ctx.windowId)
        throw new KeysteadError(ErrorCode.Unauthenticated, 'The sign-in took too long. Enter your password again.', { reason: 'signIn.secondStepExpired' })
      }
      const result = await ctx.services.auth.completeSignIn({
        accountId: held.accountId,
        secondFactor: input,
        keepSignedIn: held.keepSignedIn,
        origin: SessionOrigin.App,
        device: ctx.platform.deviceFacts(),
      })
      pending.delete(ctx.windowId)
      return signInOutcome(ctx, result, held.keepSignedIn)
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
    getSignInOptions: publicHandler(z.null(), (ctx) => signInOptionsOf(ctx)),
  }
}
