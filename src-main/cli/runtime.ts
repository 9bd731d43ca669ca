import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Services } from '../services/index.ts'
import { ErrorCode, KeysteadError, validationError } from '../services/errors.ts'
import type { CliContext, GlobalOptions } from './context.ts'
import { openCliContext, resolveCliDataDir, userWorkingDir } from './context.ts'
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
  /** Reads standard input to its end (up to `limit` bytes; more is refused). */
  readStdinAll(what: string, field: string, limit: number): Promise<string>
  /** A path from the user's own folder (npm run keeps it in INIT_CWD). */
  resolvePath(path: string): string
}

/**
 * Checks BEFORE any change that `file` can be written (its folder exists, and it does not
 * exist unless `force`), so that a one-time secret (recovery codes) is never made and then lost.
 */
export function assertWritableTarget(file: string, force: boolean): void {
  if (existsSync(file) && !force) {
    throw new KeysteadError(ErrorCode.Conflict, `${file} already exists; choose another file or add --force.`, { field: 'file', reason: 'cli.fileExists' })
  }
  const folder = dirname(file)
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new KeysteadError(ErrorCode.Validation, `Cannot write ${file}: the folder ${folder} does not exist.`, { field: 'file', reason: 'cli.fileUnwritable' })
  }
}

/** Writes a file only its owner may read or write (0600), also when it replaces an older one (`force`). */
export function writeOwnerOnlyFile(file: string, content: string | Buffer, force: boolean): void {
  try {
    writeFileSync(file, content, { mode: 0o600, flag: force ? 'w' : 'wx' })
    chmodSync(file, 0o600)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new KeysteadError(ErrorCode.Conflict, `${file} already exists; choose another file or add --force.`, { field: 'file', reason: 'cli.fileExists' })
    throw new KeysteadError(ErrorCode.Validation, `Cannot write ${file}: ${(error as Error).message}`, { field: 'file', reason: 'cli.fileUnwritable' })
  }
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
    async readStdinAll(what, field, limit) {
      if (io.stdinIsTTY) io.writeErr(`${what} (end with Ctrl-D): `)
      const value = await io.readStdinAll(limit)
      if (value === null) throw validationError(field, 'cli.stdinTooLarge', `${what} on standard input is larger than ${limit} bytes.`)
      if (value.trim().length === 0) throw validationError(field, 'cli.secretEmpty', `No ${what.toLowerCase()} arrived on standard input.`)
      return value
    },
    resolvePath: (path) => resolve(userWorkingDir(io.env), path),
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
