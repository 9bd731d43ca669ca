import { basename } from 'node:path'
import QRCode from 'qrcode'
import { z } from 'zod'
import type { RecoveryCodesBatch, SecurityApi, SecurityOverview } from '../../src-preload/contract/security.ts'
import { PASSWORD_MAX_LENGTH } from '../services/account-rules.ts'
import { ErrorCode, KeysteadError } from '../services/errors.ts'
import { formatRecoveryCodesFile, recoveryCodesFileName } from '../services/recovery-codes.ts'
import { writeSecretFile } from '../services/secret-file.ts'
import { formatTOTPSecret } from '../services/totp.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers, SessionHandlerContext } from './guard.ts'

const password = z.string().max(PASSWORD_MAX_LENGTH * 4)
const code = z.string().max(40)

export const changePasswordInput = z.strictObject({ currentPassword: password, newPassword: password, newPasswordRepeat: password })
export const confirmTwoFactorInput = z.strictObject({ code })
export const disableTwoFactorInput = z.strictObject({ password, code })

/** Recovery codes just shown in a window: main keeps them briefly so Copy and Download need no round trip. */
const BATCH_LIFETIME_MS = 15 * 60_000
interface HeldBatch {
  accountId: number
  codes: string[]
  createdAt: number
}

export function createSecurityHandlers(): DomainHandlers<SecurityApi> {
  const batches = new Map<number, HeldBatch>()

  function holdBatch(ctx: SessionHandlerContext, codes: string[]): RecoveryCodesBatch {
    const createdAt = ctx.services.clock()
    batches.set(ctx.windowId, { accountId: ctx.session.account_id, codes, createdAt })
    return { codes, createdAt: new Date(createdAt).toISOString() }
  }

  function heldBatch(ctx: SessionHandlerContext): HeldBatch {
    const batch = batches.get(ctx.windowId)
    if (!batch || batch.accountId !== ctx.session.account_id || ctx.services.clock() - batch.createdAt > BATCH_LIFETIME_MS) {
      batches.delete(ctx.windowId)
      throw new KeysteadError(ErrorCode.NotFound, 'These recovery codes are no longer available. Make new ones.', { reason: 'twoFactor.codesGone' })
    }
    return batch
  }

  return {
    getOverview: sessionHandler(z.null(), (ctx): SecurityOverview => {
      const status = ctx.services.twoFactor.getTwoFactorStatus(ctx.session.account_id)
      return {
        twoFactor: {
          enabled: status.enabled,
          enabledAt: status.enabledAt === null ? null : new Date(status.enabledAt).toISOString(),
          recoveryCodesLeft: status.recoveryCodesLeft,
        },
        secretStorage: ctx.services.secretBox.kind,
      }
    }),
    changePassword: sessionHandler(changePasswordInput, (ctx, input) => ctx.services.passwords.changePassword(ctx.session, input)),
    beginTwoFactorSetup: sensitiveHandler(SensitiveAction.TwoFactorSetupBegin, z.null(), async (ctx) => {
      const account = ctx.services.accounts.getAccount(ctx.session.account_id)
      const setup = ctx.services.twoFactor.beginTwoFactorSetup(account)
      return {
        secretGroups: formatTOTPSecret(setup.secret),
        uri: setup.uri,
        qrCodeDataUrl: await QRCode.toDataURL(setup.uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
      }
    }),
    copyTwoFactorSecret: sessionHandler(z.null(), (ctx) => {
      ctx.platform.clipboard.writeText(ctx.services.twoFactor.getPendingSecret(ctx.session.account_id))
      return null
    }),
    confirmTwoFactorSetup: sensitiveHandler(SensitiveAction.TwoFactorSetupConfirm, confirmTwoFactorInput, async (ctx, input) => {
      const account = ctx.services.accounts.getAccount(ctx.session.account_id)
      return holdBatch(ctx, await ctx.services.twoFactor.confirmTwoFactorSetup(account, input.code))
    }),
    regenerateRecoveryCodes: sensitiveHandler(SensitiveAction.RecoveryCodesRegenerate, z.null(), async (ctx) => {
      const account = ctx.services.accounts.getAccount(ctx.session.account_id)
      return holdBatch(ctx, await ctx.services.twoFactor.regenerateRecoveryCodes(account))
    }),
    copyRecoveryCodes: sessionHandler(z.null(), (ctx) => {
      const batch = heldBatch(ctx)
      const account = ctx.services.accounts.getAccount(ctx.session.account_id)
      ctx.platform.clipboard.writeText(formatRecoveryCodesFile(account.username, batch.codes, batch.createdAt))
      return null
    }),
    downloadRecoveryCodes: sessionHandler(z.null(), async (ctx) => {
      const batch = heldBatch(ctx)
      const account = ctx.services.accounts.getAccount(ctx.session.account_id)
      const path = await ctx.platform.dialogs.showSaveDialog(ctx.windowId, {
        title: 'Save recovery codes',
        defaultFileName: recoveryCodesFileName(account.username),
        filters: [{ name: 'Text', extensions: ['txt'] }],
      })
      if (!path) return { saved: false as const }
      // The save dialog already asked before replacing a file; links and other users' files are still refused.
      await writeSecretFile(path, formatRecoveryCodesFile(account.username, batch.codes, batch.createdAt), { overwrite: true })
      return { saved: true as const, fileName: basename(path) }
    }),
    finishRecoveryCodes: sessionHandler(z.null(), (ctx) => {
      batches.delete(ctx.windowId)
      return null
    }),
    disableTwoFactor: sensitiveHandler(SensitiveAction.TwoFactorDisable, disableTwoFactorInput, async (ctx, input) => {
      // A recent confirmation, and the password in the form (throttled like every password check).
      const account = await ctx.services.auth.requireAccountPassword(ctx.session, input.password, { action: SensitiveAction.TwoFactorDisable })
      await ctx.services.auth.requireSecondFactor(account.id, input.code)
      ctx.services.twoFactor.disableTwoFactor(account)
      batches.delete(ctx.windowId)
      return null
    }),
  }
}
