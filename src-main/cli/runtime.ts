import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { Services } from '../services/index.ts'
import { ErrorCode, KeysteadError, validationError } from '../services/errors.ts'
import { createSecretFileWriter, writeSecretFile } from '../services/secret-file.ts'
import type { SecretFileWriter } from '../services/secret-file.ts'
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

function fileExistsError(file: string, reason: string): KeysteadError {
  return new KeysteadError(ErrorCode.Conflict, `${file} already exists; choose another file or add --force.`, { field: 'file', reason })
}

/** The command line's words for the two refusals it documented before secret-file.ts: `cli.fileExists`, `cli.fileUnwritable`. */
function asCliFileError(error: unknown, file: string): unknown {
  if (!(error instanceof KeysteadError)) return error
  if (error.reason === 'secretFile.exists') return fileExistsError(file, 'cli.fileExists')
  if (error.reason === 'secretFile.unwritable') return new KeysteadError(ErrorCode.Validation, error.message, { field: 'file', reason: 'cli.fileUnwritable' })
  return error
}

/**
 * For the commands that keep secret-file.ts's reasons (`backup create`, `backup key create`): the same
 * `secretFile.exists`, with the way out in the command line's words (`--force`) rather than the app's.
 */
export async function namingForceOption<T>(file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof KeysteadError && error.reason === 'secretFile.exists') throw fileExistsError(file, error.reason)
    throw error
  }
}

/**
 * An output file opened BEFORE any change (its folder exists, it is not a link, not another user's, and
 * it does not exist unless `force`), so that a one-time secret (recovery codes) is never made and then lost.
 * `deliver` writes and puts it in place; `close` removes what was not delivered.
 */
export interface OutputFile {
  readonly path: string
  deliver(content: string | Buffer): Promise<void>
  close(): Promise<void>
}

export async function openOutputFile(file: string, force: boolean): Promise<OutputFile> {
  let writer: SecretFileWriter
  try {
    writer = await createSecretFileWriter(file, { overwrite: force })
  } catch (error) {
    throw asCliFileError(error, file)
  }
  return {
    path: file,
    async deliver(content) {
      try {
        await writer.write(typeof content === 'string' ? Buffer.from(content, 'utf8') : content)
        await writer.commit()
      } catch (error) {
        throw asCliFileError(error, file)
      }
    },
    close: () => writer.abort(),
  }
}

/** Writes a file only its owner may read or write (0600) through secret-file.ts, also when it replaces an older one (`force`). */
export async function writeOwnerOnlyFile(file: string, content: string | Buffer, force: boolean): Promise<void> {
  try {
    await writeSecretFile(file, content, { overwrite: force })
  } catch (error) {
    throw asCliFileError(error, file)
  }
}

/** "Token or API key" -> "token or API key": the first letter only, so that acronyms keep their capitals. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
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
        notice: (line) => io.writeErr(`${line}\n`),
      })
      try {
        return await work(context.services, context)
      } finally {
        context.close()
      }
    },
    async readSecret(what, field) {
      // On a terminal the echo is off (nothing shows while typing); from a pipe the first line is read.
      if (io.stdinIsTTY) io.writeErr(`${what} (not shown while you type; press Enter): `)
      const value = io.stdinIsTTY ? await io.readHiddenLine() : await io.readStdinLine()
      if (value.length === 0) throw validationError(field, 'cli.secretEmpty', `No ${lowerFirst(what)} arrived on standard input.`)
      return value
    },
    async readStdinAll(what, field, limit) {
      if (io.stdinIsTTY) io.writeErr(`${what} (end with Ctrl-D): `)
      const value = await io.readStdinAll(limit)
      if (value === null) throw validationError(field, 'cli.stdinTooLarge', `${what} on standard input is larger than ${limit} bytes.`)
      if (value.trim().length === 0) throw validationError(field, 'cli.secretEmpty', `No ${lowerFirst(what)} arrived on standard input.`)
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
