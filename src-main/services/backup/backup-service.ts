import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, existsSync, readdirSync } from 'node:fs'
import { chmod, link, mkdir, mkdtemp, open, rename, rm, unlink, writeFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { DATABASE_FILE_NAME, openDatabase, writeTransaction } from '../../db/database.ts'
import { insertSecurityLogEntry } from '../../db/repositories/security-log-repo.ts'
import { deriveSecurityLogMACKey, resealSecurityLogHeads } from '../audit/log-chain.ts'
import { latestSchemaVersion, migrateDatabase, readSchemaVersion } from '../../db/migrate.ts'
import { SecurityEventKind } from '../audit-service.ts'
import { ErrorCode, KeysteadError } from '../errors.ts'
import { createAesGcmSecretBox } from '../secret-box.ts'
import type { SecretBox } from '../secret-box.ts'
import { createSecretFileWriter } from '../secret-file.ts'
import { ageHeaderLength, agePayloadLength, createDecrypter, createEncrypter, describeAgeHeader } from './age.ts'
import type { BackupProtection, BackupUnlock } from './age.ts'
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  countsMatch,
  DATA_KEY_ENTRY,
  DATABASE_ENTRY,
  findManifestProblem,
  MANIFEST_ENTRY,
  MAX_MANIFEST_BYTES,
} from './backup-format.ts'
import type { BackupManifest } from './backup-format.ts'
import { runBackupWorkerJob } from './snapshot-worker.ts'
import { ChunkReader, parseTarHeader, TAR_BLOCK, tarEnd, tarHeader, tarPadding, TarFormatError } from './tar.ts'

export type BackupStage = 'snapshot' | 'encrypt' | 'write' | 'decrypt' | 'check' | 'migrate' | 'reseal' | 'swap'
export interface BackupProgress {
  stage: BackupStage
  /** 0..1 within the stage. */
  fraction: number
}
export type ProgressListener = (progress: BackupProgress) => void

const READ_CHUNK = 256 * 1024

/** fsync of a folder, so the renames of the swap survive a power loss (Windows cannot open a folder: skipped). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function backupError(reason: string, message: string, code: ErrorCode = ErrorCode.Validation, params?: Record<string, string | number>): KeysteadError {
  return new KeysteadError(code, message, { field: 'file', reason, params })
}

/** A 0700 work folder (snapshots, unpacked backups), removed afterwards. */
async function makeWorkDir(parent: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(parent, prefix))
  await chmod(dir, 0o700)
  return dir
}

function tarSize(manifestBytes: number, keyBytes: number, databaseBytes: number): number {
  const entry = (size: number): number => TAR_BLOCK + size + tarPadding(size).length
  return entry(manifestBytes) + entry(keyBytes) + entry(databaseBytes) + 2 * TAR_BLOCK
}

// ---------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------

export interface CreateBackupOptions {
  /** The live database (WAL); read through a connection of the worker's own. */
  databasePath: string
  /** A folder on the same disk for the snapshot while it is encrypted (the data folder). */
  workDir: string
  secretBox: SecretBox
  appVersion: string
  target: string
  protection: BackupProtection
  overwrite?: boolean
  onProgress?: ProgressListener
  now?: () => Date
}

/** The tar stream, pulled as the encryption needs it: the database file is read 256 KB at a time. */
function createArchiveStream(entries: { manifest: Uint8Array; dataKey: Uint8Array; databasePath: string; databaseBytes: number; mtimeSeconds: number }, onBytes: (bytes: number) => void): ReadableStream<Uint8Array> {
  let handle: FileHandle | null = null
  let phase: 'head' | 'database' | 'end' | 'done' = 'head'
  let sent = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (phase === 'head') {
        controller.enqueue(tarHeader(MANIFEST_ENTRY, entries.manifest.length, entries.mtimeSeconds))
        controller.enqueue(entries.manifest)
        controller.enqueue(tarPadding(entries.manifest.length))
        controller.enqueue(tarHeader(DATA_KEY_ENTRY, entries.dataKey.length, entries.mtimeSeconds))
        controller.enqueue(entries.dataKey)
        controller.enqueue(tarPadding(entries.dataKey.length))
        controller.enqueue(tarHeader(DATABASE_ENTRY, entries.databaseBytes, entries.mtimeSeconds))
        handle = await open(entries.databasePath, 'r')
        phase = 'database'
        return
      }
      if (phase === 'database') {
        const buffer = new Uint8Array(READ_CHUNK)
        const { bytesRead } = await handle!.read(buffer, 0, Math.min(READ_CHUNK, entries.databaseBytes - sent), null)
        if (bytesRead > 0) {
          sent += bytesRead
          onBytes(sent)
          controller.enqueue(buffer.subarray(0, bytesRead))
        }
        if (sent >= entries.databaseBytes || bytesRead === 0) {
          await handle!.close()
          handle = null
          if (sent !== entries.databaseBytes) throw new Error('The snapshot changed while it was being encrypted')
          phase = 'end'
        }
        return
      }
      if (phase === 'end') {
        controller.enqueue(tarPadding(entries.databaseBytes))
        controller.enqueue(tarEnd())
        phase = 'done'
        controller.close()
      }
    },
    async cancel() {
      await handle?.close()
    },
  })
}

/**
 * Writes an encrypted backup of the live store to `target` (0600, through a temporary file renamed
 * at the end: a crash never leaves a half file under the final name). Returns its manifest.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupManifest> {
  const progress = options.onProgress ?? (() => {})
  const now = options.now ?? (() => new Date())
  const writer = await createSecretFileWriter(options.target, { overwrite: options.overwrite })
  const workDir = await makeWorkDir(options.workDir, '.backup-')
  try {
    progress({ stage: 'snapshot', fraction: 0 })
    const snapshotPath = join(workDir, DATABASE_ENTRY)
    await writeFile(snapshotPath, '', { mode: 0o600 }) // SQLite fills the empty 0600 file
    const facts = await runBackupWorkerJob({ kind: 'snapshot', source: options.databasePath, target: snapshotPath })
    progress({ stage: 'snapshot', fraction: 1 })
    const createdAt = now()
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: options.appVersion,
      schemaVersion: facts.schemaVersion,
      createdAt: createdAt.toISOString(),
      counts: facts.counts,
      database: { file: DATABASE_ENTRY, bytes: facts.bytes, sha256: facts.sha256 },
      dataKey: { file: DATA_KEY_ENTRY, algorithm: 'aes-256-gcm' },
    }
    const dataKey = options.secretBox.exportDataKey()
    const archive = createArchiveStream(
      {
        manifest: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
        dataKey: Buffer.from(`${dataKey.toString('base64')}\n`, 'utf8'),
        databasePath: snapshotPath,
        databaseBytes: facts.bytes,
        mtimeSeconds: createdAt.getTime() / 1000,
      },
      (sent) => progress({ stage: 'encrypt', fraction: facts.bytes === 0 ? 1 : sent / facts.bytes }),
    )
    dataKey.fill(0)
    progress({ stage: 'encrypt', fraction: 0 })
    const encrypted = await createEncrypter(options.protection).encrypt(archive)
    for await (const chunk of encrypted as unknown as AsyncIterable<Uint8Array>) await writer.write(chunk)
    progress({ stage: 'write', fraction: 0 })
    await writer.commit()
    progress({ stage: 'write', fraction: 1 })
    return manifest
  } catch (error) {
    await writer.abort()
    throw error
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Unpack and verify
// ---------------------------------------------------------------------------------------------

export interface UnpackedBackup {
  manifest: BackupManifest
  dataKey: Buffer
  /** The database as it came out of the archive (SHA-256 checked). */
  databasePath: string
}

async function readHead(file: string): Promise<{ head: Uint8Array; size: number }> {
  let handle: FileHandle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw backupError(code === 'ENOENT' ? 'backup.fileMissing' : 'backup.fileUnreadable', code === 'ENOENT' ? `There is no file ${file}.` : `Cannot read ${file}: ${(error as Error).message}`, ErrorCode.Validation, { file })
  }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw backupError('backup.fileUnreadable', `${file} is not a file.`, ErrorCode.Validation, { file })
    const head = new Uint8Array(64 * 1024)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return { head: head.subarray(0, bytesRead), size: stats.size }
  } finally {
    await handle.close()
  }
}

/** Errors of typage's decryption, told apart (the file's size says whether it was cut short). */
function classifyDecryptError(error: unknown, unlock: BackupUnlock, facts: { size: number; headerBytes: number | null; expectedTar: number | null }): KeysteadError {
  const message = (error as Error)?.message ?? String(error)
  if (/no identity matched/.test(message)) {
    return unlock.kind === 'passphrase'
      ? backupError('backup.wrongPassphrase', 'The passphrase does not open this backup.', ErrorCode.InvalidCredentials)
      : backupError('backup.wrongIdentity', 'This backup key does not open this backup (it was made for another key).', ErrorCode.InvalidCredentials)
  }
  if (/work factor is too high/.test(message)) return backupError('backup.notKeystead', 'This file asks for an unreasonably expensive passphrase check; it was not made by Keystead.')
  const payload = facts.headerBytes === null ? 0 : facts.size - facts.headerBytes
  const expected = facts.expectedTar === null ? agePayloadLength(65536) + 1 : agePayloadLength(facts.expectedTar)
  if (facts.headerBytes === null || payload < expected) return backupError('backup.truncated', 'The backup file is cut short (incomplete copy or download). Nothing was changed.')
  return backupError('backup.altered', 'The backup file was altered or damaged after it was made (its authentication failed). Nothing was changed.')
}

/** Decrypts and unpacks a backup into `dir` (a 0700 folder), checking the archive and the SHA-256. */
export async function unpackBackup(file: string, unlock: BackupUnlock, dir: string, onProgress: ProgressListener = () => {}): Promise<UnpackedBackup> {
  const { head, size } = await readHead(file)
  const header = describeAgeHeader(head)
  if (header.kind === 'not-age') throw backupError('backup.notKeystead', 'This file is not a Keystead backup (it is not age-encrypted).')
  if (header.kind === 'passphrase' && unlock.kind === 'identity') throw backupError('backup.needsPassphrase', 'This backup is protected by a passphrase, not a backup key.')
  if (header.kind === 'recipients' && unlock.kind === 'passphrase') throw backupError('backup.needsIdentity', 'This backup was made for a backup key; give its identity file instead of a passphrase.')
  const facts = { size, headerBytes: ageHeaderLength(head), expectedTar: null as number | null }

  let manifest: BackupManifest | null = null
  let dataKey: Buffer | null = null
  const databasePath = join(dir, DATABASE_ENTRY)
  const input = Readable.toWeb(createReadStream(file, { highWaterMark: READ_CHUNK })) as unknown as ReadableStream<Uint8Array>
  onProgress({ stage: 'decrypt', fraction: 0 })
  let decrypted: AsyncIterable<Uint8Array>
  try {
    decrypted = (await createDecrypter(unlock).decrypt(input)) as unknown as AsyncIterable<Uint8Array>
  } catch (error) {
    if (/invalid header HMAC/.test((error as Error).message)) throw backupError('backup.altered', 'The backup file was altered or damaged after it was made (its header check failed). Nothing was changed.')
    if (/invalid (version|header|stanza)|non-ASCII|stream ended/.test((error as Error).message)) throw backupError('backup.notKeystead', 'This file is not a Keystead backup (its age header is damaged).')
    throw classifyDecryptError(error, unlock, facts)
  }
  // Errors from the decrypted stream are the encryption's; tar errors are the archive's.
  async function* guarded(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of decrypted) yield chunk
    } catch (error) {
      throw classifyDecryptError(error, unlock, facts)
    }
  }
  const reader = new ChunkReader(guarded())
  try {
    const first = parseTarHeader(await reader.readExactly(TAR_BLOCK))
    if (!first || first.name !== MANIFEST_ENTRY || first.size > MAX_MANIFEST_BYTES) throw new TarFormatError('no manifest first')
    const manifestBytes = await reader.readExactly(first.size)
    await reader.readExactly(tarPadding(first.size).length)
    let parsed: unknown
    try {
      parsed = JSON.parse(Buffer.from(manifestBytes).toString('utf8'))
    } catch {
      throw new TarFormatError('manifest is not JSON')
    }
    const problem = findManifestProblem(parsed)
    if (problem === 'formatTooNew') throw backupError('backup.formatTooNew', 'This backup was made by a newer Keystead (its format is newer). Update Keystead to restore it.')
    if (problem) throw new TarFormatError('manifest has the wrong shape')
    manifest = parsed as BackupManifest
    const latest = latestSchemaVersion()
    if (manifest.schemaVersion > latest) {
      throw backupError('backup.tooNew', `This backup was made by a newer Keystead ${manifest.appVersion} (schema ${manifest.schemaVersion}; this version knows up to ${latest}). Update Keystead to restore it.`, ErrorCode.Validation, { version: manifest.appVersion })
    }

    const keyHeader = parseTarHeader(await reader.readExactly(TAR_BLOCK))
    if (!keyHeader || keyHeader.name !== DATA_KEY_ENTRY || keyHeader.size > 256) throw new TarFormatError('no data key')
    facts.expectedTar = tarSize(first.size, keyHeader.size, manifest.database.bytes)
    dataKey = Buffer.from(Buffer.from(await reader.readExactly(keyHeader.size)).toString('utf8').trim(), 'base64')
    if (dataKey.length !== 32) throw new TarFormatError('data key is not 256 bits')
    await reader.readExactly(tarPadding(keyHeader.size).length)

    const dbHeader = parseTarHeader(await reader.readExactly(TAR_BLOCK))
    if (!dbHeader || dbHeader.name !== DATABASE_ENTRY || dbHeader.size !== manifest.database.bytes) throw new TarFormatError('no database of the manifest\'s size')
    const hash = createHash('sha256')
    const out = await open(databasePath, 'wx', 0o600)
    try {
      let written = 0
      await reader.pipeExactly(dbHeader.size, async (chunk) => {
        hash.update(chunk)
        await out.write(chunk)
        written += chunk.length
        onProgress({ stage: 'decrypt', fraction: dbHeader.size === 0 ? 1 : written / dbHeader.size })
      })
      await out.sync()
    } finally {
      await out.close()
    }
    await reader.readExactly(tarPadding(dbHeader.size).length)
    const end = await reader.readExactly(TAR_BLOCK)
    if (parseTarHeader(end) !== null || (await reader.hasTrailingData())) throw new TarFormatError('unexpected entries after the database')
    if (hash.digest('hex') !== manifest.database.sha256) {
      throw backupError('backup.checksumMismatch', 'The database inside the backup does not match its SHA-256 in the manifest; the backup is unusable.')
    }
  } catch (error) {
    dataKey?.fill(0)
    if (error instanceof TarFormatError) {
      throw backupError('backup.notKeystead', `This file is not a Keystead backup (${error.message}).`)
    }
    throw error
  }
  onProgress({ stage: 'decrypt', fraction: 1 })
  return { manifest, dataKey, databasePath }
}

export interface VerifiedBackup {
  manifest: BackupManifest
  /** The schema of this Keystead; a backup with an older one is migrated forward on restore. */
  currentSchemaVersion: number
  needsMigration: boolean
}

/** Runs `PRAGMA integrity_check` and compares schema and counts with the manifest (in a worker). */
async function checkUnpacked(unpacked: UnpackedBackup, onProgress: ProgressListener): Promise<VerifiedBackup> {
  onProgress({ stage: 'check', fraction: 0 })
  let check
  try {
    check = await runBackupWorkerJob({ kind: 'check', path: unpacked.databasePath })
  } catch (error) {
    throw backupError('backup.integrityFailed', `The database inside the backup is damaged: ${(error as Error).message}`)
  }
  if (check.problems.length > 0) throw backupError('backup.integrityFailed', `The database inside the backup is damaged: ${check.problems[0]}`)
  if (check.schemaVersion !== unpacked.manifest.schemaVersion || !countsMatch(check.counts, unpacked.manifest.counts)) {
    throw backupError('backup.inconsistent', 'The database inside the backup does not match its manifest; the backup is unusable.')
  }
  onProgress({ stage: 'check', fraction: 1 })
  const currentSchemaVersion = latestSchemaVersion()
  return { manifest: unpacked.manifest, currentSchemaVersion, needsMigration: unpacked.manifest.schemaVersion < currentSchemaVersion }
}

/** Decrypts, unpacks and checks a backup without restoring it; says what it holds or exactly why it is unusable. */
export async function verifyBackup(file: string, unlock: BackupUnlock, options: { workDir?: string; onProgress?: ProgressListener } = {}): Promise<VerifiedBackup> {
  const dir = await makeWorkDir(options.workDir ?? tmpdir(), 'keystead-verify-')
  try {
    const unpacked = await unpackBackup(file, unlock, dir, options.onProgress)
    unpacked.dataKey.fill(0)
    return await checkUnpacked(unpacked, options.onProgress ?? (() => {}))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------------------------

export const RESTORE_WORK_PREFIX = '.restore-'
export const BEFORE_RESTORE_SUFFIX = '.before-restore-'

/** Removes what an interrupted restore left in the data folder (its work folder; never the store). */
export async function cleanUpInterruptedRestore(dataDir: string): Promise<void> {
  if (!existsSync(dataDir)) return
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith(RESTORE_WORK_PREFIX) || name.startsWith('.backup-')) await rm(join(dataDir, name), { recursive: true, force: true })
  }
}

export interface RestoreOptions {
  file: string
  unlock: BackupUnlock
  dataDir: string
  /** This computer's secret box (made when the folder is new); every secret is re-sealed under it. */
  openSecretBox(): SecretBox
  /** Called just before the swap: the app closes its connection here. */
  beforeSwap?(): Promise<void> | void
  /** Where the restore came from, for the security log: 'cli' | 'app'. */
  origin: string
  onProgress?: ProgressListener
  now?: () => Date
}

export interface RestoreOutcome {
  manifest: BackupManifest
  migratedFrom: number | null
  schemaVersion: number
  sessionsEnded: number
  /** The store that was there before, when there was one (removed once the new one passed its checks). */
  replacedExisting: boolean
}

const RESEAL_SLICE = 500

/** Opens each sealed secret with the backup's data key and seals it under this computer's, a slice at a time. */
/**
 * The security logs of the restored store: every chain head re-authenticated under this computer's
 * data key (heads that verified under the backup's key only; a log altered before the backup stays
 * reported), then a "restored from a backup" entry appended to each account's chain through the one
 * insert path, a slice of accounts at a time (the event loop runs between slices).
 */
async function recordRestoreInLogs(path: string, from: SecretBox, to: SecretBox, entry: { at: number; detail: string }): Promise<void> {
  const db = openDatabase(path)
  try {
    resealSecurityLogHeads(db, to, { oldKey: from })
    const macKey = deriveSecurityLogMACKey(to)
    const select = db.prepare(`SELECT id FROM accounts WHERE id > ? ORDER BY id LIMIT ${RESEAL_SLICE}`).pluck()
    let after = 0
    for (;;) {
      const ids = select.all(after) as number[]
      if (ids.length === 0) break
      writeTransaction(db, () => {
        for (const id of ids) {
          insertSecurityLogEntry(db, { account_id: id, at: entry.at, kind: SecurityEventKind.BackupRestored, session_id: null, device: '', detail: entry.detail }, macKey)
        }
      })
      after = ids[ids.length - 1]!
      await yieldToLoop()
    }
  } finally {
    db.close()
  }
}

async function resealSecrets(path: string, from: SecretBox, to: SecretBox, onProgress: ProgressListener): Promise<void> {
  const db = openDatabase(path)
  try {
    const tables = [
      { table: 'two_factor', column: 'secret_sealed' },
      { table: 'api_keys', column: 'sealed_key' },
    ] as const
    const total = tables.reduce((sum, { table }) => sum + (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number), 0)
    let done = 0
    for (const { table, column } of tables) {
      const select = db.prepare(`SELECT account_id AS id, ${column} AS sealed FROM ${table} WHERE account_id > ? ORDER BY account_id LIMIT ${RESEAL_SLICE}`)
      const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE account_id = ?`)
      let after = 0
      for (;;) {
        const rows = select.all(after) as Array<{ id: number; sealed: Buffer }>
        if (rows.length === 0) break
        const resealed = rows.map((row) => {
          try {
            return { id: row.id, sealed: to.seal(from.open(row.sealed)) }
          } catch {
            throw backupError('backup.dataKeyMismatch', 'A secret inside the backup cannot be opened with the backup\'s data key; the backup is unusable.')
          }
        })
        // eslint-disable-next-line no-restricted-syntax -- the staged copy is this process's alone
        db.transaction(() => {
          for (const row of resealed) update.run(row.sealed, row.id)
        })()
        after = rows[rows.length - 1]!.id
        done += rows.length
        onProgress({ stage: 'reseal', fraction: total === 0 ? 1 : done / total })
        await yieldToLoop()
      }
    }
  } finally {
    db.close()
  }
}

/**
 * Turns the live store into a standalone file (its WAL checkpointed and gone) so that nothing of it
 * can be replayed onto the new file. Refused while another process holds the store open.
 */
function detachLiveStore(path: string): void {
  const db = openDatabase(path, { busyTimeoutMs: 2000 })
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
    const mode = db.pragma('journal_mode = DELETE', { simple: true }) as string
    if (mode !== 'delete') {
      throw new KeysteadError(ErrorCode.Conflict, 'Another Keystead (the app, the command line or the local API) is using this data; close it and try again. Nothing was changed.', { reason: 'backup.storeInUse' })
    }
  } catch (error) {
    if (error instanceof KeysteadError) throw error
    throw new KeysteadError(ErrorCode.Conflict, `Another Keystead is using this data (${(error as Error).message}); close it and try again. Nothing was changed.`, { reason: 'backup.storeInUse' })
  } finally {
    db.close()
  }
}

function stamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[:]/g, '-')
}

/**
 * Restores a backup into `dataDir`, empty or not. Everything is checked and prepared on a copy
 * first; the swap is one rename, with the old store kept under a dated name (a hard link) until
 * the new one has passed its checks. A crash at any moment leaves the old store or the new one.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreOutcome> {
  const progress = options.onProgress ?? (() => {})
  const now = options.now ?? (() => new Date())
  await cleanUpInterruptedRestore(options.dataDir)
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const workDir = await makeWorkDir(options.dataDir, RESTORE_WORK_PREFIX)
  try {
    const unpacked = await unpackBackup(options.file, options.unlock, workDir, progress)
    let verified: VerifiedBackup
    try {
      verified = await checkUnpacked(unpacked, progress)
    } catch (error) {
      unpacked.dataKey.fill(0)
      throw error
    }
    const staged = unpacked.databasePath

    progress({ stage: 'migrate', fraction: 0 })
    const stagedDb = openDatabase(staged)
    let migratedFrom: number | null = null
    try {
      const outcome = await migrateDatabase(stagedDb, { path: staged })
      if (outcome.applied.length > 0) migratedFrom = outcome.from
    } finally {
      stagedDb.close()
    }
    progress({ stage: 'migrate', fraction: 1 })

    try {
      const backupBox = createAesGcmSecretBox(unpacked.dataKey, 'key-file')
      const thisComputerBox = options.openSecretBox()
      await resealSecrets(staged, backupBox, thisComputerBox, progress)
      await recordRestoreInLogs(staged, backupBox, thisComputerBox, {
        at: now().getTime(),
        detail: JSON.stringify({ origin: options.origin, backupCreatedAt: verified.manifest.createdAt, appVersion: verified.manifest.appVersion }),
      })
    } finally {
      unpacked.dataKey.fill(0)
    }

    const finished = await runBackupWorkerJob({ kind: 'finish-restore', path: staged })

    progress({ stage: 'swap', fraction: 0 })
    await options.beforeSwap?.()
    const live = join(options.dataDir, DATABASE_FILE_NAME)
    const replacedExisting = existsSync(live)
    const kept = `${live}${BEFORE_RESTORE_SUFFIX}${stamp(now())}-${randomBytes(3).toString('hex')}`
    if (replacedExisting) {
      detachLiveStore(live)
      for (const extra of ['-wal', '-shm', '-journal']) await unlink(`${live}${extra}`).catch(() => {})
      await link(live, kept)
      await syncFolder(options.dataDir)
    }
    await rename(staged, live)
    await syncFolder(options.dataDir)

    // The new store's checks; on failure the old one goes back in place.
    try {
      const db = openDatabase(live)
      try {
        const problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check).filter((value) => value !== 'ok')
        if (problems.length > 0 || readSchemaVersion(db) !== finished.schemaVersion) throw new Error(problems[0] ?? 'schema version changed')
      } finally {
        db.close()
      }
    } catch (error) {
      if (replacedExisting) {
        await rename(kept, live)
        await syncFolder(options.dataDir)
      }
      throw new KeysteadError(ErrorCode.Internal, `The restored store failed its checks (${(error as Error).message}); the previous store is back in place.`, { reason: 'backup.restoreFailed' })
    }
    if (replacedExisting) await unlink(kept)
    progress({ stage: 'swap', fraction: 1 })
    return {
      manifest: verified.manifest,
      migratedFrom,
      schemaVersion: finished.schemaVersion,
      sessionsEnded: verified.manifest.counts.sessions,
      replacedExisting,
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}
