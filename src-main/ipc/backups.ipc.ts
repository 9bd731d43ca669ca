import { z } from 'zod'
import { eventChannels } from '../../src-preload/contract/api.ts'
import { RESTORE_CONFIRMATION } from '../../src-preload/contract/backups.ts'
import type { BackupManifestView, BackupProgressEvent, BackupsApi, BackupStatus, RestoredBackupView } from '../../src-preload/contract/backups.ts'
import { requireAdministrator } from '../services/role-rules.ts'
import type { BackupProtection, BackupUnlock } from '../services/backup/age.ts'
import { formatIdentityFile, recipientOfIdentity } from '../services/backup/age.ts'
import { backupFileName } from '../services/backup/backup-format.ts'
import type { BackupManifest } from '../services/backup/backup-format.ts'
import { readIdentityText, validateBackupPassphrase } from '../services/backup/backup-inputs.ts'
import { restoreBackup, verifyBackup } from '../services/backup/backup-service.ts'
import type { ProgressListener } from '../services/backup/backup-service.ts'
import { generateBackupKey } from '../services/backup/age.ts'
import { ErrorCode, fieldRefusalOf, KeysteadError, throwFieldErrors, validationError } from '../services/errors.ts'
import { validateBackupFolder } from '../services/backup/backup-manager.ts'
import { createClipboardClearer } from '../platform/clipboard-clearer.ts'
import type { ClipboardClearer } from '../platform/clipboard-clearer.ts'
import type { Services } from '../services/index.ts'
import { writeSecretFile } from '../services/secret-file.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { publicHandler, sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers, HandlerContext, SessionHandlerContext } from './guard.ts'

// Shapes only; the rules are the backup services'.
const secret = z.string().max(1024)
export const createBackupInput = z.strictObject({
  protection: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('passphrase'), passphrase: secret, confirmPassphrase: secret }),
    z.strictObject({ kind: z.literal('backupKey') }),
  ]),
})
export const unlockInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('passphrase'), passphrase: secret }),
  z.strictObject({ kind: z.literal('identity'), identity: z.string().max(4096) }),
])
export const scheduleInput = z.strictObject({
  enabled: z.boolean().optional(),
  folder: z.string().max(4096).nullable().optional(),
  frequency: z.string().max(20).optional(),
  keep: z.number().int().min(-1_000_000).max(1_000_000).optional(),
})

const AGE_FILTERS = [{ name: 'Keystead backup (age)', extensions: ['age'] }]

function statusOf(services: Services): BackupStatus {
  const last = services.backups.lastScheduledResult()
  return {
    schedule: services.backups.getSchedule(),
    recipient: services.backups.getRecipient(),
    lastScheduled: last ? { ...last, at: new Date(last.at).toISOString() } : null,
    needsAttention: services.backups.isOverdue(),
  }
}

function manifestView(manifest: BackupManifest): BackupManifestView {
  return {
    formatVersion: manifest.formatVersion,
    appVersion: manifest.appVersion,
    schemaVersion: manifest.schemaVersion,
    createdAt: manifest.createdAt,
    counts: manifest.counts,
    database: { bytes: manifest.database.bytes, sha256: manifest.database.sha256 },
  }
}

/** Administrators only (the one check, see services/administrator.ts). */
function adminHandler<S extends z.ZodType, T>(input: S, run: (ctx: SessionHandlerContext, input: z.output<S>) => T | Promise<T>) {
  return sessionHandler(input, (ctx, value) => {
    requireAdministrator(ctx.services.db, ctx.session.account_id)
    return run(ctx, value)
  })
}

/** Sends the stages of a backup or restore to the window that asked. */
function progressTo(ctx: HandlerContext): ProgressListener {
  return ({ stage, fraction }) => ctx.app.notify(ctx.windowId, eventChannels.backupProgress, { stage, fraction } satisfies BackupProgressEvent)
}

function unlockOf(input: z.output<typeof unlockInput>): BackupUnlock {
  return input.kind === 'identity' ? { kind: 'identity', identity: readIdentityText(input.identity) } : input
}

/** The first-start restore is for a Keystead with no account yet (moving to a new computer). */
function requireNoAccounts(ctx: HandlerContext): void {
  if (ctx.services.accounts.listAccounts().length > 0) {
    throw new KeysteadError(ErrorCode.Forbidden, 'Keystead already has accounts: an administrator restores from Settings -> Backups.', { reason: 'backup.notFirstStart' })
  }
}

export function createBackupsHandlers(clearer: ClipboardClearer = createClipboardClearer()): DomainHandlers<BackupsApi> {
  // The backup each window verified last (and saw the manifest of): the one a restore uses. Never a path from the window.
  const verifiedFiles = new Map<number, string>()

  async function chooseAndVerify(ctx: HandlerContext, unlock: BackupUnlock, title: string) {
    verifiedFiles.delete(ctx.windowId)
    const file = await ctx.platform.dialogs.showOpenDialog(ctx.windowId, { title, filters: AGE_FILTERS })
    if (!file) return null
    const verified = await verifyBackup(file, unlock, { onProgress: progressTo(ctx) })
    verifiedFiles.set(ctx.windowId, file)
    return { file, manifest: manifestView(verified.manifest), needsMigration: verified.needsMigration }
  }

  /** Closes the store, swaps in the verified backup and opens the store again (see AppHooks.replaceStore). */
  async function restoreVerified(ctx: HandlerContext, unlock: BackupUnlock, checkBeforeSwap: () => void = () => {}): Promise<RestoredBackupView> {
    const file = verifiedFiles.get(ctx.windowId)
    if (!file) throw validationError('file', 'backup.notVerified', 'Choose and verify the backup first.')
    const secretBox = ctx.services.secretBox
    const outcome = await ctx.app.replaceStore(({ dataDir, beforeSwap }) =>
      restoreBackup({
        file,
        unlock,
        dataDir,
        openSecretBox: () => secretBox,
        beforeSwap: async () => {
          checkBeforeSwap() // still true after the minutes the checks took?
          await beforeSwap()
        },
        origin: 'app',
        onProgress: progressTo(ctx),
      }),
      ctx.windowId,
    )
    verifiedFiles.delete(ctx.windowId)
    return { manifest: manifestView(outcome.manifest), migratedFrom: outcome.migratedFrom }
  }

  return {
    getBackupStatus: adminHandler(z.null(), (ctx) => statusOf(ctx.services)),
    createBackup: adminHandler(createBackupInput, async (ctx, input) => {
      let protection: BackupProtection
      if (input.protection.kind === 'passphrase') {
        // Both fields' refusals at once (too short or common, and not the same twice).
        const { passphrase, confirmPassphrase } = input.protection
        throwFieldErrors(
          [
            await fieldRefusalOf(() => validateBackupPassphrase(passphrase)),
            confirmPassphrase !== passphrase ? validationError('confirmPassphrase', 'backup.passphraseMismatch', 'The two passphrases are not the same.') : null,
          ].filter((refusal) => refusal !== null),
        )
        protection = { kind: 'passphrase', passphrase }
      } else {
        const recipient = ctx.services.backups.getRecipient()
        if (!recipient) throw validationError('recipient', 'backup.keyRequired', 'Create a backup key first.')
        protection = { kind: 'recipients', recipients: [recipient] }
      }
      const target = await ctx.platform.dialogs.showSaveDialog(ctx.windowId, { title: 'Save the backup', defaultFileName: backupFileName(new Date(ctx.services.clock())), filters: AGE_FILTERS })
      if (!target) return null
      const manifest = await ctx.services.backups.createBackupNow({ target, protection, appVersion: ctx.platform.appVersion, onProgress: progressTo(ctx) })
      return { file: target, manifest: manifestView(manifest) }
    }),
    createBackupKey: sensitiveHandler(SensitiveAction.BackupKeyCreate, z.null(), async (ctx) => {
      requireAdministrator(ctx.services.db, ctx.session.account_id)
      const key = await generateBackupKey()
      ctx.services.backups.setRecipient(key.recipient)
      return key
    }),
    saveBackupKey: adminHandler(z.strictObject({ identity: z.string().max(4096) }), async (ctx, input) => {
      const identity = readIdentityText(input.identity)
      const recipient = await recipientOfIdentity(identity)
      const target = await ctx.platform.dialogs.showSaveDialog(ctx.windowId, { title: 'Save the backup key', defaultFileName: 'keystead-backup-key.txt', filters: [{ name: 'Text', extensions: ['txt'] }] })
      if (!target) return null
      await writeSecretFile(target, formatIdentityFile(identity, recipient, new Date(ctx.services.clock())), { overwrite: true })
      return { file: target }
    }),
    copyBackupKey: adminHandler(z.strictObject({ identity: z.string().max(4096) }), async (ctx, input) => {
      // Only the key of the recipient in use (the one just shown once): this channel is not a general clipboard writer.
      const identity = readIdentityText(input.identity)
      if ((await recipientOfIdentity(identity)) !== ctx.services.backups.getRecipient()) {
        throw validationError('identity', 'backup.identityInvalid', 'This is not the backup key in use.')
      }
      clearer.copySecret(ctx.platform.clipboard, identity)
      return { clearAfterSeconds: Math.round(clearer.clearAfterMs / 1000) }
    }),
    chooseBackupFolder: adminHandler(z.null(), async (ctx) => {
      const current = ctx.services.backups.getSchedule().folder
      const folder = await ctx.platform.dialogs.showFolderDialog(ctx.windowId, { title: 'Choose the folder for scheduled backups', defaultDirectory: current ?? undefined })
      return folder === null ? null : { folder: validateBackupFolder(folder) }
    }),
    setRecipient: adminHandler(z.strictObject({ recipient: z.string().max(200) }), (ctx, input) => {
      ctx.services.backups.setRecipient(input.recipient)
      return statusOf(ctx.services)
    }),
    setSchedule: adminHandler(scheduleInput, (ctx, input) => {
      ctx.services.backups.setSchedule(input as Parameters<typeof ctx.services.backups.setSchedule>[0])
      return statusOf(ctx.services)
    }),
    verifyBackup: adminHandler(z.strictObject({ unlock: unlockInput }), (ctx, input) => chooseAndVerify(ctx, unlockOf(input.unlock), 'Choose a backup')),
    restoreBackup: sensitiveHandler(SensitiveAction.BackupRestore, z.strictObject({ unlock: unlockInput, confirmation: z.string().max(100) }), (ctx, input) => {
      requireAdministrator(ctx.services.db, ctx.session.account_id)
      if (input.confirmation.trim() !== RESTORE_CONFIRMATION) {
        throw validationError('confirmation', 'backup.confirmationMismatch', `Type ${RESTORE_CONFIRMATION} to confirm that all the data is replaced.`)
      }
      return restoreVerified(ctx, unlockOf(input.unlock))
    }),
    verifyFirstStartBackup: publicHandler(z.strictObject({ unlock: unlockInput }), (ctx, input) => {
      requireNoAccounts(ctx)
      return chooseAndVerify(ctx, unlockOf(input.unlock), 'Choose a backup to restore')
    }),
    restoreFirstStartBackup: publicHandler(z.strictObject({ unlock: unlockInput }), (ctx, input) => {
      requireNoAccounts(ctx)
      return restoreVerified(ctx, unlockOf(input.unlock), () => requireNoAccounts(ctx))
    }),
  }
}
