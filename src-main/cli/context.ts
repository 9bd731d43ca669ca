import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { checkDatabaseQuickly, DATABASE_FILE_NAME, openDatabase } from '../db/database.ts'
import { prepareDataFolder } from '../db/data-folder.ts'
import { discardMigrationBackup, migrationBackupPathOf } from '../db/migration-backup.ts'
import type { DB } from '../db/database.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { defaultUserDataDir } from '../data-dir.ts'
import { readOSFacts } from '../platform/os-facts.ts'
import { collectDeviceFacts } from '../services/device-facts.ts'
import type { DeviceFacts } from '../services/device-facts.ts'
import { ErrorCode, KeysteadError } from '../services/errors.ts'
import { createServices } from '../services/index.ts'
import type { Services } from '../services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../services/password-hasher.ts'
import type { ScryptParams } from '../services/password-hasher.ts'
import { openOSKeyStore } from '../services/os-keyring.ts'
import { createDataKeySecretBox } from '../services/secret-box.ts'
import { UsageError } from './errors.ts'

/**
 * TESTS ONLY. `KEYSTEAD_INSECURE_TEST_KDF=1` makes new password hashes use a cheap scrypt
 * cost so that test suites spawning the CLI stay fast. Never set it for real data: the
 * CLI prints a warning whenever it is on. (Hashes carry their cost, so the app still
 * verifies them, and re-hashes them at full cost on the next sign-in.)
 */
export const INSECURE_TEST_KDF_ENV = 'KEYSTEAD_INSECURE_TEST_KDF'
/** How long to wait for another process's write lock before giving up (milliseconds, default 10 000). */
export const BUSY_TIMEOUT_ENV = 'KEYSTEAD_BUSY_TIMEOUT_MS'
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000

export interface GlobalOptions {
  dataDir?: string
  json?: boolean
}

/**
 * The folder relative paths are meant from. `npm run cli` starts the script in the
 * package folder; npm keeps the user's own folder in INIT_CWD.
 */
export function userWorkingDir(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === 'cli' && env.INIT_CWD ? env.INIT_CWD : process.cwd()
}

export function resolveCliDataDir(options: GlobalOptions, env: NodeJS.ProcessEnv): string {
  return resolve(userWorkingDir(env), options.dataDir ?? (env.KEYSTEAD_DATA_DIR || undefined) ?? defaultUserDataDir(process.platform, env))
}

export function busyTimeoutOf(env: NodeJS.ProcessEnv): number {
  const raw = env[BUSY_TIMEOUT_ENV]
  if (raw === undefined || raw === '') return DEFAULT_BUSY_TIMEOUT_MS
  if (!/^\d{1,6}$/.test(raw)) throw new UsageError(`${BUSY_TIMEOUT_ENV} must be a whole number of milliseconds (0-999999).`)
  return Number(raw)
}

export function scryptParamsOf(env: NodeJS.ProcessEnv, warn: (line: string) => void): ScryptParams | undefined {
  const value = env[INSECURE_TEST_KDF_ENV]
  if (value === undefined || value === '' || value === '0') return undefined
  if (value !== '1') throw new UsageError(`${INSECURE_TEST_KDF_ENV} may only be 1 (tests only) or unset.`)
  warn(`keystead: warning: ${INSECURE_TEST_KDF_ENV}=1 - new passwords get a WEAK test-only hash. Never use this for real accounts.`)
  return TEST_ONLY_SCRYPT_PARAMS
}

export interface CliContext {
  dataDir: string
  services: Services
  close(): void
}

/**
 * Opens the app's own database the way the app does (WAL, busy timeout, migrations,
 * the key-file secret box). Only `create` may start a new data directory: a typo in
 * --data-dir must not silently create an empty one.
 */
export async function openCliContext(options: {
  dataDir: string
  env: NodeJS.ProcessEnv
  allowCreate: boolean
  warn(line: string): void
  /** Always shown (on stderr): e.g. that the data folder was tightened. */
  notice(line: string): void
}): Promise<CliContext> {
  const databasePath = join(options.dataDir, DATABASE_FILE_NAME)
  if (!options.allowCreate && !existsSync(databasePath)) {
    throw new KeysteadError(
      ErrorCode.NotFound,
      `There is no Keystead data in ${options.dataDir}. Pass --data-dir, or create the first account with "keystead accounts create".`,
      { reason: 'cli.noData' },
    )
  }
  const scryptParams = scryptParamsOf(options.env, options.warn)
  prepareDataFolder(options.dataDir, (message) => options.notice(`keystead: warning: ${message}`))
  const db: DB = openDatabase(databasePath, { busyTimeoutMs: busyTimeoutOf(options.env) })
  try {
    const migrated = await migrateDatabase(db, { backupPath: migrationBackupPathOf(databasePath), path: databasePath })
    // The copy from before a migration keeps deleted accounts: it goes once the migrated file passes a quick check.
    if (migrated.backupPath && checkDatabaseQuickly(db).ok) discardMigrationBackup(db)
    const services = createServices({ db, secretBox: createDataKeySecretBox(join(options.dataDir, 'keystead.key'), openOSKeyStore(options.dataDir)), scryptParams })
    return { dataDir: options.dataDir, services, close: () => db.close() }
  } catch (error) {
    db.close()
    throw error
  }
}

/** Set by the command line's bundle (vite.cli.config.ts); absent when the sources run as they are. */
declare const __KEYSTEAD_VERSION__: string | undefined

let version: string | null = null
export function cliVersion(): string {
  if (version) return version
  if (typeof __KEYSTEAD_VERSION__ === 'string') return (version = __KEYSTEAD_VERSION__)
  try {
    version = (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version
  } catch {
    version = '0.0.0'
  }
  return version
}

/** The device facts a CLI session is recorded with. */
export function cliDeviceFacts(): DeviceFacts {
  return { ...collectDeviceFacts(readOSFacts()), browser: `keystead CLI ${cliVersion()} (Node.js ${process.versions.node})` }
}
