import { Command, CommanderError } from 'commander'
import { commandModules } from './commands/index.ts'
import { busyTimeoutOf, cliVersion, DEFAULT_BUSY_TIMEOUT_MS } from './context.ts'
import type { ExitCode } from './errors.ts'
import { describeCliError, UsageError } from './errors.ts'
import type { CliIO } from './io.ts'
import { createCliRuntime } from './runtime.ts'

/**
 * The `keystead` program. commander (rather than node:util parseArgs) because the CLI
 * is a tree of sub-commands, each with its own arguments and `--help`: commander gives
 * nested commands, generated help, required options, choices and typed errors, which
 * parseArgs would leave to us to write and keep in step with the help text.
 */
export function buildProgram(io: CliIO): Command {
  const cli = createCliRuntime(io)
  const program = new Command('keystead')
    .description('Administer Keystead accounts from scripts: the same rules and the same data as the app.')
    .version(cliVersion(), '-V, --version')
    .option('--data-dir <dir>', 'the data directory (default: KEYSTEAD_DATA_DIR, else the app’s own)')
    .option('--json', 'print one JSON document (errors too, on standard error)')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.writeOut(text), writeErr: (text) => io.writeErr(text), outputError: () => {} })
  for (const register of commandModules) register(program, cli)
  // Every command exits through runCli (exit codes 0/1/2) instead of commander's process.exit.
  const visit = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: (text) => io.writeOut(text), writeErr: (text) => io.writeErr(text), outputError: () => {} })
    command.allowExcessArguments(false)
    command.commands.forEach(visit)
  }
  program.commands.forEach(visit)
  return program
}

/** Runs one command line; returns the exit code. Errors go to stderr as one line (JSON with --json). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const wantsJson = argv.includes('--json')
  let busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS
  try {
    busyTimeoutMs = busyTimeoutOf(io.env)
    if (argv.length === 0) throw new UsageError('a command is needed (see keystead --help)')
    await buildProgram(io).parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    let thrown = error
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0
      thrown = new UsageError(`${error.message.replace(/^error: /, '')} (see --help)`)
    }
    const report = describeCliError(thrown, busyTimeoutMs)
    if (wantsJson) io.writeErr(`${JSON.stringify({ error: report.error })}\n`)
    else io.writeErr(`keystead: ${report.error.message}\n`)
    return report.exitCode
  }
}
