import type { DB } from '../db/database.ts'
import { updateAccountPasswordHash, updateMustChangePassword } from '../db/repositories/accounts-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import type { AuthService } from './auth-service.ts'
import type { Clock } from './clock.ts'
import { ErrorCode, KeysteadError, validationError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'
import { validateNewPassword } from './password-policy.ts'
import type { SessionService } from './session-service.ts'
import type { ThrottleService } from './throttle-service.ts'

export interface ChangePasswordRequest {
  currentPassword: string
  newPassword: string
  newPasswordRepeat: string
}

export interface PasswordService {
  /** Returns how many other sessions were signed out. */
  changePassword(session: SessionRow, request: ChangePasswordRequest): Promise<{ signedOutSessions: number }>
}

export function createPasswordService(deps: {
  db: DB
  clock: Clock
  hasher: PasswordHasher
  audit: AuditService
  accounts: AccountService
  sessions: SessionService
  auth: AuthService
  throttle: ThrottleService
}): PasswordService {
  const { db, clock, hasher, audit, accounts, sessions, auth, throttle } = deps
  return {
    async changePassword(session, request) {
      const account = accounts.getAccount(session.account_id)
      if (request.newPassword !== request.newPasswordRepeat) {
        throw validationError('newPasswordRepeat', 'password.repeatDiffers', 'The two new passwords are not the same.')
      }
      await validateNewPassword(request.newPassword, account.username)
      throttle.assertAttemptAllowed(account.username_key)
      if (!(await auth.verifyAccountPassword(account, request.currentPassword))) {
        throttle.recordFailure(account.username_key)
        throw new KeysteadError(ErrorCode.InvalidCredentials, 'The current password is incorrect.', { field: 'currentPassword', reason: 'password.currentInvalid' })
      }
      throttle.recordSuccess(account.username_key)
      if (request.newPassword === request.currentPassword) {
        throw validationError('newPassword', 'password.sameAsCurrent', 'The new password must differ from the current one.')
      }
      updateAccountPasswordHash(db, account.id, await hasher.hashPassword(request.newPassword), clock())
      // A temporary password (or an administrator's request) is done with once the user chose their own.
      if (account.must_change_password === 1) updateMustChangePassword(db, account.id, false, clock())
      sessions.markSessionAuthenticated(session.id)
      const ended = sessions.invalidateAccountSessions(account.id, 'password-changed', session.id)
      audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.PasswordChanged, sessionId: session.id, detail: { signedOutSessions: ended.length } })
      return { signedOutSessions: ended.length }
    },
  }
}
