import type { Command } from 'commander'
import type { SshKeySummary } from '../../../src-preload/contract/ssh-keys.ts'
import { notFoundError } from '../../services/errors.ts'
import { SSH_KEY_FILE_MAX_BYTES } from '../../services/ssh-key-service.ts'
import { UsageError } from '../errors.ts'
import type { CliRuntime } from '../runtime.ts'
import { formatTable, writeOwnerOnlyFile } from '../runtime.ts'

export function registerSSHKeyCommands(program: Command, cli: CliRuntime): void {
  const sshKeys = program.command('ssh-keys').description("Add, list, remove and export an account's public SSH keys")

  sshKeys
    .command('add')
    .description('Add a public key (the same rules as the app: supported type, RSA >= 2048 bits, no private key, not added before)')
    .argument('<username>', 'the account')
    .requiredOption('--title <title>', 'a title (up to 100 characters; empty uses the key comment)')
    .option('--key-file <file>', 'read the key from a .pub file')
    .option('--key-stdin', 'read the key from standard input')
    .option('--expires <date>', 'the last day the key is valid (YYYY-MM-DD, the account’s time zone)')
    .action(async (username: string, options: { title: string; keyFile?: string; keyStdin?: boolean; expires?: string }, command: Command) => {
      if (Boolean(options.keyFile) === Boolean(options.keyStdin)) {
        throw new UsageError('give exactly one of --key-file <file> and --key-stdin')
      }
      const fromStdin = options.keyStdin ? await cli.readStdinAll('Public key', 'publicKey', SSH_KEY_FILE_MAX_BYTES) : null
      const key = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const publicKey = fromStdin ?? services.sshKeys.readKeyFile(cli.resolvePath(options.keyFile!)).publicKey
        return { account: account.username, key: services.sshKeys.addKey(account.id, { title: options.title, publicKey, expiresOn: options.expires ?? null }) }
      })
      cli.print(command, { json: key, text: `Added ${key.key.type} key "${key.key.title}" (${key.key.fingerprintSHA256}) to ${key.account}.` })
    })

  sshKeys
    .command('list')
    .description("List the account's keys, newest first")
    .argument('<username>', 'the account')
    .option('--expiring', 'only keys that expire within 7 days or expired in the last 7')
    .action(async (username: string, options: { expiring?: boolean }, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const keys = services.sshKeys.listKeys(account.id, { newestFirst: true })
        if (!options.expiring) return { account: account.username, keys }
        const expiring = new Set(services.reminders.listReminders(account.id, { includeDismissed: true }).filter((r) => r.kind === 'ssh-key').map((r) => r.itemId))
        return { account: account.username, keys: keys.filter((key) => expiring.has(key.id)) }
      })
      cli.print(command, {
        json: result,
        text:
          result.keys.length === 0
            ? options.expiring
              ? `${result.account} has no SSH keys expiring within 7 days or expired in the last 7.`
              : `${result.account} has no SSH keys.`
            : formatTable(
                ['FINGERPRINT', 'TYPE', 'TITLE', 'EXPIRES'],
                result.keys.map((k) => [k.fingerprintSHA256, k.type, k.title, k.expiresOn ? `${k.expiresOn}${k.isExpired ? ' (expired)' : ''}` : 'never']),
              ),
      })
    })

  sshKeys
    .command('remove')
    .description('Remove a key, named by its fingerprint (SHA256:... or MD5:..., as "ssh-keys list" shows)')
    .argument('<username>', 'the account')
    .argument('<fingerprint>', 'the key fingerprint')
    .action(async (username: string, fingerprint: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const wanted = fingerprint.trim()
        const key = services.sshKeys.listKeys(account.id).find((k: SshKeySummary) => k.fingerprintSHA256 === wanted || k.fingerprintMD5 === wanted)
        if (!key) throw notFoundError(`${account.username} has no SSH key with the fingerprint ${wanted.slice(0, 80)}.`, 'sshKeys.notFound')
        services.sshKeys.deleteKey(account.id, key.id)
        return { account: account.username, removed: { id: key.id, title: key.title, fingerprintSHA256: key.fingerprintSHA256 } }
      })
      cli.print(command, { json: result, text: `Removed "${result.removed.title}" (${result.removed.fingerprintSHA256}) from ${result.account}.` })
    })

  sshKeys
    .command('export')
    .description("Print the account's unexpired keys as an authorized_keys file (expiring keys get OpenSSH's expiry-time option)")
    .argument('<username>', 'the account')
    .option('--file <file>', 'write to this file (mode 0600) instead of standard output')
    .option('--force', 'replace the file if it exists')
    .action(async (username: string, options: { file?: string; force?: boolean }, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        return { account: account.username, authorizedKeys: services.sshKeys.exportAuthorizedKeys(account.id) }
      })
      const lines = result.authorizedKeys.split('\n').filter(Boolean).length
      if (options.file) {
        const file = cli.resolvePath(options.file)
        await writeOwnerOnlyFile(file, result.authorizedKeys, options.force ?? false)
        cli.print(command, { json: { account: result.account, file, keys: lines }, text: `Wrote ${lines} key(s) of ${result.account} to ${file}.` })
      } else if (cli.globals(command).json) {
        cli.print(command, { json: { ...result, keys: lines }, text: '' })
      } else {
        cli.io.writeOut(result.authorizedKeys)
      }
    })
}
