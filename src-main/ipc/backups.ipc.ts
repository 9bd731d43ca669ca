import { z } from 'zod'
import type { BackupManifestView, BackupsApi, BackupStatus } from '../../src-preload/contract/backups.ts'
import { requireAdministrator } from '../services/administrator.ts'
import type { BackupProtection } from '../services/backup/age.ts'
import { formatIdentityFile, recipientOfIdentity } from '../services/backup/age.ts'
import { backupFileName } from '../services/backup/backup-format.ts'
import type { BackupManifest } from '../services/backup/backup-format.ts'
import { readIdentityText, validateBackupPassphrase } from '../services/backup/backup-inputs.ts'
import { verifyBackup } from '../services/backup/backup-service.ts'
import { generateBackupKey } from '../services/backup/age.ts'
import { validationError } from '../services/errors.ts'
import type { Services } from '../services/index.ts'
import { writeSecretFile } from '../services/secret-file.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers, SessionHandlerContext } from './guard.ts'

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

export function createBackupsHandlers(): DomainHandlers<BackupsApi> {
  return {
    getBackupStatus: adminHandler(z.null(), (ctx) => statusOf(ctx.services)),
    createBackup: adminHandler(createBackupInput, async (ctx, input) => {
      let protection: BackupProtection
      if (input.protection.kind === 'passphrase') {
        const passphrase = await validateBackupPassphrase(input.protection.passphrase)
        if (input.protection.confirmPassphrase !== passphrase) throw validationError('confirmPassphrase', 'backup.passphraseMismatch', 'The two passphrases are not the same.')
        protection = { kind: 'passphrase', passphrase }
      } else {
        const recipient = ctx.services.backups.getRecipient()
        if (!recipient) throw validationError('recipient', 'backup.keyRequired', 'Create a backup key first.')
        protection = { kind: 'recipients', recipients: [recipient] }
      }
      const target = await ctx.platform.dialogs.showSaveDialog(ctx.windowId, { title: 'Save the backup', defaultFileName: backupFileName(new Date(ctx.services.clock())), filters: AGE_FILTERS })
      if (!target) return null
      const manifest = await ctx.services.backups.createBackupNow({ target, protection, appVersion: ctx.platform.appVersion })
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
    setRecipient: adminHandler(z.strictObject({ recipient: z.string().max(200) }), (ctx, input) => {
      ctx.services.backups.setRecipient(input.recipient)
      return statusOf(ctx.services)
    }),
    setSchedule: adminHandler(scheduleInput, (ctx, input) => {
      ctx.services.backups.setSchedule(input as Parameters<typeof ctx.services.backups.setSchedule>[0])
      return statusOf(ctx.services)
    }),
    verifyBackup: adminHandler(z.strictObject({ unlock: unlockInput }), async (ctx, input) => {
      const unlock = input.unlock.kind === 'identity' ? { kind: 'identity' as const, identity: readIdentityText(input.unlock.identity) } : input.unlock
      const file = await ctx.platform.dialogs.showOpenDialog(ctx.windowId, { title: 'Choose a backup to verify', filters: AGE_FILTERS })
      if (!file) return null
      const verified = await verifyBackup(file, unlock)
      return { file, manifest: manifestView(verified.manifest), needsMigration: verified.needsMigration }
    }),
  }
}
