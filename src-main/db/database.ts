import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type DB = Database.Database

export const DATABASE_FILE_NAME = 'keystead.db'

export class DatabaseOpenError extends Error {
  readonly code: 'DB_TOO_NEW' | 'DB_CORRUPT' | 'DB_OPEN_FAILED'
  readonly path: string
  constructor(code: DatabaseOpenError['code'], message: string, path: string) {
    super(message)
    this.name = 'DatabaseOpenError'
    this.code = code
    this.path = path
  }
}

/**
 * Opens (or creates) the account store with the settings auth data needs:
 * WAL, synchronous=FULL (a committed write survives a power loss), foreign keys,
 * and a busy timeout so the app, the CLI and the API can share the file.
 */
export function openDatabase(path: string, options: { busyTimeoutMs?: number } = {}): DB {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  let db: DB
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 10_000 })
  } catch (error) {
    throw new DatabaseOpenError('DB_OPEN_FAILED', `Cannot open the database: ${(error as Error).message}`, path)
  }
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    db.pragma('secure_delete = ON')
  } catch (error) {
    db.close()
    const message = (error as Error).message
    const code = /malformed|not a database|corrupt/i.test(message) ? 'DB_CORRUPT' : 'DB_OPEN_FAILED'
    throw new DatabaseOpenError(code, `The database file cannot be used: ${message}`, path)
  }
  return db
}

/**
 * Opens an existing database for reading only: no migrations, no pragmas that write, never
 * creates the file. For lookups that must work while the app or `keystead serve` holds the file
 * (WAL lets readers in beside a writer) and must never change it (the sshd key lookup).
 */
export function openDatabaseReadOnly(path: string, options: { busyTimeoutMs?: number } = {}): DB {
  try {
    return new Database(path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 10_000 })
  } catch (error) {
    throw new DatabaseOpenError('DB_OPEN_FAILED', `Cannot open the database: ${(error as Error).message}`, path)
  }
}

/**
 * Runs `work` as one write transaction that takes the write lock at its start (BEGIN IMMEDIATE),
 * waiting up to the busy timeout for another process's writer. A plain (deferred) BEGIN would
 * start as a reader and upgrade at its first write; when the app, the CLI or the local API
 * committed in between, SQLite refuses that upgrade at once with SQLITE_BUSY, busy timeout or not.
 * Every transaction that writes goes through here (eslint refuses `.transaction(` elsewhere).
 */
export function writeTransaction<T>(db: DB, work: () => T): T {
  // eslint-disable-next-line no-restricted-syntax -- the one place that opens transactions
  return db.transaction(work).immediate()
}

/** `PRAGMA quick_check`; costs ~0.2-0.8 s on a large file, so it runs after the first window. */
export function checkDatabaseQuickly(db: DB): { ok: true } | { ok: false; problems: string[] } {
  try {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>
    const problems = rows.map((row) => row.quick_check).filter((value) => value !== 'ok')
    return problems.length === 0 ? { ok: true } : { ok: false, problems }
  } catch (error) {
    return { ok: false, problems: [(error as Error).message] }
  }
}
