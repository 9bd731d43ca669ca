import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import { toUsernameKey } from './account-rules.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import type { Clock } from './clock.ts'
import type { DeviceFacts } from './device-facts.ts'
import { summarizeDevice } from './device-facts.ts'
import { ErrorCode, KeysteadError, requirePasswordTyped } from './errors.ts'
import type { PasswordVerifier } from './password-verifier.ts'
import { isRecentlyAuthenticated, reauthRequiredError } from './sensitive-actions.ts'
import type { SessionOrigin, SessionService } from './session-service.ts'
import type { SecondFactorInput, TwoFactorService } from './two-factor-service.ts'

export interface SignInRequest {
  username: string
  password: string
  origin: SessionOrigin
  device: DeviceFacts
  keepSignedIn?: boolean
}

export type SignInResult =
  | { status: 'signed-in'; token: string; session: SessionRow; account: AccountRow; recoveryCodesLeft?: number }
  /** The password was right; the face keeps `accountId` (never the renderer) and asks for the code. */
  | { status: 'second-factor-required'; accountId: number }

export interface CompleteSignInRequest {
  accountId: number
  secondFactor: SecondFactorInput
  origin: SessionOrigin
  device: DeviceFacts
  keepSignedIn?: boolean
}

/** The one message for a wrong username and a wrong password alike. */
export function invalidCredentialsError(): KeysteadError {
  return new KeysteadError(ErrorCode.InvalidCredentials, 'The username or password is incorrect.', { reason: 'signIn.invalid' })
}

export { reauthRequiredError }

/** Told only to someone who gave the right password: a wrong one answers signIn.invalid, locked or not. */
export function accountLockedError(): KeysteadError {
  return new KeysteadError(ErrorCode.Forbidden, 'This account is locked. Ask an administrator to unlock it.', { reason: 'signIn.locked' })
}

export function wrongPasswordError(field = 'password', reason = 'reauth.invalid', message = 'The password is incorrect.'): KeysteadError {
  return new KeysteadError(ErrorCode.InvalidCredentials, message, { field, reason })
}

export interface AuthService {
  /** Step one: username and password (throttled per lowercased name, known or not). */
  signIn(request: SignInRequest): Promise<SignInResult>
  /** Step two when 2FA is on: a TOTP code or a recovery code, then the session. */
  completeSignIn(request: CompleteSignInRequest): Promise<Extract<SignInResult, { status: 'signed-in' }>>
  signOut(session: SessionRow): void
  /** Checks the password of the session's account and restarts the 10-minute window. */
  reauthenticate(session: SessionRow, password: string): Promise<void>
  /**
   * Throws REAUTH_REQUIRED unless the password was confirmed in the last 10 minutes. For a
   * sensitive action use `requireSensitiveAction` (sensitive-actions.ts), which is built on this rule.
   */
  requireRecentAuth(session: SessionRow): void
  /**
   * Verifies an account's password through the one throttled verifier (THROTTLED before any
   * hashing when too many attempts failed), re-hashing when its parameters are old.
   */
  verifyAccountPassword(account: AccountRow, password: string): Promise<boolean>
  /**
   * For a form that carries the password (password change, account deletion, 2FA off): the
   * throttled check; a wrong password is logged (`reauth.failed` with `action`) and throws
   * INVALID_CREDENTIALS at `field`.
   */
  requireAccountPassword(session: SessionRow, password: string, options: { action: string; field?: string; reason?: string; message?: string }): Promise<AccountRow>
  /**
   * For sensitive actions (delete the account, disable 2FA, ...): when the account has two-factor
   * authentication on, a current TOTP code or a recovery code must be given, else it throws.
   * Extension point owned by the security feature; until 2FA exists no account has it on.
   */
  requireSecondFactor(accountId: number, code: string | undefined): Promise<void>
  /** Only the form check of requireSecondFactor: with 2FA on, an empty code is refused (field `code`). */
  requireSecondFactorTyped(accountId: number, code: string | undefined): void
}

export function createAuthService(deps: {
  clock: Clock
  verifier: PasswordVerifier
  audit: AuditService
  accounts: AccountService
  sessions: SessionService
  twoFactor: TwoFactorService
}): AuthService {
  const { clock, verifier, audit, accounts, sessions, twoFactor } = deps

  function requireSecondFactorTyped(accountId: number, code: string | undefined): void {
    if (twoFactor.isTwoFactorEnabled(accountId) && (code ?? '').trim().length === 0) {
      throw new KeysteadError(ErrorCode.Validation, 'Enter a code from your authenticator app or a recovery code.', { field: 'code', reason: 'twoFactor.codeRequired' })
    }
  }

  function verifyAccountPassword(account: AccountRow, password: string): Promise<boolean> {
    return verifier.verifyPassword({ subject: account.username_key, account, password })
  }

  function startSession(account: AccountRow, request: { origin: SessionOrigin; device: DeviceFacts; keepSignedIn?: boolean }): Extract<SignInResult, { status: 'signed-in' }> {
    const { token, session } = sessions.createSession(account.id, {
      origin: request.origin,
      device: request.device,
      keepSignedIn: request.keepSignedIn,
    })
    accounts.markSignedIn(account.id, session.created_at)
    audit.recordSecurityEvent({
      accountId: account.id,
      kind: SecurityEventKind.SignIn,
      sessionId: session.id,
      device: summarizeDevice(request.device),
      detail: { origin: request.origin },
    })
    return { status: 'signed-in', token, session, account: accounts.getAccount(account.id) }
  }

  return {
    verifyAccountPassword,
    async requireAccountPassword(session, password, options) {
      // An empty field is the form's mistake, not an attempt: not throttled, not logged.
      requirePasswordTyped(password, options.field ?? 'password')
      const account = accounts.getAccount(session.account_id)
      if (!(await verifyAccountPassword(account, password))) {
        audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.ReauthFailed, sessionId: session.id, detail: { action: options.action } })
        throw wrongPasswordError(options.field, options.reason, options.message)
      }
      return account
    },
    async signIn(request) {
      // Unknown names (also names that are not well-formed, e.g. with the Kelvin sign) do the same
      // work on a dummy hash and get the same answer; both are throttled under the typed name.
      const account = accounts.findAccountByUsername(request.username) ?? null
      const twoFactorOn = account !== null && twoFactor.isTwoFactorEnabled(account.id)
      const valid = await verifier.verifyPassword({
        subject: toUsernameKey(request.username),
        account,
        password: request.password,
        // With 2FA on the streak goes on until the code is right too.
        onSuccess: twoFactorOn ? 'keep' : 'forget',
      })
      if (!account) throw invalidCredentialsError()
      if (!valid) {
        audit.recordSecurityEvent({
          accountId: account.id,
          kind: SecurityEventKind.SignInFailed,
          device: summarizeDevice(request.device),
          detail: { origin: request.origin },
        })
        throw invalidCredentialsError()
      }
      if (account.locked_at !== null) {
        audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.SignInWhileLocked, device: summarizeDevice(request.device), detail: { origin: request.origin } })
        throw accountLockedError()
      }
      if (twoFactorOn) return { status: 'second-factor-required', accountId: account.id }
      return startSession(account, request)
    },
    async completeSignIn(request) {
      const account = accounts.getAccount(request.accountId)
      const result = await twoFactor.verifySecondFactor(account, request.secondFactor)
      // Locked between the two steps: no session.
      if (accounts.getAccount(account.id).locked_at !== null) throw accountLockedError()
      const signedIn = startSession(account, request)
      return result.method === 'recovery-code' ? { ...signedIn, recoveryCodesLeft: result.recoveryCodesLeft } : signedIn
    },
    signOut(session) {
      audit.recordSecurityEvent({
        accountId: session.account_id,
        kind: SecurityEventKind.SignOut,
        sessionId: session.id,
        device: summarizeDevice(session),
      })
      sessions.invalidateSession(session.id, 'signed-out')
    },
    async reauthenticate(session, password) {
      // An empty field is the form's mistake, not an attempt: not throttled, not logged.
      requirePasswordTyped(password, 'password')
      const account = accounts.getAccount(session.account_id)
      if (!(await verifyAccountPassword(account, password))) {
        audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.ReauthFailed, sessionId: session.id })
        throw wrongPasswordError()
      }
      sessions.markSessionAuthenticated(session.id)
      session.last_auth_at = clock()
      audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.Reauthenticated, sessionId: session.id })
    },
    requireSecondFactorTyped,
    async requireSecondFactor(accountId, code) {
      if (!twoFactor.isTwoFactorEnabled(accountId)) return
      requireSecondFactorTyped(accountId, code)
      const typed = (code ?? '').trim()
      const account = accounts.getAccount(accountId)
      await twoFactor.verifySecondFactor(account, /^[0-9]{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed })
    },
    requireRecentAuth(session) {
      if (!isRecentlyAuthenticated(session, clock(), sessions.policy.reauthWindowMs)) throw reauthRequiredError()
    },
  }
}
