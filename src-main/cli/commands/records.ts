import { Option } from 'commander'
import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { SecurityLogEntry } from '../../services/administration-service.ts'
import { LOG_PAGE_MAX } from '../../services/administration-service.ts'
import type { SecurityLogVerification } from '../../services/audit/log-chain.ts'
import { ErrorCode, KeysteadError } from '../../services/errors.ts'
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

/** One line per break, by position, then the verdict. */
export function formatVerification(report: { account: string } & SecurityLogVerification): string {
  if (report.isIntact) return `${report.account}: all ${report.count} entries are intact (the head at entry ${report.headPosition} is authenticated).\n`
  const lines = report.breaks.map((item) => {
    switch (item.type) {
      case 'changed':
        return item.count === 1 ? `entry ${item.position}: changed` : `entries ${item.position}-${item.position + item.count - 1}: changed`
      case 'missing':
        return `entries ${item.position}-${item.to}: missing`
      case 'truncated':
        return `entries ${item.position}-${item.to}: missing at the end (truncated tail)`
      case 'head':
        return `head (entry ${item.position}): ${{ mac: 'not authenticated by this data key', missing: 'missing', unsealed: 'never sealed', hash: 'names another last entry' }[item.problem]} (head mismatch)`
      case 'extra':
        return `entries from ${item.position} (${item.count}): appended after the authenticated head`
      case 'unchained':
        return `${item.count} entries without a position in the chain`
    }
  })
  return `${report.account}: the security log is NOT intact (${report.count} entries checked)\n${lines.map((line) => `  ${line}`).join('\n')}\n`
}

export function registerRecordCommands(program: Command, cli: CliRuntime): void {
  program
    .command('log')
    .description("Print the account's security log, newest first")
    .argument('<username>', 'the account')
    .option('--limit <n>', `how many entries (1-${LOG_PAGE_MAX})`, wholeNumberOption(1, LOG_PAGE_MAX), 100)
    .addOption(new Option('--format <format>', 'csv or json (default: a table, or JSON with --json)').choices(['csv', 'json']))
    .addOption(new Option('--verify', "check the log's hash chain and its authenticated head (exit 1 with every break listed)").conflicts(['format', 'limit']))
    .action(async (username: string, options: { limit: number; format?: 'csv' | 'json'; verify?: boolean }, command: Command) => {
      if (options.verify) {
        const report = await cli.withServices(command, (services) => {
          const account = services.administration.requireAccountByUsername(username)
          return { account: account.username, ...services.audit.verifySecurityLog(account.id) }
        })
        cli.print(command, { json: report, text: formatVerification(report) })
        if (!report.isIntact) {
          throw new KeysteadError(ErrorCode.Conflict, `The security log of ${report.account} was changed outside Keystead (${report.breaks.length} ${report.breaks.length === 1 ? 'break' : 'breaks'}).`, {
            reason: 'cli.logBroken',
          })
        }
        return
      }
      const result = await cli.withServices(command, (services) => {
        const account = services.administration.requireAccountByUsername(username)
        return { account: account.username, entries: services.administration.listAccountSecurityLog(account.id, { limit: options.limit }) }
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
          const account = services.administration.requireAccountByUsername(username)
          const text = `${JSON.stringify(services.administration.exportAccountData(account.id, 'cli'), null, 2)}\n`
          await output.deliver(text)
          // Only what happened is recorded: a failed write leaves no "exported" entry.
          services.administration.recordAccountExported(account.id, 'cli')
          return { account: account.username, file, bytes: Buffer.byteLength(text) }
        })
        .finally(() => output.close())
      cli.print(command, { json: result, text: `Wrote the data of ${result.account} to ${result.file}.` })
    })
}
