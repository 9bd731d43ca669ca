import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import {
  advanceTwoFactorTimeStep,
  countUnusedRecoveryCodes,
  deleteTwoFactor,
  enablePendingTwoFactor,
  findTwoFactor,
  listUnusedRecoveryCodes,
  markRecoveryCodeUsed,
  replaceRecoveryCodes,
  upsertPendingTwoFactor,
} from '../db/repositories/two-factor-repo.ts'
import type { TwoFactorRow } from '../db/repositories/two-factor-repo.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import type { Clock } from './clock.ts'
import { ErrorCode, KeysteadError } from './errors.ts'
import {
  generateRecoveryCodes,
  generateRecoverySalt,
  hashRecoveryCode,
  normalizeRecoveryCode,
  recoveryHashesEqual,
} from './recovery-codes.ts'
import type { SecretBox } from './secret-box.ts'
import { runThrottledCheck } from './throttle-service.ts'
import type { ThrottleService } from './throttle-service.ts'
import { createTOTPKeyURI, generateTOTPSecret, verifyTOTP } from './totp.ts'

export interface TwoFactorStatus {
  enabled: boolean
  enabledAt: number | null
  recoveryCodesLeft: number
}

export interface TwoFactorSetup {
  secret: string
  uri: string
}

/** A second factor as typed: a 6-digit code from the app, or a recovery code. */
export type SecondFactorInput = { code: string } | { recoveryCode: string }

export interface SecondFactorResult {
  method: 'totp' | 'recovery-code'
  recoveryCodesLeft: number
}

export interface TwoFactorService {
  getTwoFactorStatus(accountId: number): TwoFactorStatus
  isTwoFactorEnabled(accountId: number): boolean
  /** A new secret every time; it only counts once a code from it was confirmed. */
  beginTwoFactorSetup(account: AccountRow): TwoFactorSetup
  /** The key of a setup still waiting for its first code. */
  getPendingSecret(accountId: number): string
  /** Checks the first code from the app, turns 2FA on and returns the 10 recovery codes (shown once). */
  confirmTwoFactorSetup(account: AccountRow, code: string): Promise<string[]>
  /** Old codes stop working at once. */
  regenerateRecoveryCodes(account: AccountRow): Promise<string[]>
  disableTwoFactor(account: AccountRow): void
  /** Verifies a TOTP code (once per time step) or a recovery code (once); throttled per account. */
  verifySecondFactor(account: AccountRow, input: SecondFactorInput): Promise<SecondFactorResult>
}

export function invalidCodeError(field = 'code'): KeysteadError {
  return new KeysteadError(ErrorCode.InvalidCredentials, 'The code is not valid. Check it and try again.', { field, reason: 'twoFactor.invalidCode' })
}

export function createTwoFactorService(deps: {
  db: DB
  clock: Clock
  secretBox: SecretBox
  audit: AuditService
  throttle: ThrottleService
  /** log2 of scrypt's N for new recovery-code hashes. */
  recoveryCodeCost: number
}): TwoFactorService {
  const { db, clock, secretBox, audit, throttle, recoveryCodeCost } = deps
  const epochSeconds = (): number => Math.floor(clock() / 1000)

  async function makeRecoveryCodes(salt: Buffer, cost: number): Promise<{ codes: string[]; hashes: Buffer[] }> {
    const codes = generateRecoveryCodes()
    const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code)!, salt, cost)))
    return { codes, hashes }
  }

  async function storeNewRecoveryCodes(accountId: number, salt: Buffer, cost: number): Promise<string[]> {
    const { codes, hashes } = await makeRecoveryCodes(salt, cost)
    replaceRecoveryCodes(db, accountId, hashes, clock())
    return codes
  }

  function enabledRow(accountId: number) {
    const row = findTwoFactor(db, accountId)
    return row && row.enabled_at !== null ? row : undefined
  }

  async function verifyRecoveryCode(account: AccountRow, row: TwoFactorRow, typed: string): Promise<boolean> {
    const normalized = normalizeRecoveryCode(typed)
    if (!normalized) return false
    const hash = await hashRecoveryCode(normalized, row.recovery_salt, row.recovery_cost)
    let match: number | null = null
    for (const row of listUnusedRecoveryCodes(db, account.id)) {
      if (recoveryHashesEqual(row.code_hash, hash)) match = row.id
    }
    return match !== null && markRecoveryCodeUsed(db, match, clock())
  }

  return {
    getTwoFactorStatus(accountId) {
      const row = enabledRow(accountId)
      return { enabled: !!row, enabledAt: row?.enabled_at ?? null, recoveryCodesLeft: row ? countUnusedRecoveryCodes(db, accountId) : 0 }
    },
    isTwoFactorEnabled: (accountId) => !!enabledRow(accountId),
    beginTwoFactorSetup(account) {
      if (enabledRow(account.id)) {
        throw new KeysteadError(ErrorCode.Conflict, 'Two-factor authentication is already on.', { reason: 'twoFactor.alreadyEnabled' })
      }
      const secret = generateTOTPSecret()
      upsertPendingTwoFactor(db, { account_id: account.id, secret_sealed: secretBox.seal(secret), recovery_salt: generateRecoverySalt(), recovery_cost: recoveryCodeCost, created_at: clock() })
      return { secret, uri: createTOTPKeyURI(account.username, secret) }
    },
    getPendingSecret(accountId) {
      const row = findTwoFactor(db, accountId)
      if (!row || row.enabled_at !== null) throw new KeysteadError(ErrorCode.Conflict, 'Start the setup again.', { reason: 'twoFactor.noSetup' })
      return secretBox.open(row.secret_sealed)
    },
    async confirmTwoFactorSetup(account, code) {
      const row = findTwoFactor(db, account.id)
      if (!row || row.enabled_at !== null) {
        throw new KeysteadError(ErrorCode.Conflict, 'Start the setup again.', { reason: 'twoFactor.noSetup' })
      }
      let timeStep = -1
      const valid = await runThrottledCheck(throttle, account.username_key, async () => {
        const result = await verifyTOTP(secretBox.open(row.secret_sealed), code.trim(), epochSeconds(), row.last_time_step)
        if (result.valid) timeStep = result.timeStep
        return result.valid
      })
      if (!valid) throw invalidCodeError()
      const { codes, hashes } = await makeRecoveryCodes(row.recovery_salt, row.recovery_cost)
      // One write transaction: the setup checked above is turned on with its codes, or nothing is.
      // A parallel confirmation (or a replayed code) that lost the race is told so and gets no codes.
      const won = writeTransaction(db, () => {
        if (!enablePendingTwoFactor(db, account.id, row.secret_sealed, clock(), timeStep)) return false
        replaceRecoveryCodes(db, account.id, hashes, clock())
        audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.TwoFactorEnabled })
        return true
      })
      if (!won) {
        throw new KeysteadError(ErrorCode.Conflict, 'Another confirmation finished first: two-factor authentication is on with the recovery codes it showed. This code gave none.', {
          reason: 'twoFactor.confirmLost',
        })
      }
      return codes
    },
    async regenerateRecoveryCodes(account) {
      const row = enabledRow(account.id)
      if (!row) throw new KeysteadError(ErrorCode.Conflict, 'Two-factor authentication is off.', { reason: 'twoFactor.notEnabled' })
      const codes = await storeNewRecoveryCodes(account.id, row.recovery_salt, row.recovery_cost)
      audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.RecoveryCodesRegenerated })
      return codes
    },
    disableTwoFactor(account) {
      deleteTwoFactor(db, account.id)
      audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.TwoFactorDisabled })
    },
    async verifySecondFactor(account, input) {
      const row = enabledRow(account.id)
      if (!row) throw new KeysteadError(ErrorCode.Conflict, 'Two-factor authentication is off.', { reason: 'twoFactor.notEnabled' })
      // Reserved before the check (like passwords): parallel guesses cannot exceed the allowance.
      const method = 'code' in input ? 'totp' : 'recovery-code'
      const valid = await runThrottledCheck(throttle, account.username_key, async () => {
        if ('code' in input) {
          const result = await verifyTOTP(secretBox.open(row.secret_sealed), input.code.trim(), epochSeconds(), row.last_time_step)
          return result.valid && advanceTwoFactorTimeStep(db, account.id, result.timeStep)
        }
        return verifyRecoveryCode(account, row, input.recoveryCode)
      })
      if (!valid) {
        audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.SecondFactorFailed, detail: { method } })
        throw invalidCodeError(method === 'totp' ? 'code' : 'recoveryCode')
      }
      const left = countUnusedRecoveryCodes(db, account.id)
      if (method === 'recovery-code') audit.recordSecurityEvent({ accountId: account.id, kind: SecurityEventKind.RecoveryCodeUsed, detail: { left } })
      return { method, recoveryCodesLeft: left }
    },
  }
}
