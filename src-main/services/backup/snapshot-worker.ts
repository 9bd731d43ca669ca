import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { BackupCounts } from '../../../src-preload/contract/backups.ts'
import { toUnpackedPath } from '../../db/database-worker.ts'

/**
 * The database work of a backup whose cost grows with the data, off the event loop: the snapshot
 * (SQLite's backup API on a connection of its own: one read transaction, so one consistent moment
 * of the live WAL database, never a file copy), its SHA-256, the counts, the age encryption and
 * decryption of every byte with the tar framing, `PRAGMA integrity_check`, the row counts a restore's
 * progress needs, and the restore's bulk edit (ending the sessions). The main thread only relays
 * progress and answers two small questions (the passphrase's stanza, where the database lies in the archive). Inline source (like the password hasher) so it
 * survives bundling; better-sqlite3 and age-encryption are loaded from the paths the main process resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createDecipheriv, createHash, hkdfSync } = require('node:crypto')
const { closeSync, constants, openSync, readSync, writeSync } = require('node:fs')
const Database = require(workerData.betterSqlite3)
const TABLES = { accounts: 'accounts', sessions: 'sessions', accessTokens: 'access_tokens', apiKeys: 'api_keys', sshKeys: 'ssh_keys', pictures: 'account_pictures', securityLog: 'security_log', twoFactorEnabled: 'two_factor' }
const READ_CHUNK = 1 << 18
// The manifest's counts read two_factor's enabled rows only; every other table whole.
const COUNT_WHERE = { two_factor: ' WHERE enabled_at IS NOT NULL' }
function countTable(db, present, table, where) {
  return present.has(table) ? db.prepare('SELECT count(*) FROM "' + table.replace(/"/g, '""') + '"' + (where || '')).pluck().get() : 0
}
function countRows(db) {
  const present = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all())
  const counts = {}
  for (const [key, table] of Object.entries(TABLES)) counts[key] = countTable(db, present, table, COUNT_WHERE[table])
  return { counts, present }
}
/**
 * Rows of each named table (0 when it is absent): what a restore goes through next, counted here, not on the main
 * thread. A table the manifest's counts already hold whole is not read again.
 */
function countTableRows(db, { counts, present }, tables) {
  const rows = {}
  for (const table of tables) {
    const key = Object.keys(TABLES).find((name) => TABLES[name] === table)
    rows[table] = key !== undefined && !COUNT_WHERE[table] ? counts[key] : countTable(db, present, table)
  }
  return rows
}
function hashFile(path) {
  const hash = createHash('sha256')
  const fd = openSync(path, 'r')
  const buffer = Buffer.allocUnsafe(READ_CHUNK)
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
function writeAll(fd, bytes) { let at = 0; while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at) }
// Answers of the main thread to this worker's questions ('wrap', 'head'), in order.
let answer = null
function ask(message) { return new Promise((resolve) => { answer = resolve; parentPort.postMessage(message) }) }
let reported = -1
function progress(stage, fraction) {
  if (fraction < 1 && fraction - reported < 0.01) return
  reported = fraction >= 1 ? -1 : fraction
  parentPort.postMessage({ type: 'progress', stage, fraction })
}
/**
 * Every chunk this thread encrypts or decrypts leaves a buffer behind, held outside V8's heap: V8
 * collects them only once tens of megabytes of them have piled up, and the process's memory would
 * grow by that much. A minor collection (young objects only: these buffers) after every 2 MB keeps it
 * flat. The gc function is taken the way jest's leak detector takes it: the flag is set only for the
 * moment a context is made for it (Node and Electron leave V8's flags unfrozen for setFlagsFromString).
 * Should that ever fail, the work goes on without it (only the memory figure suffers).
 */
const collectYoungGarbage = (() => {
  const v8 = require('node:v8')
  try {
    v8.setFlagsFromString('--expose-gc')
    const gc = require('node:vm').runInNewContext('gc')
    return typeof gc === 'function' ? () => gc({ type: 'minor' }) : () => {}
  } catch {
    return () => {}
  } finally {
    v8.setFlagsFromString('--no-expose-gc')
  }
})()
let bytesSinceCollection = 0
function released(bytes) {
  bytesSinceCollection += bytes
  if (bytesSinceCollection < 2 * 1024 * 1024) return
  bytesSinceCollection = 0
  collectYoungGarbage()
}
function failure(code, message) { const error = new Error(message); error.code = code; return error }

/** Snapshot: one read transaction of the live database (one step), then standalone, counted, hashed. */
async function snapshot(job) {
  const source = new Database(job.source, { readonly: true, fileMustExist: true, timeout: 10000 })
  try {
    // The copy streams page by page: a small cache is enough (the driver's default is 16 MB).
    source.pragma('cache_size = -2000')
    await source.backup(job.target, { progress: () => 1e9 })
  } finally { source.close() }
  const db = new Database(job.target)
  let facts
  try {
    db.pragma('journal_mode = DELETE')
    facts = { schemaVersion: db.pragma('user_version', { simple: true }), counts: countRows(db).counts }
  } finally { db.close() }
  // Not synced: a work file read back at once and removed (a crash makes the backup fail; only the backup file is synced).
  return { ...facts, ...hashFile(job.target) }
}

/** Backup: the snapshot, then (once the main thread framed the archive around its facts) its encryption. One thread. */
async function backup(job) {
  const facts = await snapshot({ source: job.source, target: job.snapshot })
  const frame = await ask({ type: 'facts', facts })
  if (frame.stop) return { stopped: true }
  try {
    await encrypt({ head: frame.head, tail: frame.tail, database: job.snapshot, databaseBytes: facts.bytes, target: job.target, recipients: job.recipients })
  } finally { frame.head.fill(0) } // it holds the data key
  return facts
}

/**
 * Encrypt: head + the snapshot's bytes + tail through typage (age), written to the secret file's
 * temporary file (made 0600 by the main thread; opened here without following links).
 * A passphrase recipient's file key is wrapped by the main thread (its scrypt runs in the thread pool).
 */
async function encrypt(job) {
  const age = await import(workerData.ageEncryption)
  const encrypter = new age.Encrypter()
  if (job.recipients) for (const recipient of job.recipients) encrypter.addRecipient(recipient)
  else encrypter.addRecipient({ async wrapFileKey(fileKey) { const reply = await ask({ type: 'wrap', fileKey }); return reply.stanzas.map((s) => new age.Stanza(s.args, s.body)) } })
  const input = openSync(job.database, 'r')
  const output = openSync(job.target, constants.O_WRONLY | (constants.O_NOFOLLOW || 0))
  try {
    let phase = 'head'
    let sent = 0
    const archive = new ReadableStream({
      pull(controller) {
        if (phase === 'head') { controller.enqueue(job.head); phase = 'database'; return }
        if (phase === 'database' && sent < job.databaseBytes) {
          const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, job.databaseBytes - sent))
          const n = readSync(input, chunk, 0, chunk.length, sent)
          if (n === 0) throw new Error('The snapshot changed while it was being encrypted')
          sent += n
          controller.enqueue(chunk.subarray(0, n))
          progress('encrypt', sent / job.databaseBytes)
          return
        }
        controller.enqueue(job.tail)
        controller.close()
      },
    })
    const reader = (await encrypter.encrypt(archive)).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      writeAll(output, value)
      released(value.length)
    }
    progress('encrypt', 1)
  } finally { closeSync(input); closeSync(output) }
  return { ok: true }
}

const CHUNK = 65536
const TAG = 16
/** The payload of an age file (STREAM, ChaCha20-Poly1305 in 64 KiB chunks), decrypted one chunk at a time. */
function* decryptPayload(fd, fileKey, start, size) {
  const nonce = Buffer.alloc(16)
  if (size < 16 + TAG || readSync(fd, nonce, 0, 16, start) !== 16) throw failure('truncated', 'the payload is missing')
  const key = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32))
  const chunkNonce = Buffer.alloc(12)
  const sealed = Buffer.allocUnsafe(CHUNK + TAG)
  let position = start + 16
  const end = start + size
  for (let counter = 0; position < end; counter++) {
    const length = Math.min(CHUNK + TAG, end - position)
    if (readSync(fd, sealed, 0, length, position) !== length) throw failure('truncated', 'the file is shorter than it was')
    position += length
    const last = position === end
    if (length <= TAG) throw failure('auth', 'a chunk is too short')
    chunkNonce.writeUIntBE(Math.floor(counter / 2 ** 32), 1, 6)
    chunkNonce.writeUInt32BE(counter >>> 0, 7)
    chunkNonce[11] = last ? 1 : 0
    const decipher = createDecipheriv('chacha20-poly1305', key, chunkNonce, { authTagLength: TAG })
    decipher.setAuthTag(sealed.subarray(length - TAG, length))
    let plain
    try {
      plain = decipher.update(sealed.subarray(0, length - TAG))
      decipher.final() // checks the tag; ChaCha20-Poly1305 has no bytes left over
    } catch { throw failure('auth', 'a chunk failed its authentication') }
    if (last && plain.length === 0 && counter > 0) throw failure('auth', 'the final chunk is empty')
    yield { plain, fraction: (position - start) / size }
    released(plain.length)
  }
}

/**
 * Unpack: decrypts the payload (the main thread unwrapped the file key from the header), hands
 * the first 64 KiB to the main thread (which reads the manifest and says where the database lies),
 * writes and hashes the database in the same pass, checks that only zero bytes follow, then runs
 * integrity_check, the schema version and the counts on it. One pass over the file.
 */
async function unpack(job) {
  const input = openSync(job.file, 'r')
  let output = null
  try {
    const hash = createHash('sha256')
    let place = null // { start, bytes, sha256 } once the main thread read the head
    let head = []
    let headBytes = 0
    let offset = 0 // of the plaintext
    let written = 0
    let trailingBytes = 0
    let trailingNonZero = false
    const consume = (plain) => {
      const from = offset
      offset += plain.length
      const dbFrom = Math.max(from, place.start)
      const dbTo = Math.min(offset, place.start + place.bytes)
      if (dbTo > dbFrom) {
        const part = plain.subarray(dbFrom - from, dbTo - from)
        hash.update(part)
        writeAll(output, part)
        written += part.length
      }
      const afterFrom = Math.max(from, place.start + place.bytes)
      if (offset > afterFrom) {
        const rest = plain.subarray(afterFrom - from)
        trailingBytes += rest.length
        if (!trailingNonZero && rest.some((byte) => byte !== 0)) trailingNonZero = true
      }
    }
    for (const { plain, fraction } of decryptPayload(input, job.fileKey, job.payloadStart, job.payloadBytes)) {
      if (place === null) {
        head.push(plain)
        headBytes += plain.length
        if (headBytes < CHUNK && fraction < 1) continue
        const reply = await ask({ type: 'head', bytes: Buffer.concat(head) })
        if (reply.stop) return { stopped: true }
        place = reply
        output = openSync(job.out, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW || 0), 0o600)
        for (const part of head) consume(part)
        head = null
      } else consume(plain)
      progress('decrypt', fraction)
    }
    if (place === null) throw failure('truncated', 'the payload is empty')
    // No fsync: a verified copy is thrown away, and a restore syncs its staged copy once, after its edits, before the swap.
    closeSync(output)
    output = null
    const sha256 = hash.digest('hex')
    const facts = { sha256, written, trailingBytes, trailingNonZero }
    if (written !== place.bytes || sha256 !== place.sha256 || trailingNonZero) return facts
    progress('check', 0)
    const db = new Database(job.out, { readonly: true, fileMustExist: true })
    let checked
    try {
      const problems = db.pragma('integrity_check').map((row) => row.integrity_check).filter((value) => value !== 'ok')
      const counted = countRows(db)
      checked = { ...facts, problems, schemaVersion: db.pragma('user_version', { simple: true }), counts: counted.counts, tableRows: countTableRows(db, counted, job.countTables || []) }
    } finally { db.close() }
    progress('check', 1)
    // A restore's first edit, once every check passed (the main thread checks the same facts again).
    const passed = checked.problems.length === 0 && checked.schemaVersion === place.schemaVersion && Object.keys(TABLES).every((key) => checked.counts[key] === place.counts[key])
    if (job.endSessions && passed) endSessions(job.out)
    return { ...checked, sessionsEnded: Boolean(job.endSessions && passed) }
  } finally {
    closeSync(input)
    if (output !== null) closeSync(output)
  }
}

/**
 * The restore's bulk edit of the staged copy: every session ends (sessions belong to a device).
 * SQLite empties a table at once (its pages freed, not a row at a time) only when no trigger and no
 * foreign-key check runs for the DELETE: the per-row count triggers are set aside and put back as
 * they were in the same transaction, and foreign keys are off on this connection (sessions are only
 * a child table: deleting them cannot break a reference; the copy passed integrity_check just before).
 * Freed pages are zeroed (secure_delete, as the app's connections do). The copy is this restore's
 * alone and thrown away on any failure, so no rollback journal and no sync (the restore syncs the
 * file once before the swap).
 */
function endSessions(path) {
  const db = new Database(path, { fileMustExist: true })
  try {
    db.pragma('cache_size = -2000') // one DELETE and one UPDATE: the driver's 16 MB default would only cost memory
    db.pragma('foreign_keys = OFF')
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    db.pragma('secure_delete = ON')
    db.transaction(() => {
      const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'sessions'").all()
      for (const trigger of triggers) db.exec('DROP TRIGGER "' + trigger.name.replace(/"/g, '""') + '"')
      db.prepare('DELETE FROM sessions').run()
      const columns = db.prepare("SELECT name FROM pragma_table_info('accounts')").pluck().all()
      if (columns.includes('session_count')) db.prepare('UPDATE accounts SET session_count = 0 WHERE session_count <> 0').run()
      for (const trigger of triggers) db.exec(trigger.sql)
    })()
  } finally { db.close() }
}

function run(job) {
  if (job.kind === 'backup') return backup(job)
  if (job.kind === 'unpack') return unpack(job)
  throw new Error('unknown job ' + job.kind)
}
let started = false
parentPort.on('message', (message) => {
  if (started) { const resolve = answer; answer = null; if (resolve) resolve(message); return }
  started = true
  Promise.resolve().then(() => run(message)).then(
    (value) => parentPort.postMessage({ type: 'done', ok: true, value }),
    (error) => parentPort.postMessage({ type: 'done', ok: false, message: String((error && error.message) || error), code: error && error.code }),
  )
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

/** What unpacking found: the database's hash and what followed it, and (when those match) its checks. */
export interface UnpackFacts {
  sha256: string
  written: number
  trailingBytes: number
  trailingNonZero: boolean
  problems?: string[]
  schemaVersion?: number
  counts?: StoreCounts
  /** unpack with `endSessions`: every check passed and the sessions were deleted. */
  sessionsEnded?: boolean
  /** The rows of each table of the job's `countTables` (0 when absent), counted with the checks. */
  tableRows?: Record<string, number>
}

/** Where the database lies in the archive, as the main thread read it from the head. */
export interface DatabasePlace {
  start: number
  bytes: number
  sha256: string
  /** The manifest's facts the checks must find. */
  schemaVersion: number
  counts: StoreCounts
}

export type WorkerJob =
  | { kind: 'backup'; source: string; snapshot: string; target: string; recipients: readonly string[] | null }
  | { kind: 'unpack'; file: string; fileKey: Uint8Array; payloadStart: number; payloadBytes: number; out: string; endSessions: boolean; countTables: readonly string[] }

/** What the worker asks of the main thread while it runs a job. */
export interface WorkerQuestions {
  onProgress?(stage: 'encrypt' | 'decrypt' | 'check', fraction: number): void
  /** backup: the tar head (manifest, data key, the database's header) and tail around the snapshot of these facts. */
  frameArchive?(facts: SnapshotFacts): Promise<{ head: Uint8Array; tail: Uint8Array }>
  /** backup with a passphrase: the stanzas that wrap this file key. */
  wrapFileKey?(fileKey: Uint8Array): Promise<Array<{ args: string[]; body: Uint8Array }>>
  /** unpack: the first 64 KiB of the archive; where the database is (a throw stops the worker). */
  placeDatabase?(head: Uint8Array): Promise<DatabasePlace>
}

export class WorkerJobError extends Error {
  readonly code?: string
  constructor(message: string, code?: string) {
    super(message)
    this.name = 'WorkerJobError'
    this.code = code
  }
}

type WorkerMessage =
  | { type: 'progress'; stage: 'encrypt' | 'decrypt' | 'check'; fraction: number }
  | { type: 'wrap'; fileKey: Uint8Array }
  | { type: 'facts'; facts: SnapshotFacts }
  | { type: 'head'; bytes: Uint8Array }
  | { type: 'done'; ok: true; value: unknown }
  | { type: 'done'; ok: false; message: string; code?: string }

let modulePaths: { betterSqlite3: string; ageEncryption: string } | null = null
/** In the packaged app both are unpacked next to app.asar (electron-builder.config.ts); workers load them from disk. */
function resolveModules(): { betterSqlite3: string; ageEncryption: string } {
  const require = createRequire(import.meta.url)
  modulePaths ??= {
    betterSqlite3: toUnpackedPath(require.resolve('better-sqlite3'), existsSync),
    ageEncryption: pathToFileURL(toUnpackedPath(require.resolve('age-encryption'), existsSync)).href,
  }
  return modulePaths
}

/** Runs one job in a worker thread of its own, which ends with it; answers its questions meanwhile. */
export function runBackupWorkerJob(job: Extract<WorkerJob, { kind: 'backup' }>, questions?: WorkerQuestions): Promise<SnapshotFacts | { stopped: true }>
export function runBackupWorkerJob(job: Extract<WorkerJob, { kind: 'unpack' }>, questions?: WorkerQuestions): Promise<UnpackFacts | { stopped: true }>
export function runBackupWorkerJob(job: WorkerJob, questions: WorkerQuestions = {}): Promise<unknown> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: resolveModules(), resourceLimits: { maxYoungGenerationSizeMb: 4 } })
  return new Promise((resolve, reject) => {
    let settled = false
    const finish = (error: Error | null, value?: unknown): void => {
      if (settled) return
      settled = true
      void worker.terminate()
      if (error) reject(error)
      else resolve(value)
    }
    const answer = (work: () => Promise<unknown>): void => {
      work().then(
        (reply) => worker.postMessage(reply),
        (error: Error) => {
          worker.postMessage({ stop: true })
          finish(error)
        },
      )
    }
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') questions.onProgress?.(message.stage, message.fraction)
      else if (message.type === 'wrap') answer(async () => ({ stanzas: await questions.wrapFileKey!(message.fileKey) }))
      else if (message.type === 'head') answer(() => questions.placeDatabase!(message.bytes))
      else if (message.type === 'facts') answer(() => questions.frameArchive!(message.facts))
      else if (message.ok) finish(null, message.value)
      else finish(new WorkerJobError(message.message, message.code))
    })
    worker.once('error', (error) => finish(error))
    worker.once('exit', (code) => finish(new WorkerJobError(`The backup worker stopped (exit ${code})`)))
    worker.postMessage(job)
  })
}
