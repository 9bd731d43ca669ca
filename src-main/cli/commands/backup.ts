import type { Command } from 'commander'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DATABASE_FILE_NAME } from '../../db/database.ts'
import type { BackupProtection, BackupUnlock } from '../../services/backup/age.ts'
import { formatIdentityFile, generateBackupKey } from '../../services/backup/age.ts'
import type { BackupManifest } from '../../services/backup/backup-format.ts'
import { readIdentityText, readRecipientsText, validateBackupPassphrase, validateRecipient } from '../../services/backup/backup-inputs.ts'
import { createBackup, restoreBackup, verifyBackup } from '../../services/backup/backup-service.ts'
import { ErrorCode, KeysteadError, validationError } from '../../services/errors.ts'
import { openOSKeyStore } from '../../services/os-keyring.ts'
import { createDataKeySecretBox } from '../../services/secret-box.ts'
import { writeSecretFile } from '../../services/secret-file.ts'
import { cliVersion, INSECURE_TEST_KDF_ENV, resolveCliDataDir } from '../context.ts'
import type { CliRuntime } from '../runtime.ts'
import { namingForceOption } from '../runtime.ts'
import { UsageError } from '../errors.ts'

const SMALL_FILE_LIMIT = 64 * 1024
const TEST_SCRYPT_LOG_N = 10

interface UnlockOptions {
  passphraseStdin?: boolean
  identity?: string
}

function readSmallFile(path: string, field: string): string {
  try {
    if (statSync(path).size > SMALL_FILE_LIMIT) throw new Error('the file is too large')
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw validationError(field, 'backup.fileUnreadable', `Cannot read ${path}: ${(error as Error).message}`)
  }
}

function describeManifest(manifest: BackupManifest): string {
  const c = manifest.counts
  return [
    `Made:        ${manifest.createdAt} by Keystead ${manifest.appVersion} (schema ${manifest.schemaVersion}, backup format ${manifest.formatVersion})`,
    `Holds:       ${c.accounts} accounts, ${c.sessions} sessions, ${c.accessTokens} access tokens, ${c.apiKeys} API keys, ${c.sshKeys} SSH keys, ${c.pictures} pictures, ${c.twoFactorEnabled} with two-factor, ${c.securityLog} log entries`,
    `Database:    ${manifest.database.bytes} bytes, SHA-256 ${manifest.database.sha256}`,
  ].join('\n')
}

export function registerBackupCommands(program: Command, cli: CliRuntime): void {
  const backup = program.command('backup').description('Encrypted backups (age): create, verify, restore, and backup keys')

  async function readUnlock(options: UnlockOptions): Promise<BackupUnlock> {
    if (Boolean(options.passphraseStdin) === Boolean(options.identity)) throw new UsageError('give exactly one of --passphrase-stdin or --identity FILE')
    if (options.passphraseStdin) return { kind: 'passphrase', passphrase: await cli.readSecret('Backup passphrase', 'passphrase') }
    return { kind: 'identity', identity: readIdentityText(readSmallFile(cli.resolvePath(options.identity!), 'identity')) }
  }

  backup
    .command('create')
    .description('Write an encrypted backup of all data (a consistent snapshot; the app may keep running)')
    .requiredOption('--out <file>', 'the backup file to write (readable by you only)')
    .option('--passphrase-stdin', 'protect it with a passphrase read from standard input (one line)')
    .option('--recipient <recipient>', 'encrypt it to this age recipient, age1... (e.g. from "backup key create")')
    .option('--recipient-file <file>', 'encrypt it to the age recipients in this file (one a line)')
    .option('--force', 'replace the file if it exists')
    .action(async (options: { out: string; passphraseStdin?: boolean; recipient?: string; recipientFile?: string; force?: boolean }, command: Command) => {
      const ways = [options.passphraseStdin, options.recipient, options.recipientFile].filter(Boolean).length
      if (ways !== 1) throw new UsageError('give exactly one of --passphrase-stdin, --recipient age1... or --recipient-file FILE')
      const target = cli.resolvePath(options.out)
      let protection: BackupProtection
      if (options.recipient) protection = { kind: 'recipients', recipients: [validateRecipient(options.recipient)] }
      else if (options.recipientFile) protection = { kind: 'recipients', recipients: readRecipientsText(readSmallFile(cli.resolvePath(options.recipientFile), 'recipientFile')) }
      else {
        const passphrase = await validateBackupPassphrase(await cli.readSecret('Backup passphrase', 'passphrase'))
        // Test suites only (the same switch as the weak password hash): a cheap scrypt.
        protection = { kind: 'passphrase', passphrase, scryptLogN: cli.io.env[INSECURE_TEST_KDF_ENV] === '1' ? TEST_SCRYPT_LOG_N : undefined }
      }
      const manifest = await cli.withServices(command, (services, context) =>
        namingForceOption(target, () =>
          createBackup({
            databasePath: join(context.dataDir, DATABASE_FILE_NAME),
            workDir: context.dataDir,
            secretBox: services.secretBox,
            appVersion: cliVersion(),
            target,
            protection,
            overwrite: options.force ?? false,
          }),
        ),
        { hashesPasswords: protection.kind === 'passphrase' },
      )
      cli.print(command, { json: { file: target, manifest }, text: `Backup written to ${target} (readable by you only).\n${describeManifest(manifest)}` })
    })

  backup
    .command('verify')
    .description('Decrypt and check a backup without restoring it (archive, SHA-256, integrity, schema); prints what it holds')
    .argument('<file>', 'the backup file')
    .option('--passphrase-stdin', 'read its passphrase from standard input')
    .option('--identity <file>', 'its backup key (an age identity file)')
    .action(async (file: string, options: UnlockOptions, command: Command) => {
      const path = cli.resolvePath(file)
      const unlock = await readUnlock(options)
      const verified = await verifyBackup(path, unlock)
      cli.print(command, {
        json: { file: path, ok: true, manifest: verified.manifest, currentSchemaVersion: verified.currentSchemaVersion, needsMigration: verified.needsMigration },
        text: `The backup is usable.\n${describeManifest(verified.manifest)}${verified.needsMigration ? `\nIt will be migrated to schema ${verified.currentSchemaVersion} when restored.` : ''}`,
      })
    })

  backup
    .command('restore')
    .description('Replace the data with a backup (verified fully first; every session ends; secrets are re-sealed for this computer)')
    .argument('<file>', 'the backup file')
    .option('--passphrase-stdin', 'read its passphrase from standard input')
    .option('--identity <file>', 'its backup key (an age identity file)')
    .option('--yes', 'confirm replacing the data that is there now (needed when the data folder is not empty)')
    .action(async (file: string, options: UnlockOptions & { yes?: boolean }, command: Command) => {
      const path = cli.resolvePath(file)
      const dataDir = resolveCliDataDir(cli.globals(command), cli.io.env)
      if (existsSync(join(dataDir, DATABASE_FILE_NAME)) && !options.yes) {
        throw new KeysteadError(ErrorCode.Validation, `${dataDir} already holds Keystead data; restoring replaces all of it. Add --yes to confirm.`, { field: 'yes', reason: 'backup.confirmRequired' })
      }
      const unlock = await readUnlock(options)
      const outcome = await restoreBackup({
        file: path,
        unlock,
        dataDir,
        openSecretBox: () => createDataKeySecretBox(join(dataDir, 'keystead.key'), openOSKeyStore(dataDir)),
        origin: 'cli',
        warn: (message) => cli.io.writeErr(`keystead: warning: ${message}\n`),
      })
      cli.print(command, {
        json: { file: path, dataDir, restored: true, manifest: outcome.manifest, migratedFrom: outcome.migratedFrom, schemaVersion: outcome.schemaVersion, sessionsEnded: outcome.sessionsEnded, replacedExisting: outcome.replacedExisting },
        text: `Restored into ${dataDir}.\n${describeManifest(outcome.manifest)}\nEvery session of the backup was ended: sign in again.${outcome.migratedFrom === null ? '' : ` The data was migrated from schema ${outcome.migratedFrom} to ${outcome.schemaVersion}.`}`,
      })
    })

  backup
    .command('key')
    .description('Backup keys (age X25519 identities) for backups that run with nobody at the keyboard')
    .command('create')
    .description('Write a new backup key (the secret identity, readable by you only) and print its public recipient')
    .requiredOption('--out <file>', 'the identity file to write; keep it apart from the backups')
    .option('--force', 'replace the file if it exists')
    .action(async (options: { out: string; force?: boolean }, command: Command) => {
      const target = cli.resolvePath(options.out)
      const key = await generateBackupKey()
      await namingForceOption(target, () => writeSecretFile(target, formatIdentityFile(key.identity, key.recipient, new Date()), { overwrite: options.force ?? false }))
      cli.print(command, {
        json: { identityFile: target, recipient: key.recipient },
        text: `Backup key written to ${target} (readable by you only; without it the backups made for it cannot be restored).\nRecipient (public; use with "backup create --recipient"):\n${key.recipient}`,
      })
    })
}
