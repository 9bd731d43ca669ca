import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import type { Services } from '../services/index.ts'
import { validationError } from '../services/errors.ts'
import type { CliContext, GlobalOptions } from './context.ts'
import { openCliContext, resolveCliDataDir } from './context.ts'
import type { CliIO } from './io.ts'

/** What a command prints: the same facts as a JSON document (`--json`) and as text for people. */
export interface CommandOutput {
  json: unknown
  text: string
}

/** Shared by every command module: options, services, secrets from stdin, output. */
export interface CliRuntime {
  io: CliIO
  globals(command: Command): GlobalOptions
  /** Opens the data directory, runs `work`, closes it again (also on failure). */
  withServices<T>(command: Command, work: (services: Services, context: CliContext) => Promise<T> | T, options?: { allowCreate?: boolean; hashesPasswords?: boolean }): Promise<T>
  /** Reads a secret from standard input (never from argv); refuses an empty one. */
  readSecret(what: string, field: string): Promise<string>
  print(command: Command, output: CommandOutput): void
}

export function createCliRuntime(io: CliIO): CliRuntime {
  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>()
  return {
    io,
    globals,
    async withServices(command, work, options = {}) {
      const context = await openCliContext({
        dataDir: resolveCliDataDir(globals(command), io.env),
        env: io.env,
        allowCreate: options.allowCreate ?? false,
        // The weak-test-KDF warning only where a password gets hashed, so other output stays one line.
        warn: (line) => (options.hashesPasswords ? io.writeErr(`${line}\n`) : undefined),
      })
      try {
        return await work(context.services, context)
      } finally {
        context.close()
      }
    },
    async readSecret(what, field) {
      if (io.stdinIsTTY) io.writeErr(`${what} (typed text is visible; press Enter): `)
      const value = await io.readStdinLine()
      if (value.length === 0) throw validationError(field, 'cli.secretEmpty', `No ${what.toLowerCase()} arrived on standard input.`)
      return value
    },
    print(command, output) {
      if (globals(command).json) io.writeOut(`${JSON.stringify(output.json, null, 2)}\n`)
      else if (output.text) io.writeOut(output.text.endsWith('\n') ? output.text : `${output.text}\n`)
    },
  }
}

/** commander argument parser for a whole number in a range (a bad value is a usage error, exit 2). */
export function wholeNumberOption(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`)
    }
    return Number(value)
  }
}

/** Two-column text table for people (the JSON output is the stable interface). */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')
  return [line(headers), ...rows.map(line)].join('\n')
}
