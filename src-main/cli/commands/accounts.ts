import type { Command } from 'commander'
import type { AccountInfo, AccountStanding } from '../../services/administration-service.ts'
import { toAccountStanding } from '../../services/administration-service.ts'
import { validateEmail, validateFullName, validatePasswordRules, validateUsername } from '../../services/account-rules.ts'
import type { Services } from '../../services/index.ts'
import type { CliRuntime } from '../runtime.ts'
import { formatTable } from '../runtime.ts'

const yesNo = (value: boolean): string => (value ? 'yes' : 'no')

function describeAccount(account: AccountInfo & AccountStanding): string {
  return [
    `Username:   ${account.username}`,
    `Full name:  ${account.fullName || '-'}`,
    `E-mail:     ${account.email ?? '-'}`,
    `Role:       ${account.role}`,
    `Locked:     ${yesNo(account.locked)}`,
    `Must change password: ${yesNo(account.mustChangePassword)}`,
    `Language:   ${account.language}`,
    `Time zone:  ${account.timezone}`,
    `Created:    ${account.createdAt}`,
    `Updated:    ${account.updatedAt}`,
    `Id:         ${account.id}`,
  ].join('\n')
}

export function registerAccountCommands(program: Command, cli: CliRuntime): void {
  const accounts = program.command('accounts').description('Create, list, show and delete accounts; reset passwords; roles, locks and required password changes')

  accounts
    .command('create')
    .description('Create an account (the same rules as the app). The password is read from standard input.')
    .requiredOption('--username <name>', 'the username (3-32 English letters and digits, not starting with a digit)')
    .option('--full-name <name>', 'the full name')
    .option('--email <address>', 'the e-mail address')
    .requiredOption('--password-stdin', 'read the password from standard input (required: secrets never go in arguments)')
    .action(async (options: { username: string; fullName?: string; email?: string }, command: Command) => {
      // The account rules run once before the data directory is touched, so a refused create writes nothing at all.
      validateUsername(options.username)
      validateFullName(options.fullName ?? '')
      validateEmail(options.email ?? '')
      const password = await cli.readSecret('Password', 'password')
      validatePasswordRules(password)
      const account = await cli.withServices(
        command,
        async (services) => services.administration.toAccountInfo(await services.accounts.createAccount({ username: options.username, password, fullName: options.fullName, email: options.email })),
        { allowCreate: true, hashesPasswords: true },
      )
      cli.print(command, { json: account, text: `Created account ${account.username} (id ${account.id}).` })
    })

  accounts
    .command('list')
    .description('List every account')
    .action(async (_options: object, command: Command) => {
      const rows = await cli.withServices(command, (services) => services.administration.listEveryAccount())
      cli.print(command, {
        json: { accounts: rows },
        text:
          rows.length === 0
            ? 'No accounts.'
            : formatTable(['USERNAME', 'FULL NAME', 'ID', 'ROLE', 'LOCKED'], rows.map((a) => [a.username, a.fullName, String(a.id), a.role, yesNo(a.locked)])),
      })
    })

  accounts
    .command('show')
    .description('Show one account')
    .argument('<username>', 'the account (upper and lower case are the same)')
    .action(async (username: string, _options: object, command: Command) => {
      const account = await cli.withServices(command, (services) => {
        const row = services.administration.requireAccountByUsername(username)
        return { ...services.administration.toAccountInfo(row), ...toAccountStanding(row) }
      })
      cli.print(command, { json: account, text: describeAccount(account) })
    })

  accounts
    .command('reset-password')
    .description("Set a new password (read from standard input) and sign out all of the account's sessions")
    .argument('<username>', 'the account')
    .requiredOption('--password-stdin', 'read the new password from standard input (required)')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, async (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const password = await cli.readSecret('New password', 'password')
        return { account: account.username, ...(await services.administration.setAccountPassword(account.id, password, 'cli')) }
      }, { hashesPasswords: true })
      cli.print(command, { json: result, text: `Password of ${result.account} changed; ${result.sessionsEnded} session(s) signed out.` })
    })

  /** An administration command: resolves the username, acts as the command line, prints the account's new state. */
  function adminCommand(name: string, description: string, act: (services: Services, accountId: number) => Record<string, unknown>, done: (r: Record<string, unknown> & { account: string }) => string): void {
    accounts
      .command(name)
      .description(description)
      .argument('<username>', 'the account')
      .action(async (username: string, _options: object, command: Command) => {
        const result = await cli.withServices(command, (services) => {
          const account = services.administration.requireAccountByUsername(username)
          const outcome = act(services, account.id)
          const row = services.administration.getAccountRow(account.id)
          return { account: row.username, role: row.role, locked: row.lockedAt !== null, mustChangePassword: row.mustChangePassword, ...outcome }
        })
        cli.print(command, { json: result, text: done(result) })
      })
  }

  adminCommand('promote', 'Make the account an administrator', (services, id) => {
    services.administration.setRole({ kind: 'cli' }, id, 'administrator')
    return {}
  }, (r) => `${r.account} is an administrator.`)

  adminCommand('demote', 'Make the account a member (never the last administrator)', (services, id) => {
    services.administration.setRole({ kind: 'cli' }, id, 'member')
    return {}
  }, (r) => `${r.account} is a member.`)

  adminCommand('lock', 'Lock the account: its sessions end now; it cannot sign in and its tokens and API key are refused until unlocked', (services, id) => {
    const { sessionsEnded } = services.administration.lockAccount({ kind: 'cli' }, id)
    return { sessionsEnded }
  }, (r) => `${r.account} is locked; ${String(r.sessionsEnded)} session(s) ended.`)

  adminCommand('unlock', 'Unlock the account', (services, id) => {
    services.administration.unlockAccount({ kind: 'cli' }, id)
    return {}
  }, (r) => `${r.account} is unlocked.`)

  adminCommand('require-password-change', 'Make the account change its password at its next sign-in (nothing else works until then)', (services, id) => {
    services.administration.requirePasswordChange({ kind: 'cli' }, id)
    return {}
  }, (r) => `${r.account} must change the password at the next sign-in.`)

  accounts
    .command('delete')
    .description('Delete an account and everything that belongs to it (keys, tokens, sessions, log) for good')
    .argument('<username>', 'the account')
    .requiredOption('--yes', 'confirm the deletion (required; there is no undo)')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, async (services) => {
        const account = services.administration.requireAccountByUsername(username)
        return { account: account.username, id: account.id, deleted: true, ...(await services.profile.deleteAccountAsAdmin(account.id, 'cli')) }
      })
      cli.print(command, { json: result, text: `Deleted account ${result.account}; ${result.sessionsEnded} session(s) ended.` })
    })
}
