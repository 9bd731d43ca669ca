import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { BackupCounts } from '../../../src-preload/contract/backups.ts'
import { toUnpackedPath } from '../../db/database-worker.ts'

/**
 * The database work of a backup whose cost grows with the data, off the event loop: the snapshot
 * (SQLite's backup API on a connection of its own: one read transaction, so one consistent moment
 * of the live WAL database, never a file copy), its SHA-256, the counts, `PRAGMA integrity_check`,
 * and the restore's bulk edits. Inline source (like the password hasher) so it survives bundling;
 * better-sqlite3 is loaded from the path the main process resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { openSync, readSync, closeSync, fsyncSync } = require('node:fs')
const Database = require(workerData.betterSqlite3)
const TABLES = { accounts: 'accounts', sessions: 'sessions', accessTokens: 'access_tokens', apiKeys: 'api_keys', sshKeys: 'ssh_keys', pictures: 'account_pictures', securityLog: 'security_log', twoFactorEnabled: 'two_factor' }
function countRows(db) {
  const present = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all())
  const counts = {}
  for (const [key, table] of Object.entries(TABLES)) {
    if (!present.has(table)) { counts[key] = 0; continue }
    const where = table === 'two_factor' ? ' WHERE enabled_at IS NOT NULL' : ''
    counts[key] = db.prepare('SELECT count(*) FROM ' + table + where).pluck().get()
  }
  return counts
}
function hashFile(path) {
  const hash = createHash('sha256')
  const fd = openSync(path, 'r')
  const buffer = Buffer.allocUnsafe(1 << 20)
  let bytes = 0
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null)
      if (n === 0) break
      hash.update(buffer.subarray(0, n))
      bytes += n
    }
  } finally { closeSync(fd) }
  return { sha256: hash.digest('hex'), bytes }
}
function standalone(path) {
  const db = new Database(path)
  try {
    db.pragma('journal_mode = DELETE')
    const schemaVersion = db.pragma('user_version', { simple: true })
    const counts = countRows(db)
    return { schemaVersion, counts }
  } finally { db.close() }
}
function syncFile(path) { const fd = openSync(path, 'r+'); try { fsyncSync(fd) } finally { closeSync(fd) } }
async function run(job) {
  if (job.kind === 'snapshot') {
    const source = new Database(job.source, { readonly: true, fileMustExist: true, timeout: 10000 })
    try {
      // One step for the whole file: the copy is one read transaction, one moment of the database.
      await source.backup(job.target, { progress: () => 1e9 })
    } finally { source.close() }
    const facts = standalone(job.target)
    syncFile(job.target)
    return { ...facts, ...hashFile(job.target) }
  }
  if (job.kind === 'check') {
    const db = new Database(job.path, { readonly: true, fileMustExist: true })
    try {
      const problems = db.pragma('integrity_check').map((row) => row.integrity_check).filter((value) => value !== 'ok')
      return { problems, schemaVersion: db.pragma('user_version', { simple: true }), counts: countRows(db) }
    } finally { db.close() }
  }
  if (job.kind === 'finish-restore') {
    const db = new Database(job.path, { fileMustExist: true })
    try {
      db.pragma('foreign_keys = ON')
      db.transaction(() => {
        // Sessions belong to a device; the restore's log entries were chained by the main thread.
        db.prepare('DELETE FROM sessions').run()
      })()
      db.pragma('journal_mode = DELETE')
    } finally { db.close() }
    syncFile(job.path)
    return { ...standalone(job.path), ...hashFile(job.path) }
  }
  throw new Error('unknown job ' + job.kind)
}
parentPort.on('message', (job) => {
  run(job).then((value) => parentPort.postMessage({ ok: true, value }), (error) => parentPort.postMessage({ ok: false, message: String(error && error.message || error), code: error && error.code }))
})
`

/** The counts a manifest names (the contract's shape, shown as they are). */
export type StoreCounts = BackupCounts

export interface SnapshotFacts {
  schemaVersion: number
  counts: StoreCounts
  sha256: string
  bytes: number
}

export interface CheckFacts {
  problems: string[]
  schemaVersion: number
  counts: StoreCounts
}

export type WorkerJob =
  | { kind: 'snapshot'; source: string; target: string }
  | { kind: 'check'; path: string }
  | { kind: 'finish-restore'; path: string }

export class WorkerJobError extends Error {
  readonly code?: string
  constructor(message: string, code?: string) {
    super(message)
    this.name = 'WorkerJobError'
    this.code = code
  }
}

/** Runs one job in a worker thread of its own, which ends with it. */
export function runBackupWorkerJob(job: { kind: 'snapshot'; source: string; target: string }): Promise<SnapshotFacts>
export function runBackupWorkerJob(job: { kind: 'check'; path: string }): Promise<CheckFacts>
export function runBackupWorkerJob(job: { kind: 'finish-restore'; path: string }): Promise<SnapshotFacts>
export function runBackupWorkerJob(job: WorkerJob): Promise<unknown> {
  // In the packaged app better-sqlite3 is unpacked next to app.asar; workers cannot read asar.
  const betterSqlite3 = toUnpackedPath(createRequire(import.meta.url).resolve('better-sqlite3'), existsSync)
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { betterSqlite3 } })
  return new Promise((resolve, reject) => {
    worker.once('message', (answer: { ok: true; value: unknown } | { ok: false; message: string; code?: string }) => {
      void worker.terminate()
      if (answer.ok) resolve(answer.value)
      else reject(new WorkerJobError(answer.message, answer.code))
    })
    worker.once('error', (error) => reject(error))
    worker.once('exit', (code) => reject(new WorkerJobError(`The backup worker stopped (exit ${code})`)))
    worker.postMessage(job)
  })
}
