import { Option } from 'commander'
import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { SecurityLogEntry } from '../../services/admin-service.ts'
import { LOG_PAGE_MAX } from '../../services/admin-service.ts'
import { userWorkingDir } from '../context.ts'
import type { CliRuntime } from '../runtime.ts'
import { formatTable, openOutputFile, wholeNumberOption } from '../runtime.ts'

/** RFC 4180 field; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function formatLogCsv(entries: SecurityLogEntry[]): string {
  const header = ['id', 'at', 'kind', 'sessionId', 'device', 'detail']
  const lines = entries.map((e) => [String(e.id), e.at, e.kind, e.sessionId ?? '', e.device, JSON.stringify(e.detail)].map(csvField).join(','))
  return [header.join(','), ...lines].join('\r\n') + '\r\n'
}

export function registerRecordCommands(program: Command, cli: CliRuntime): void {
  program
    .command('log')
    .description("Print the account's security log, newest first")
    .argument('<username>', 'the account')
    .option('--limit <n>', `how many entries (1-${LOG_PAGE_MAX})`, wholeNumberOption(1, LOG_PAGE_MAX), 100)
    .addOption(new Option('--format <format>', 'csv or json (default: a table, or JSON with --json)').choices(['csv', 'json']))
    .action(async (username: string, options: { limit: number; format?: 'csv' | 'json' }, command: Command) => {
      const result = await cli.withServices(command, (services) => {
        const account = services.admin.requireAccountByUsername(username)
        return { account: account.username, entries: services.admin.listAccountSecurityLog(account.id, { limit: options.limit }) }
      })
      if (options.format === 'csv') {
        cli.io.writeOut(formatLogCsv(result.entries))
        return
      }
      if (options.format === 'json') {
        cli.io.writeOut(`${JSON.stringify(result, null, 2)}\n`)
        return
      }
      cli.print(command, {
        json: result,
        text:
          result.entries.length === 0
            ? `${result.account} has no security log entries.`
            : formatTable(['AT', 'EVENT', 'DEVICE'], result.entries.map((e) => [e.at, e.kind, e.device])),
      })
    })

  program
    .command('export')
    .description("Write the account's data (no secrets) to a JSON file readable only by you")
    .argument('<username>', 'the account')
    .requiredOption('--file <path>', 'where to write the JSON document')
    .option('--force', 'replace the file if it exists')
    .action(async (username: string, options: { file: string; force?: boolean }, command: Command) => {
      const file = resolve(userWorkingDir(cli.io.env), options.file)
      const output = await openOutputFile(file, options.force ?? false)
      const result = await cli
        .withServices(command, async (services) => {
          const account = services.admin.requireAccountByUsername(username)
          const text = `${JSON.stringify(services.admin.exportAccountData(account.id, 'cli'), null, 2)}\n`
          await output.deliver(text)
          // Only what happened is recorded: a failed write leaves no "exported" entry.
          services.admin.recordAccountExported(account.id, 'cli')
          return { account: account.username, file, bytes: Buffer.byteLength(text) }
        })
        .finally(() => output.close())
      cli.print(command, { json: result, text: `Wrote the data of ${result.account} to ${result.file}.` })
    })
}
