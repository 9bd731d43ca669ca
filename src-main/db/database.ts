import Database from 'better-sqlite3'
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

export type DB = Database.Database

export const DATABASE_FILE_NAME = 'keystead.db'
/** Every file in the data folder: read and written by its owner only. */
export const DATA_FILE_MODE = 0o600

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
 * Creates `path` empty with mode 0600 when it does not exist (SQLite takes an empty file as a new
 * database, and then makes its -wal and -shm files with the same mode), or sets an existing one to 0600.
 * Never follows a link.
 */
export function ensureOwnerOnlyFile(path: string): void {
  if (process.platform === 'win32') return
  let fd: number
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, DATA_FILE_MODE)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`)
    fchmodSync(fd, DATA_FILE_MODE)
  } finally {
    closeSync(fd)
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
    if (path !== ':memory:') ensureOwnerOnlyFile(path)
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
 * Opens a staged copy that this process alone uses and throws away on any failure (a restore's
 * copy before its swap): the app's foreign keys and secure_delete, but its rollback journal in memory
 * and no syncs (the caller syncs the file once when it is done). Never WAL: switching a large file's
 * journal mode would sync it on the caller's thread.
 */
export function openStagedDatabase(path: string): DB {
  const db = new Database(path, { fileMustExist: true })
  try {
    db.pragma('journal_mode = MEMORY')
    db.pragma('synchronous = OFF')
    db.pragma('foreign_keys = ON')
    db.pragma('secure_delete = ON')
    db.pragma('cache_size = -2000') // slices of keyed rows: a small cache keeps the process's memory flat
  } catch (error) {
    db.close()
    throw new DatabaseOpenError('DB_CORRUPT', `The database file cannot be used: ${(error as Error).message}`, path)
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
  return transactionRunner(db).immediate(work) as T
}

/**
 * One transaction function per connection that runs the work it is given: better-sqlite3 builds four
 * wrapped functions for every `db.transaction(fn)`, which cost more than a small write itself when a
 * loop writes row by row (a restore's log entry per account). Same semantics: BEGIN IMMEDIATE, or a
 * savepoint inside an open transaction.
 */
const transactionRunners = new WeakMap<DB, Database.Transaction<(work: () => unknown) => unknown>>()
function transactionRunner(db: DB): Database.Transaction<(work: () => unknown) => unknown> {
  let runner = transactionRunners.get(db)
  if (!runner) {
    // eslint-disable-next-line no-restricted-syntax -- the one place that opens transactions
    runner = db.transaction((work: () => unknown) => work())
    transactionRunners.set(db, runner)
  }
  return runner
}

/**
 * For a connection nothing else uses while it waits (the command line): runs `work`, which may await,
 * inside one write transaction (BEGIN IMMEDIATE; transactions inside it become savepoints), hands its
 * result to `deliver` (e.g. writes the recovery codes file), and commits only when `deliver` succeeded.
 * When `deliver` fails, everything `work` changed is rolled back: no database change without its file.
 * When `work` itself fails, what it recorded (a failed attempt, for the throttle) is committed as usual.
 * Never use it on the app's shared connection: another handler's statements would join the transaction.
 */
export async function writeTransactionDelivered<T>(db: DB, work: () => Promise<T>, deliver: (result: T) => Promise<void>): Promise<T> {
  if (db.inTransaction) throw new Error('writeTransactionDelivered cannot run inside another transaction')
  db.exec('BEGIN IMMEDIATE')
  let result: T
  try {
    result = await work()
  } catch (error) {
    if (db.inTransaction) db.exec('COMMIT')
    throw error
  }
  try {
    await deliver(result)
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  }
  db.exec('COMMIT')
  return result
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
