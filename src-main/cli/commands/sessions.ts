import { ErrorCode, KeysteadError } from '../../services/errors.ts'
import type { Command } from 'commander'
import { SessionOrigin } from '../../services/session-service.ts'
import { cliDeviceFacts } from '../context.ts'
import type { CliRuntime } from '../runtime.ts'
import { formatTable } from '../runtime.ts'

export function registerSessionCommands(program: Command, cli: CliRuntime): void {
  program
    .command('signin')
    .description('Check a password and start a session (recorded with origin "cli"); prints the session id')
    .argument('<username>', 'the account')
    .requiredOption('--password-stdin', 'read the password from standard input (required)')
    .action(async (username: string, _options: object, command: Command) => {
      const password = await cli.readSecret('Password', 'password')
      const result = await cli.withServices(command, async (services) => {
        const outcome = await services.auth.signIn({ username, password, origin: SessionOrigin.CLI, device: cliDeviceFacts() })
        if (outcome.status !== 'signed-in') {
          throw new KeysteadError(ErrorCode.InvalidCredentials, 'This account has two-factor authentication on: give --code or --recovery-code.', {
            field: 'code',
            reason: 'twoFactor.codeRequired',
          })
        }
        return { account: outcome.account.username, sessionId: outcome.session.id, expiresAt: new Date(outcome.session.expires_at).toISOString() }
      })
      cli.print(command, { json: result, text: result.sessionId })
    })

  const sessions = program.command('sessions').description("List and end an account's sessions")

  sessions
    .command('list')
    .description("List the account's live sessions, newest first")
    .argument('<username>', 'the account')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.admin.requireAccountByUsername(username)
        return { account: account.username, sessions: services.admin.listAccountSessions(account.id) }
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
        const account = services.admin.requireAccountByUsername(username)
        services.admin.revokeAccountSession(account.id, id, 'cli')
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
        const account = services.admin.requireAccountByUsername(username)
        return { account: account.username, kept: id, ...services.admin.revokeOtherAccountSessions(account.id, id, 'cli') }
      })
      cli.print(command, { json: result, text: `Kept session ${id}; ${result.sessionsEnded} other session(s) of ${result.account} ended.` })
    })
}
