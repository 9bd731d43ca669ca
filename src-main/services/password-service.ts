import type { DB } from '../db/database.ts'
import { updateAccountPasswordHash, updateMustChangePassword } from '../db/repositories/accounts-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import type { AuthService } from './auth-service.ts'
import type { Clock } from './clock.ts'
import { checkFields, fieldRefusalOf, requirePasswordTyped, validationError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'
import { validateNewPassword } from './password-policy.ts'
import type { SessionService } from './session-service.ts'
import { requireSensitiveAction, SensitiveAction } from './sensitive-actions.ts'

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
}): PasswordService {
  const { db, clock, hasher, audit, accounts, sessions, auth } = deps
  return {
    async changePassword(session, request) {
      const account = accounts.getAccount(session.account_id)
      // Every field first, all refusals at once; an empty current password is a form error, not a failed attempt.
      const newPasswordRefusal = await fieldRefusalOf(() => validateNewPassword(request.newPassword, account.username))
      checkFields({
        currentPassword: () => requirePasswordTyped(request.currentPassword, 'currentPassword'),
        newPassword: () => {
          if (newPasswordRefusal) throw newPasswordRefusal
          return request.newPassword
        },
        newPasswordRepeat: () => {
          if (request.newPassword !== request.newPasswordRepeat) {
            throw validationError('newPasswordRepeat', 'password.repeatDiffers', 'The two new passwords are not the same.')
          }
          return request.newPasswordRepeat
        },
      })
      requireSensitiveAction({ clock, sessions }, session, SensitiveAction.PasswordChange)
      await auth.requireAccountPassword(session, request.currentPassword, {
        action: SensitiveAction.PasswordChange,
        field: 'currentPassword',
        reason: 'password.currentInvalid',
        message: 'The current password is incorrect.',
      })
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
