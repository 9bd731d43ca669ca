/**
 * `keystead [--data-dir DIR] ssh authorized-keys [--] <system-user> [<key-type> <base64-key>]`: what sshd's
 * AuthorizedKeysCommand runs on every login attempt. bin/keystead.js routes exactly this command line
 * here without loading the rest of the CLI (commander, the services, sharp), so a fresh process answers
 * in little more than Node's own start-up. It opens the database read-only, never migrates or writes,
 * and prints only authorized_keys lines; any problem goes to standard error with exit code 1 (sshd then
 * refuses the key), and "no keys" is an empty answer with exit code 0.
 */
import { join } from 'node:path'
import { DATABASE_FILE_NAME, openDatabaseReadOnly } from '../db/database.ts'
import { resolveDataDir, defaultUserDataDir } from '../data-dir.ts'
import { lookupAuthorizedKeys } from '../services/ssh/authorized-keys.ts'
import { readSSHLoginMap } from '../services/ssh/login-map-file.ts'

export interface AuthorizedKeysArguments {
  dataDir: string | undefined
  systemUser: string
  keyType?: string
  keyBase64?: string
}

/**
 * The lookup's own command line, or null when argv is anything else (then the full CLI handles it,
 * including `--help`). Accepted: `--data-dir DIR` / `--data-dir=DIR` anywhere before `ssh`, then
 * `ssh authorized-keys`, an optional `--`, and one or three arguments.
 */
export function parseAuthorizedKeysArguments(argv: readonly string[]): AuthorizedKeysArguments | null {
  let dataDir: string | undefined
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--data-dir' && i + 1 < argv.length) dataDir = argv[++i]
    else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length)
    else break
  }
  if (argv[i] !== 'ssh' || argv[i + 1] !== 'authorized-keys') return null
  let rest = argv.slice(i + 2)
  if (rest[0] === '--') rest = rest.slice(1)
  else if (rest.some((arg) => arg.startsWith('-'))) return null
  if (rest.length !== 1 && rest.length !== 3) return null
  const [systemUser, keyType, keyBase64] = rest as [string, string?, string?]
  return { dataDir: dataDir || undefined, systemUser, ...(keyType !== undefined ? { keyType, keyBase64 } : {}) }
}

export interface LookupIO {
  writeOut(text: string): void
  writeErr(text: string): void
  env: NodeJS.ProcessEnv
}

/** The lines to print (empty: no key may log in); throws when the data folder cannot be read. */
export function lookupAuthorizedKeyLines(args: AuthorizedKeysArguments, env: NodeJS.ProcessEnv, now = Date.now()): string[] {
  const dataDir = resolveDataDir(args.dataDir ? ['--data-dir', args.dataDir] : [], env, defaultUserDataDir(process.platform, env))
  const map = readSSHLoginMap(dataDir)
  const db = openDatabaseReadOnly(join(dataDir, DATABASE_FILE_NAME), { busyTimeoutMs: 5_000 })
  try {
    return lookupAuthorizedKeys(db, { systemUser: args.systemUser, keyType: args.keyType, keyBase64: args.keyBase64, map, now })
  } finally {
    db.close()
  }
}

/** Runs the lookup; returns the exit code (0 with or without keys, 1 when the data cannot be read). */
export function runAuthorizedKeysLookup(args: AuthorizedKeysArguments, io: LookupIO, now = Date.now()): number {
  let lines: string[]
  try {
    lines = lookupAuthorizedKeyLines(args, io.env, now)
  } catch (error) {
    io.writeErr(`keystead: ssh authorized-keys: ${(error as Error).message.split('\n')[0]}\n`)
    return 1
  }
  if (lines.length > 0) io.writeOut(lines.map((line) => `${line}\n`).join(''))
  return 0
}
