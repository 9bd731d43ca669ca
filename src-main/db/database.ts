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
