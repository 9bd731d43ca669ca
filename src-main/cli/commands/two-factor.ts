import type { Command } from 'commander'
import type { Services } from '../../services/index.ts'
import { writeTransactionDelivered } from '../../db/database.ts'
import type { CliRuntime, OutputFile } from '../runtime.ts'
import { openOutputFile } from '../runtime.ts'

/** The recovery codes file: one code a line, after a short header; readable by its owner only. */
export function formatRecoveryCodesFile(username: string, codes: readonly string[], createdAt: string): string {
  return [`# Keystead recovery codes for ${username} (${createdAt}). Each works once. Keep this file private.`, ...codes, ''].join('\n')
}

interface CodesOptions {
  recoveryCodesFile?: string
  force?: boolean
}

export function registerTwoFactorCommands(program: Command, cli: CliRuntime): void {
  const twoFactor = program.command('2fa').description('Two-factor authentication (TOTP): enroll, confirm, status, disable, reset, new recovery codes')

  /**
   * Runs `make` with the output file (when one is given) opened before anything changes, and commits
   * `make`'s database change only once the file is safely written: a failed write changes nothing.
   */
  async function withOutputFile<T>(command: Command, file: string | null, force: boolean, make: (services: Services) => Promise<T>, content: (made: T) => Promise<string | Buffer>): Promise<T> {
    const output: OutputFile | null = file ? await openOutputFile(file, force) : null
    try {
      return await cli.withServices(command, (services) =>
        output ? writeTransactionDelivered(services.db, () => make(services), async (made) => output.deliver(await content(made))) : make(services),
      )
    } finally {
      await output?.close()
    }
  }

  /** Prints the codes, or writes them to an owner-only file checked before anything changes. */
  async function withCodesTarget(
    command: Command,
    options: CodesOptions,
    make: (services: Services) => Promise<{ account: string; codes: string[]; at: string }>,
    done: string,
  ): Promise<void> {
    const file = options.recoveryCodesFile ? cli.resolvePath(options.recoveryCodesFile) : null
    const result = await withOutputFile(command, file, options.force ?? false, make, async (made) => formatRecoveryCodesFile(made.account, made.codes, made.at))
    if (file) {
      cli.print(command, {
        json: { account: result.account, enabled: true, recoveryCodesFile: file, recoveryCodesLeft: result.codes.length },
        text: `${done} ${result.codes.length} recovery codes written to ${file} (readable by you only).`,
      })
    } else {
      cli.print(command, {
        json: { account: result.account, enabled: true, recoveryCodes: result.codes, recoveryCodesLeft: result.codes.length },
        text: `${done} Recovery codes (each works once; keep them safe):\n${result.codes.join('\n')}`,
      })
    }
  }

  twoFactor
    .command('enroll')
    .description('Start two-factor setup: prints the secret and the otpauth:// URI (and writes a QR code PNG); confirm with "2fa confirm"')
    .argument('<username>', 'the account')
    .option('--qr-png <file>', 'also write the QR code as a PNG file (readable by you only; it holds the secret)')
    .option('--force', 'replace the PNG file if it exists')
    .action(async (username: string, options: { qrPng?: string; force?: boolean }, command: Command) => {
      const file = options.qrPng ? cli.resolvePath(options.qrPng) : null
      const result = await withOutputFile(
        command,
        file,
        options.force ?? false,
        async (services) => {
          const account = services.administration.requireAccountByUsername(username)
          const setup = services.twoFactor.beginTwoFactorSetup(account)
          return { account: account.username, secret: setup.secret, uri: setup.uri, qrPngFile: file }
        },
        // Loaded only here: every other command starts faster without it.
        async (made) => (await import('qrcode')).default.toBuffer(made.uri, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 }),
      )
      cli.print(command, {
        json: result,
        text: [
          `Two-factor setup started for ${result.account}. Add this key to an authenticator app:`,
          `Secret: ${result.secret}`,
          `URI:    ${result.uri}`,
          ...(result.qrPngFile ? [`QR code written to ${result.qrPngFile}.`] : []),
          `Then run: keystead 2fa confirm ${result.account} --code <6 digits>`,
        ].join('\n'),
      })
    })

  twoFactor
    .command('confirm')
    .description('Finish the setup with a code from the app: turns two-factor authentication on and gives 10 recovery codes')
    .argument('<username>', 'the account')
    .requiredOption('--code <code>', 'the current 6-digit code from the authenticator app')
    .option('--recovery-codes-file <file>', 'write the recovery codes to this file (mode 0600) instead of printing them')
    .option('--force', 'replace the recovery codes file if it exists')
    .action(async (username: string, options: CodesOptions & { code: string }, command: Command) => {
      await withCodesTarget(
        command,
        options,
        async (services) => {
          const account = services.administration.requireAccountByUsername(username)
          const codes = await services.twoFactor.confirmTwoFactorSetup(account, options.code)
          return { account: account.username, codes, at: new Date(services.clock()).toISOString() }
        },
        'Two-factor authentication is on.',
      )
    })

  twoFactor
    .command('disable')
    .description('Turn two-factor authentication off (the secret and the recovery codes are deleted)')
    .argument('<username>', 'the account')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const wasEnabled = services.twoFactor.isTwoFactorEnabled(account.id)
        services.twoFactor.disableTwoFactor(account)
        return { account: account.username, enabled: false, wasEnabled }
      })
      cli.print(command, { json: result, text: result.wasEnabled ? `Two-factor authentication of ${result.account} is off.` : `Two-factor authentication of ${result.account} was already off.` })
    })

  twoFactor
    .command('reset')
    .description('For a user who lost the phone and the recovery codes: turn two-factor authentication off (logged in the account\'s security log)')
    .argument('<username>', 'the account')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const { wasEnabled } = services.administration.resetTwoFactor({ kind: 'cli' }, account.id)
        return { account: account.username, enabled: false, wasEnabled }
      })
      cli.print(command, { json: result, text: result.wasEnabled ? `Two-factor authentication of ${result.account} was reset (off); the next sign-in needs the password only.` : `Two-factor authentication of ${result.account} was already off (the reset is logged).` })
    })

  twoFactor
    .command('regenerate-codes')
    .description('Replace the recovery codes (the old ones stop working at once)')
    .argument('<username>', 'the account')
    .option('--recovery-codes-file <file>', 'write the new codes to this file (mode 0600) instead of printing them')
    .option('--force', 'replace the file if it exists')
    .action(async (username: string, options: CodesOptions, command: Command) => {
      await withCodesTarget(
        command,
        options,
        async (services) => {
          const account = services.administration.requireAccountByUsername(username)
          const codes = await services.twoFactor.regenerateRecoveryCodes(account)
          return { account: account.username, codes, at: new Date(services.clock()).toISOString() }
        },
        'New recovery codes made; the old ones no longer work.',
      )
    })

  twoFactor
    .command('status')
    .description('Whether two-factor authentication is on, and how many recovery codes are left')
    .argument('<username>', 'the account')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const status = services.twoFactor.getTwoFactorStatus(account.id)
        return { account: account.username, enabled: status.enabled, enabledAt: status.enabledAt === null ? null : new Date(status.enabledAt).toISOString(), recoveryCodesLeft: status.recoveryCodesLeft }
      })
      cli.print(command, { json: result, text: result.enabled ? `On since ${result.enabledAt}; ${result.recoveryCodesLeft} recovery code(s) left.` : 'Off.' })
    })
}
