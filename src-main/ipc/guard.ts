import type { z } from 'zod'
import { appChannels, authChannels } from '../../src-preload/contract/auth.ts'
import { securityChannels } from '../../src-preload/contract/security.ts'
import { findAccountById } from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import { ErrorCode } from '../../src-preload/contract/errors.ts'
import type { ApiError, Result } from '../../src-preload/contract/errors.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { Logger } from '../log.ts'
import type { Platform } from '../platform/types.ts'
import { KeysteadError } from '../services/errors.ts'
import { adminRequiredError, isAdministrator } from '../services/role-rules.ts'
import type { Services } from '../services/index.ts'
import { requireSensitiveAction } from '../services/sensitive-actions.ts'
import type { SensitiveAction } from '../services/sensitive-actions.ts'
import type { WindowSessions } from './window-sessions.ts'

/** Who is calling: the window (webContents id) and the URL of the frame that sent it. */
export interface CallContext {
  windowId: number
  senderUrl: string
}

/** What a handler may ask of the app core beyond the services. */
export interface AppHooks {
  /** Sends an event to one window (see `eventChannels`). */
  notify(windowId: number, channel: string, payload: unknown): void
  /**
   * Replaces the store (a restore): `run` gets the data folder and `beforeSwap`, which closes the
   * database and the services; afterwards, whatever happened, the store is opened again and, when it was swapped,
   * every window is sent to sign-in. One at a time (CONFLICT `backup.restoreRunning`), never while a
   * backup runs (CONFLICT `backup.backupRunning`). When the store cannot be opened again, every window
   * and `requestedBy` (the window that asked) get `eventChannels.appStatusChanged` with the error.
   */
  replaceStore<T>(run: (store: { dataDir: string; beforeSwap(): Promise<void> }) => Promise<T>, requestedBy?: number): Promise<T>
}

export interface HandlerContext {
  services: Services
  app: AppHooks
  platform: Platform
  windows: WindowSessions
  windowId: number
  /** The caller's live session; present for every handler with access 'session'. */
  session: SessionRow | null
}

export interface SessionHandlerContext extends HandlerContext {
  session: SessionRow
  /** The session's account as it is now (role, locked, must change password). */
  account: AccountRow
}

export type HandlerAccess = 'public' | 'session' | 'admin'

/** Which sensitive actions a call performs (none, one, or depending on its input and the account). */
export type SensitiveActionsOf<S extends z.ZodType> = (input: z.output<S>, ctx: SessionHandlerContext) => ReadonlyArray<SensitiveAction | false | null | undefined>

export type HandlerDefinition<S extends z.ZodType = z.ZodType, T = unknown> =
  | { access: 'public'; input: S; run(ctx: HandlerContext, input: z.output<S>): T | Promise<T> }
  | {
      access: 'session' | 'admin'
      input: S
      /** Checked by the invoker with `requireSensitiveAction` before `run`: nothing changes on REAUTH_REQUIRED. */
      sensitive?: SensitiveActionsOf<S>
      run(ctx: SessionHandlerContext, input: z.output<S>): T | Promise<T>
    }

type ResultValue<R> = R extends Promise<Result<infer T>> ? T : never

/** Ties a domain's handlers to its contract interface: one per method, with the right result type. */
export type DomainHandlers<Api> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [K in keyof Api]: Api[K] extends (...args: any[]) => infer R ? HandlerDefinition<any, ResultValue<R>> : never
}

/** A handler anyone may call (sign-in, create account, list accounts, status). */
export function publicHandler<S extends z.ZodType, T>(input: S, run: (ctx: HandlerContext, input: z.output<S>) => T | Promise<T>): HandlerDefinition<S, T> {
  return { access: 'public', input, run }
}

/** A handler that needs the window's live session; `ctx.session` is set. */
export function sessionHandler<S extends z.ZodType, T>(input: S, run: (ctx: SessionHandlerContext, input: z.output<S>) => T | Promise<T>): HandlerDefinition<S, T> {
  return { access: 'session', input, run }
}

/**
 * A session handler that performs sensitive actions (services/sensitive-actions.ts): the invoker
 * runs the one re-authentication check for each before `run`. `actions` is a fixed action or a
 * function of the input when only some inputs are sensitive (e.g. switching a token on, not off).
 */
export function sensitiveHandler<S extends z.ZodType, T>(
  actions: SensitiveAction | SensitiveActionsOf<S>,
  input: S,
  run: (ctx: SessionHandlerContext, input: z.output<S>) => T | Promise<T>,
): HandlerDefinition<S, T> {
  return { access: 'session', input, sensitive: typeof actions === 'function' ? actions : () => [actions], run }
}

/**
 * A handler for administrators only: the window's live session, and its account's role checked in
 * main on every call. A member (or a window whose account lost the role) gets FORBIDDEN
 * `admin.required` before the handler runs (and before its arguments are read), so nothing changes.
 * With `sensitive`, the one re-authentication check runs before `run` as for sensitiveHandler.
 */
export function adminHandler<S extends z.ZodType, T>(
  input: S,
  run: (ctx: SessionHandlerContext, input: z.output<S>) => T | Promise<T>,
  sensitive?: SensitiveAction,
): HandlerDefinition<S, T> {
  return { access: 'admin', input, run, ...(sensitive ? { sensitive: () => [sensitive] } : {}) }
}

/**
 * While an account must change its password, its sessions may do only this (public channels, such
 * as getCurrentAccount, still answer). Every other session or admin channel is refused in main.
 */
export const CHANNELS_WHILE_PASSWORD_CHANGE_REQUIRED: ReadonlySet<string> = new Set([securityChannels.changePassword, authChannels.signOut])

export function passwordChangeRequiredError(): KeysteadError {
  return new KeysteadError(ErrorCode.Forbidden, 'Change your password before doing anything else.', { reason: 'password.changeRequired' })
}

export type HandlerTable = ReadonlyMap<string, HandlerDefinition>

export function failure(code: ApiError['code'], message: string, extra: Omit<ApiError, 'code' | 'message'> = {}): Result<never> {
  return { ok: false, error: { code, message, ...extra } }
}

export function toValidationFailure(error: z.ZodError): Result<never> {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined
  const message = issue ? `Invalid input${field ? ` for ${field}` : ''}: ${issue.message}` : 'Invalid input.'
  // Every refused field at once (a form shows each at its field); the first stays in `field`.
  const fields = new Map<string, { message: string; reason: string }>()
  for (const each of error.issues.slice(0, 20)) {
    const path = each.path.map(String).join('.').slice(0, 100)
    if (path && !fields.has(path)) fields.set(path, { message: `Invalid input for ${path}: ${each.message}`.slice(0, 300), reason: 'input.invalid' })
  }
  // Object.fromEntries defines own keys, so a field named __proto__ stays a plain key.
  return failure(ErrorCode.Validation, message, { ...(field ? { field } : {}), reason: 'input.invalid', ...(fields.size > 1 ? { fields: Object.fromEntries(fields) } : {}) })
}

export interface InvokerOptions {
  handlers: HandlerTable
  /** The services of the moment (null while the store is closed: not opened, or being replaced). */
  getServices(): Services | null
  app: AppHooks
  platform: Platform
  windows: WindowSessions
  isTrustedSender(url: string): boolean
  log: Logger
}

/** The channels that answer when the account store could not open (they report the status). */
const CHANNELS_WITHOUT_SERVICES: ReadonlySet<string> = new Set([appChannels.getStatus, appChannels.getStartupState])

type CallerCheck = { ok: true; session: SessionRow; account: AccountRow } | { ok: false; failure: { ok: false; error: ApiError } }

/**
 * The window's live session and its account as they are now: an ended session or a locked account
 * ends the window's hold; a required password change allows only its own channels; an
 * administrative channel needs the administrator role.
 */
function checkCaller(services: Services, windows: WindowSessions, windowId: number, channel: string, access: 'session' | 'admin'): CallerCheck {
  const held = windows.get(windowId)
  const validation = held ? services.sessions.validateSessionToken(held.token) : null
  const account = validation?.ok ? findAccountById(services.db, validation.session.account_id) : undefined
  if (!validation || !validation.ok || !account || account.locked_at !== null) {
    windows.clear(windowId)
    return { ok: false, failure: { ok: false, error: { code: ErrorCode.Unauthenticated, message: 'Your session has ended. Please sign in again.', reason: 'session.ended' } } }
  }
  if (account.must_change_password === 1 && !CHANNELS_WHILE_PASSWORD_CHANGE_REQUIRED.has(channel)) {
    return { ok: false, failure: { ok: false, error: passwordChangeRequiredError().toApiError() } }
  }
  if (access === 'admin' && !isAdministrator(account)) return { ok: false, failure: { ok: false, error: adminRequiredError().toApiError() } }
  return { ok: true, session: validation.session, account }
}

export type Invoker = (call: CallContext, channel: string, payload: unknown) => Promise<Result<unknown>>

/**
 * The one gate every request passes: trusted sender, known channel, valid
 * arguments (schema), a live session where needed; failures become typed errors
 * and internal errors are logged (without payloads) and answered generically.
 */
export function createInvoker(options: InvokerOptions): Invoker {
  const { handlers, app, platform, windows, log } = options
  return async function invoke(call, channel, payload) {
    const services = options.getServices()
    if (!options.isTrustedSender(call.senderUrl)) {
      log.error('Refused a request from an untrusted frame', { channel })
      return failure(ErrorCode.Forbidden, 'This request did not come from the Keystead window.', { reason: 'ipc.untrustedSender' })
    }
    const handler = typeof channel === 'string' ? handlers.get(channel) : undefined
    if (!handler) return failure(ErrorCode.NotFound, 'Unknown request.', { reason: 'ipc.unknownChannel' })
    // The role and a required password change are checked before the arguments: the caller learns nothing
    // from them (an ended session keeps the old order: arguments first, then UNAUTHENTICATED).
    const caller = handler.access !== 'public' && services ? checkCaller(services, windows, call.windowId, channel, handler.access) : null
    if (caller && !caller.ok && (handler.access === 'admin' || caller.failure.error.code === ErrorCode.Forbidden)) return caller.failure
    if (handler.access === 'admin' && !services) return failure(ErrorCode.Unavailable, 'The account store is not available.', { reason: 'app.unavailable' })
    const parsed = handler.input.safeParse(payload)
    if (!parsed.success) return toValidationFailure(parsed.error)
    if (!services && !CHANNELS_WITHOUT_SERVICES.has(channel)) {
      return failure(ErrorCode.Unavailable, 'The account store is not available.', { reason: 'app.unavailable' })
    }
    try {
      if (handler.access === 'session' || handler.access === 'admin') {
        const checked = caller ?? checkCaller(services!, windows, call.windowId, channel, 'session')
        if (!checked.ok) return checked.failure
        const { session, account } = checked
        const ctx: SessionHandlerContext = { services: services!, app, platform, windows, windowId: call.windowId, session, account }
        for (const action of handler.sensitive?.(parsed.data, ctx) ?? []) {
          if (action) requireSensitiveAction(services!, session, action)
        }
        const value = await handler.run(ctx, parsed.data)
        return { ok: true, value: value ?? null }
      }
      const open = handler as Extract<HandlerDefinition, { access: 'public' }>
      const value = await open.run({ services: services!, app, platform, windows, windowId: call.windowId, session: null }, parsed.data)
      return { ok: true, value: value ?? null }
    } catch (error) {
      if (error instanceof KeysteadError) return { ok: false, error: error.toApiError() }
      log.error(`Request ${channel} failed`, error)
      return failure(ErrorCode.Internal, 'Something went wrong. Please try again.', { reason: 'internal' })
    }
  }
}
