import type { DB } from '../db/database.ts'
import { updateAccountPasswordHash, updateLastSignIn } from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import { toUsernameKey } from './account-rules.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import type { Clock } from './clock.ts'
import type { DeviceFacts } from './device-facts.ts'
import { summarizeDevice } from './device-facts.ts'
import { ErrorCode, KeysteadError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'
import type { SessionOrigin, SessionService } from './session-service.ts'
import type { ThrottleService } from './throttle-service.ts'
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

/** Told only to someone who gave the right password: a wrong one answers signIn.invalid, locked or not. */
export function accountLockedError(): KeysteadError {
  return new KeysteadError(ErrorCode.Forbidden, 'This account is locked. Ask an administrator to unlock it.', { reason: 'signIn.locked' })
}

export function reauthRequiredError(): KeysteadError {
  return new KeysteadError(ErrorCode.ReauthRequired, 'Confirm your password to continue.', { reason: 'reauth.required' })
}

export interface AuthService {
  /** Step one: username and password (throttled per lowercased name, known or not). */
  signIn(request: SignInRequest): Promise<SignInResult>
  /** Step two when 2FA is on: a TOTP code or a recovery code, then the session. */
  completeSignIn(request: CompleteSignInRequest): Promise<Extract<SignInResult, { status: 'signed-in' }>>
  signOut(session: SessionRow): void
  /** Checks the password of the session's account and restarts the 10-minute window. */
  reauthenticate(session: SessionRow, password: string): Promise<void>
  /** Throws REAUTH_REQUIRED unless the password was confirmed in the last 10 minutes. */
  requireRecentAuth(session: SessionRow): void
  /** Verifies an account's password (async KDF), re-hashing when its parameters are old. */
  verifyAccountPassword(account: AccountRow, password: string): Promise<boolean>
  /**
   * For sensitive actions (delete the account, disable 2FA, ...): when the account has two-factor
   * authentication on, a current TOTP code or a recovery code must be given, else it throws.
   * Extension point owned by the security feature; until 2FA exists no account has it on.
   */
  requireSecondFactor(accountId: number, code: string | undefined): Promise<void>
}

export function createAuthService(deps: {
  db: DB
  clock: Clock
  hasher: PasswordHasher
  audit: AuditService
  accounts: AccountService
  sessions: SessionService
  throttle: ThrottleService
  twoFactor: TwoFactorService
}): AuthService {
  const { db, clock, hasher, audit, accounts, sessions, throttle, twoFactor } = deps

  async function verifyAccountPassword(account: AccountRow, password: string): Promise<boolean> {
    const valid = await hasher.verifyPassword(account.password_hash, password)
    if (valid && hasher.needsRehash(account.password_hash)) {
      updateAccountPasswordHash(db, account.id, await hasher.hashPassword(password), clock())
    }
    return valid
  }

  function startSession(account: AccountRow, request: { origin: SessionOrigin; device: DeviceFacts; keepSignedIn?: boolean }): Extract<SignInResult, { status: 'signed-in' }> {
    const { token, session } = sessions.createSession(account.id, {
      origin: request.origin,
      device: request.device,
      keepSignedIn: request.keepSignedIn,
    })
    updateLastSignIn(db, account.id, session.created_at)
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
    async signIn(request) {
      const subject = toUsernameKey(request.username)
      throttle.assertAttemptAllowed(subject)
      const account = accounts.findAccountByUsername(request.username)
      if (!account) {
        await hasher.verifyDummy(request.password)
        throttle.recordFailure(subject)
        throw invalidCredentialsError()
      }
      if (!(await verifyAccountPassword(account, request.password))) {
        throttle.recordFailure(subject)
        audit.recordSecurityEvent({
          accountId: account.id,
          kind: SecurityEventKind.SignInFailed,
          device: summarizeDevice(request.device),
          detail: { origin: request.origin },
        })
        throw invalidCredentialsError()
      }
      if (account.locked_at !== null) {
        throttle.recordSuccess(subject)
        audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.SignInWhileLocked, device: summarizeDevice(request.device), detail: { origin: request.origin } })
        throw accountLockedError()
      }
      if (twoFactor.isTwoFactorEnabled(account.id)) return { status: 'second-factor-required', accountId: account.id }
      throttle.recordSuccess(subject)
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
      const account = accounts.getAccount(session.account_id)
      throttle.assertAttemptAllowed(account.username_key)
      if (!(await verifyAccountPassword(account, password))) {
        throttle.recordFailure(account.username_key)
        audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.ReauthFailed, sessionId: session.id })
        throw new KeysteadError(ErrorCode.InvalidCredentials, 'The password is incorrect.', { field: 'password', reason: 'reauth.invalid' })
      }
      throttle.recordSuccess(account.username_key)
      sessions.markSessionAuthenticated(session.id)
      session.last_auth_at = clock()
      audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.Reauthenticated, sessionId: session.id })
    },
    async requireSecondFactor(accountId, code) {
      if (!twoFactor.isTwoFactorEnabled(accountId)) return
      const typed = (code ?? '').trim()
      if (typed.length === 0) {
        throw new KeysteadError(ErrorCode.Validation, 'Enter a code from your authenticator app or a recovery code.', { field: 'code', reason: 'twoFactor.codeRequired' })
      }
      const account = accounts.getAccount(accountId)
      await twoFactor.verifySecondFactor(account, /^[0-9]{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed })
    },
    requireRecentAuth(session) {
      if (clock() - session.last_auth_at > sessions.policy.reauthWindowMs) throw reauthRequiredError()
    },
  }
}
