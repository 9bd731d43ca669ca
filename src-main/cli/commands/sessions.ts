import { ErrorCode, KeysteadError } from '../../services/errors.ts'
import type { Command } from 'commander'
import { SessionOrigin } from '../../services/session-service.ts'
import { cliDeviceFacts } from '../context.ts'
import { UsageError } from '../errors.ts'
import type { CliRuntime } from '../runtime.ts'
import { formatTable } from '../runtime.ts'

export function registerSessionCommands(program: Command, cli: CliRuntime): void {
  program
    .command('signin')
    .description('Check a password (and, when 2FA is on, a code) and start a session recorded with origin "cli"; prints the session id')
    .argument('<username>', 'the account')
    .requiredOption('--password-stdin', 'read the password from standard input (required)')
    .option('--code <code>', 'the 6-digit code from the authenticator app (accounts with 2FA)')
    .option('--recovery-code <code>', 'a recovery code instead (each works once)')
    .action(async (username: string, options: { code?: string; recoveryCode?: string }, command: Command) => {
      if (options.code !== undefined && options.recoveryCode !== undefined) throw new UsageError('give at most one of --code and --recovery-code')
      const password = await cli.readSecret('Password', 'password')
      const result = await cli.withServices(command, async (services) => {
        const request = { origin: SessionOrigin.CLI, device: cliDeviceFacts() }
        const first = await services.auth.signIn({ username, password, ...request })
        let outcome
        if (first.status === 'signed-in') {
          if (options.code !== undefined || options.recoveryCode !== undefined) {
            // The session exists already; a code given for an account without 2FA is a mistake worth saying.
            services.auth.signOut(first.session)
            throw new KeysteadError(ErrorCode.Conflict, 'This account has no two-factor authentication; leave out --code and --recovery-code.', { reason: 'twoFactor.notEnabled' })
          }
          outcome = first
        } else {
          if (options.code === undefined && options.recoveryCode === undefined) {
            throw new KeysteadError(ErrorCode.InvalidCredentials, 'This account has two-factor authentication on: give --code or --recovery-code.', {
              field: 'code',
              reason: 'twoFactor.codeRequired',
            })
          }
          const secondFactor = options.code !== undefined ? { code: options.code } : { recoveryCode: options.recoveryCode! }
          outcome = await services.auth.completeSignIn({ accountId: first.accountId, secondFactor, ...request })
        }
        return {
          account: outcome.account.username,
          sessionId: outcome.session.id,
          expiresAt: new Date(outcome.session.expires_at).toISOString(),
          ...(outcome.recoveryCodesLeft !== undefined ? { recoveryCodesLeft: outcome.recoveryCodesLeft } : {}),
        }
      })
      cli.print(command, { json: result, text: result.sessionId })
      if (result.recoveryCodesLeft !== undefined && !cli.globals(command).json) cli.io.writeErr(`keystead: recovery code used; ${result.recoveryCodesLeft} left.\n`)
    })

  const sessions = program.command('sessions').description("List and end an account's sessions")

  sessions
    .command('list')
    .description("List the account's live sessions, newest first")
    .argument('<username>', 'the account')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        return { account: account.username, sessions: services.administration.listAccountSessions(account.id) }
      })
      cli.print(command, {
        json: result,
        text:
          result.sessions.length === 0
            ? `${result.account} has no live sessions.`
            : formatTable(
                ['ID', 'ORIGIN', 'LAST USED', 'DEVICE'],
                result.sessions.map((s) => [s.id, s.origin, s.lastUsedAt, `${s.device.browser} on ${s.device.os}`]),
              ),
      })
    })

  sessions
    .command('revoke')
    .description('End one session of the account')
    .argument('<username>', 'the account')
    .argument('<id>', 'the session id (from "sessions list")')
    .action(async (username: string, id: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        services.administration.revokeAccountSession(account.id, id, 'cli')
        return { account: account.username, revoked: id }
      })
      cli.print(command, { json: result, text: `Session ${id} of ${result.account} ended.` })
    })

  sessions
    .command('revoke-others')
    .description('End every session of the account except the one given')
    .argument('<username>', 'the account')
    .argument('<id>', 'the session to keep')
    .action(async (username: string, id: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        return { account: account.username, kept: id, ...services.administration.revokeOtherAccountSessions(account.id, id, 'cli') }
      })
      cli.print(command, { json: result, text: `Kept session ${id}; ${result.sessionsEnded} other session(s) of ${result.account} ended.` })
    })
}
