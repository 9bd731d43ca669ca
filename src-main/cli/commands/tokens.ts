import { Option } from 'commander'
import type { Command } from 'commander'
import type { AccessTokenSummary, TokenExpiry } from '../../../src-preload/contract/tokens.ts'
import { ErrorCode, KeysteadError } from '../../services/errors.ts'
import { TOKEN_EXPIRY_DAYS } from '../../services/token-rules.ts'
import { UsageError } from '../errors.ts'
import type { CliRuntime } from '../runtime.ts'
import { formatTable, wholeNumberOption } from '../runtime.ts'

const MAX_ID = 999_999_999_999

function describeToken(t: AccessTokenSummary): string[] {
  const state = !t.isEnabled ? 'disabled' : t.isExpired ? 'expired' : 'active'
  return [String(t.id), t.title, `${t.displayPrefix}…`, t.scope, state, t.expiresAt ?? 'never']
}

export function registerTokenCommands(program: Command, cli: CliRuntime): void {
  const tokens = program.command('tokens').description("Create, list, switch and delete an account's access tokens; verify a token or API key")

  tokens
    .command('create')
    .description('Make an access token and print it ONCE (only its hash is kept)')
    .argument('<username>', 'the account')
    .requiredOption('--title <title>', 'a title, unique for the account (up to 100 characters)')
    .addOption(new Option('--expires-in-days <n>', `lifetime in days (${TOKEN_EXPIRY_DAYS.join(', ')}, as in the app)`).choices(TOKEN_EXPIRY_DAYS.map(String)))
    .option('--expires-on <date>', 'expires at the end of this day (YYYY-MM-DD, the account’s time zone)')
    .addOption(
      new Option('--scope <scope>', 'read (GET only), write (everything) or introspect (only POST /api/v2/introspect, for a local service; administrators only)')
        .choices(['read', 'write', 'introspect'])
        .default('write'),
    )
    .option('--disabled', 'create it switched off')
    .action(async (username: string, options: { title: string; expiresInDays?: string; expiresOn?: string; scope: 'read' | 'write' | 'introspect'; disabled?: boolean }, command: Command) => {
      if (options.expiresInDays && options.expiresOn) throw new UsageError('give at most one of --expires-in-days and --expires-on')
      const expiry: TokenExpiry = options.expiresInDays
        ? { kind: 'days', days: Number(options.expiresInDays) as 7 | 30 | 90 | 365 }
        : options.expiresOn
          ? { kind: 'date', date: options.expiresOn }
          : { kind: 'never' }
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const created = services.tokens.createToken(account.id, {
          title: options.title,
          scope: options.scope === 'read' ? 'read-only' : options.scope === 'introspect' ? 'introspect' : 'read-write',
          isEnabled: !options.disabled,
          expiry,
        })
        return { account: account.username, token: created.token, summary: created.summary }
      })
      cli.print(command, {
        json: result,
        text: `${result.token}\n(Access token "${result.summary.title}" for ${result.account}, ${result.summary.scope}, expires ${result.summary.expiresAt ?? 'never'}. It is shown only this once.)`,
      })
    })

  tokens
    .command('list')
    .description("List the account's tokens (never the tokens themselves), newest first")
    .argument('<username>', 'the account')
    .option('--expiring', 'only tokens that expire within 7 days or expired in the last 7')
    .action(async (username: string, options: { expiring?: boolean }, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const tokens = services.tokens.listTokens(account.id)
        if (!options.expiring) return { account: account.username, tokens }
        const expiring = new Set(services.reminders.listReminders(account.id, { includeDismissed: true }).filter((r) => r.kind === 'token').map((r) => r.itemId))
        return { account: account.username, tokens: tokens.filter((token) => expiring.has(token.id)) }
      })
      const none = options.expiring ? 'no access tokens expiring within 7 days or expired in the last 7' : 'no access tokens'
      cli.print(command, {
        json: result,
        text: result.tokens.length === 0 ? `${result.account} has ${none}.` : formatTable(['ID', 'TITLE', 'STARTS', 'SCOPE', 'STATE', 'EXPIRES'], result.tokens.map(describeToken)),
      })
    })

  for (const [name, isEnabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    tokens
      .command(name)
      .description(isEnabled ? 'Switch a token on' : 'Switch a token off (it fails until switched on again)')
      .argument('<username>', 'the account')
      .argument('<id>', 'the token id (from "tokens list")', wholeNumberOption(1, MAX_ID))
      .action(async (username: string, id: number, _options: object, command: Command) => {
        const result = await cli.withServices(command, (services) => {
          const account = services.administration.requireAccountByUsername(username)
          return { account: account.username, token: services.tokens.setTokenEnabled(account.id, id, isEnabled) }
        })
        cli.print(command, { json: result, text: `Token ${id} ("${result.token.title}") of ${result.account} is ${isEnabled ? 'on' : 'off'}.` })
      })
  }

  tokens
    .command('delete')
    .description('Delete a token for good (it fails at once)')
    .argument('<username>', 'the account')
    .argument('<id>', 'the token id (from "tokens list")', wholeNumberOption(1, MAX_ID))
    .action(async (username: string, id: number, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        services.tokens.deleteToken(account.id, id)
        return { account: account.username, deleted: id }
      })
      cli.print(command, { json: result, text: `Token ${id} of ${result.account} deleted.` })
    })

  tokens
    .command('verify')
    .description('Check an access token or API key read from standard input: exit 0 and its account when valid, else 1')
    .requiredOption('--token-stdin', 'read the token or key from standard input (required)')
    .action(async (_options: object, command: Command) => {
      const secret = (await cli.readSecret('Token or API key', 'token')).trim()
      const result = await cli.withServices(command, (services) => {
        const check = services.credentials.verifyCredential(secret)
        if (!check.ok) return { valid: false as const, reason: check.reason }
        const account = services.accounts.getAccount(check.accountId)
        return { valid: true as const, account: account.username, accountId: account.id, kind: check.kind, scope: check.scope, tokenId: check.tokenId ?? null }
      })
      if (!result.valid) {
        throw new KeysteadError(ErrorCode.InvalidCredentials, `The token or API key is not valid (${result.reason}).`, { field: 'token', reason: `credential.${result.reason}` })
      }
      cli.print(command, { json: result, text: `Valid ${result.kind} of ${result.account} (${result.scope}).` })
    })

  const apiKey = program.command('api-key').description("Show or regenerate an account's API key")

  apiKey
    .command('show')
    .description('Show the API key masked (as the app does), with --reveal in full')
    .argument('<username>', 'the account')
    .option('--reveal', 'print the full key (it is a password: keep it out of logs and screen shares)')
    .action(async (username: string, options: { reveal?: boolean }, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const summary = services.apiKeys.getApiKeySummary(account.id)
        return { account: account.username, ...summary, ...(options.reveal ? { apiKey: services.apiKeys.revealApiKey(account.id) } : {}) }
      })
      cli.print(command, {
        json: result,
        text: result.apiKey ?? `${result.maskedKey}  (created ${result.createdAt}, last used ${result.lastUsedAt ?? 'never'}; add --reveal for the full key)`,
      })
    })

  apiKey
    .command('regenerate')
    .description('Replace the API key (the old one fails at once) and print the new one')
    .argument('<username>', 'the account')
    .requiredOption('--yes', 'confirm: scripts using the old key stop working')
    .action(async (username: string, _options: object, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        const { apiKey, summary } = services.apiKeys.regenerateApiKey(account.id)
        return { account: account.username, apiKey, ...summary }
      })
      cli.print(command, { json: result, text: `${result.apiKey}\n(New API key of ${result.account}; the old one no longer works.)` })
    })
}
