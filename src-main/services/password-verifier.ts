import type { DB } from '../db/database.ts'
import { updateAccountPasswordHash } from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import type { Clock } from './clock.ts'
import type { PasswordHasher } from './password-hasher.ts'
import { runThrottledCheck } from './throttle-service.ts'
import type { ThrottleService } from './throttle-service.ts'

export interface PasswordCheck {
  /** The throttle key: the lowercased username as typed (sign-in) or the account's `username_key`. */
  subject: string
  /** null for an unknown name: the same work is done on a dummy hash, and the answer is "wrong". */
  account: AccountRow | null
  password: string
  /**
   * What a right password does to the failure streak: 'forget' it (the check is complete), or
   * 'keep' it (a second factor still follows, which shares the same streak).
   */
  onSuccess?: 'forget' | 'keep'
}

/**
 * THE password check of Keystead: sign-in, re-authentication, password change, account deletion,
 * turning two-factor off, the CLI and the API all come here. The attempt is reserved in the
 * throttle before the slow KDF runs (THROTTLED otherwise, without looking at the password), so
 * parallel attempts (threads or processes) cannot evaluate more guesses than allowed.
 */
export interface PasswordVerifier {
  verifyPassword(check: PasswordCheck): Promise<boolean>
}

export function createPasswordVerifier(deps: { db: DB; clock: Clock; hasher: PasswordHasher; throttle: ThrottleService }): PasswordVerifier {
  const { db, clock, hasher, throttle } = deps
  return {
    verifyPassword(check) {
      return runThrottledCheck(
        throttle,
        check.subject,
        async () => {
          const account = check.account
          if (account === null) {
            await hasher.verifyDummy(check.password)
            return false
          }
          const valid = await hasher.verifyPassword(account.password_hash, check.password)
          if (valid && hasher.needsRehash(account.password_hash)) {
            updateAccountPasswordHash(db, account.id, await hasher.hashPassword(check.password), clock())
          }
          return valid
        },
        check.onSuccess,
      )
    },
  }
}
