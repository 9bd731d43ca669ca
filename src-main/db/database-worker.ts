import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * Whole-file database work (its cost grows with the file) run on a worker thread with the worker's
 * own connection, so the main process's event loop keeps answering the window meanwhile.
 * better-sqlite3 works in worker_threads; each thread opens its own connection.
 *
 * The worker is a small CommonJS script evaluated in the thread (`eval: true`), not a file of its own:
 * the same code runs from the sources (tests, the CLI), from electron-vite's one-file main bundle and
 * from the packaged app, with no second entry to build. It loads better-sqlite3 from the path this
 * module resolves, so the worker finds the same copy as the main thread.
 */
export const DatabaseTask = Object.freeze({ QuickCheck: 'quick_check', Checkpoint: 'wal_checkpoint' } as const)
export type DatabaseTask = (typeof DatabaseTask)[keyof typeof DatabaseTask]

interface WorkerInput {
  driver: string
  path: string
  task: DatabaseTask
  busyTimeoutMs: number
}

/** What the worker posts back: the pragma's rows, or why it could not run it (and whether opening failed). */
type WorkerOutput =
  | { kind: 'rows'; rows: Array<Record<string, unknown>>; threadId: number }
  | { kind: 'failed'; stage: 'driver' | 'open' | 'run'; message: string; threadId: number }

const WORKER_SOURCE = `
'use strict'
const { parentPort, threadId, workerData } = require('node:worker_threads')
let stage = 'driver'
let db = null
try {
  const Database = require(workerData.driver)
  stage = 'open'
  const readonly = workerData.task === 'quick_check'
  db = new Database(workerData.path, { readonly, fileMustExist: true, timeout: workerData.busyTimeoutMs })
  stage = 'run'
  const rows = workerData.task === 'quick_check' ? db.pragma('quick_check') : db.pragma('wal_checkpoint(TRUNCATE)')
  parentPort.postMessage({ kind: 'rows', rows, threadId })
} catch (error) {
  parentPort.postMessage({ kind: 'failed', stage, message: String((error && error.message) || error), threadId })
} finally {
  if (db) db.close()
}
`

/**
 * In the packaged app this module sits inside app.asar, and better-sqlite3 is unpacked next to it
 * (app.asar.unpacked, see electron-builder.config.ts): the worker loads that copy from the real file
 * system, so it needs no asar support of its own. better-sqlite3 requires nothing outside its folder.
 */
export function toUnpackedPath(resolved: string, exists: (path: string) => boolean): string {
  const unpacked = resolved.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2')
  return unpacked !== resolved && exists(unpacked) ? unpacked : resolved
}

let driverPath: string | null = null
function resolveDriver(): string {
  driverPath ??= toUnpackedPath(createRequire(import.meta.url).resolve('better-sqlite3'), existsSync)
  return driverPath
}

/** Thrown when the worker itself could not run (thread, driver); not a finding about the file. */
export class DatabaseWorkerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatabaseWorkerError'
  }
}

function runDatabaseTask(path: string, task: DatabaseTask, busyTimeoutMs: number): Promise<WorkerOutput> {
  return new Promise((resolve, reject) => {
    let worker: Worker
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: resolveDriver(), path, task, busyTimeoutMs } satisfies WorkerInput })
    } catch (error) {
      reject(new DatabaseWorkerError(`Could not start the database worker: ${(error as Error).message}`))
      return
    }
    let answer: WorkerOutput | null = null
    worker.once('message', (message: WorkerOutput) => (answer = message))
    worker.once('error', (error) => reject(new DatabaseWorkerError(`The database worker failed: ${error.message}`)))
    worker.once('exit', (code) => {
      if (answer?.kind === 'failed' && answer.stage === 'driver') reject(new DatabaseWorkerError(`The database worker could not load its driver: ${answer.message}`))
      else if (answer) resolve(answer)
      else reject(new DatabaseWorkerError(`The database worker ended without an answer (exit code ${code}).`))
    })
  })
}

export type QuickCheckResult = ({ ok: true } | { ok: false; problems: string[] }) & {
  /** The thread the check ran on (0 is the main thread). */
  threadId: number
}

/** SQLite's messages for a damaged file or one that is not a database at all. */
const DAMAGE_PATTERN = /malformed|not a database|corrupt|disk image/i

/**
 * `PRAGMA quick_check` on a worker thread with its own read-only connection (no byte of the file
 * changes). Problems found, or a file that cannot even be opened because it is damaged, are
 * `ok: false`; a worker that could not run at all rejects with DatabaseWorkerError.
 */
export async function checkDatabaseInWorker(path: string, options: { busyTimeoutMs?: number } = {}): Promise<QuickCheckResult> {
  const output = await runDatabaseTask(path, DatabaseTask.QuickCheck, options.busyTimeoutMs ?? 10_000)
  if (output.kind === 'failed') {
    if (output.stage === 'open' && !DAMAGE_PATTERN.test(output.message)) throw new DatabaseWorkerError(`The quick check could not open the database: ${output.message}`)
    return { ok: false, problems: [output.message], threadId: output.threadId }
  }
  const problems = output.rows.map((row) => String(row.quick_check)).filter((value) => value !== 'ok')
  return problems.length === 0 ? { ok: true, threadId: output.threadId } : { ok: false, problems, threadId: output.threadId }
}

/**
 * `PRAGMA wal_checkpoint(TRUNCATE)` from a worker thread's own connection: copies every committed
 * page into the main file and empties the WAL (with secure_delete on, freed pages leave the WAL too).
 * Resolves to whether the checkpoint completed; another connection's read may hold it back (busy).
 */
export async function checkpointDatabaseInWorker(path: string, options: { busyTimeoutMs?: number } = {}): Promise<{ completed: boolean; threadId: number }> {
  const output = await runDatabaseTask(path, DatabaseTask.Checkpoint, options.busyTimeoutMs ?? 10_000)
  if (output.kind === 'failed') return { completed: false, threadId: output.threadId }
  const row = output.rows[0] as { busy?: number } | undefined
  return { completed: row?.busy === 0, threadId: output.threadId }
}

/**
 * Runs `work` (many short write transactions, e.g. slices) with this connection's automatic WAL
 * checkpoint off, then checkpoints on a worker thread. SQLite checkpoints inside the commit that
 * crosses 1,000 WAL pages, on the thread that commits: with secure_delete on, a run of deleting slices
 * crosses it every few slices, and each such commit copies 1,000 pages into a large file and fsyncs it
 * on the main thread's event loop (hundreds of milliseconds on a loaded disk).
 */
export async function runWithCheckpointOffThread<T>(
  db: { name: string; memory: boolean; pragma(source: string, options?: { simple?: boolean }): unknown },
  work: () => Promise<T>,
  checkpoint: () => Promise<unknown> = () => checkpointDatabaseInWorker(db.name),
): Promise<T> {
  if (db.memory) return work()
  const pages = db.pragma('wal_autocheckpoint', { simple: true }) as number
  db.pragma('wal_autocheckpoint = 0')
  try {
    return await work()
  } finally {
    db.pragma(`wal_autocheckpoint = ${pages}`)
    // Another connection's read may hold it back: the next checkpoint (automatic again) completes it then.
    await checkpoint().catch(() => undefined)
  }
}
