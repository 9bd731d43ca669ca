import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { chmod, link, mkdtemp, open, rename, rm, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DATABASE_FILE_NAME, openDatabase, openStagedDatabase, writeTransaction } from '../../db/database.ts'
import { prepareDataFolder } from '../../db/data-folder.ts'
import type { DB } from '../../db/database.ts'
import { insertSecurityLogEntries } from '../../db/repositories/security-log-repo.ts'
import { deriveSecurityLogMACKey, resealSecurityLogHeads } from '../audit/log-chain.ts'
import { repeatInSlices } from '../slices.ts'
import { latestSchemaVersion, migrateDatabase, readSchemaVersion } from '../../db/migrate.ts'
import { SecurityEventKind } from '../audit-service.ts'
import { ErrorCode, KeysteadError } from '../errors.ts'
import { createAesGcmSecretBox } from '../secret-box.ts'
import type { SecretBox } from '../secret-box.ts'
import { createSecretFileWriter, removeStaleTemporaryFiles, writeSecretFile } from '../secret-file.ts'
import { ageHeaderLength, agePayloadLength, createDecrypter, createScryptRecipient, describeAgeHeader } from './age.ts'
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
import { runBackupWorkerJob, WorkerJobError } from './snapshot-worker.ts'
import type { DatabasePlace, UnpackFacts } from './snapshot-worker.ts'
import { ChunkReader, parseTarHeader, TAR_BLOCK, tarEnd, tarHeader, tarPadding, TarFormatError } from './tar.ts'

export type BackupStage = 'snapshot' | 'encrypt' | 'write' | 'decrypt' | 'check' | 'migrate' | 'reseal' | 'swap'
export interface BackupProgress {
  stage: BackupStage
  /** 0..1 within the stage. */
  fraction: number
}
export type ProgressListener = (progress: BackupProgress) => void


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

/** fsync of one file (in the thread pool). */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
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
  /**
   * Which earlier backups' temporary files a crash may have left next to `target` (scheduled backups:
   * any dated name); by default those of `target`'s own name. See removeStaleTemporaryFiles.
   */
  staleTargetNames?: RegExp
  onProgress?: ProgressListener
  now?: () => Date
}

/** The passphrase's stanza for the worker's file key (the scrypt runs in Node's thread pool, see age.ts). */
function wrapperOf(protection: BackupProtection): ((fileKey: Uint8Array) => Promise<Array<{ args: string[]; body: Uint8Array }>>) | undefined {
  if (protection.kind !== 'passphrase') return undefined
  const recipient = createScryptRecipient(protection.passphrase, protection.scryptLogN)
  return async (fileKey) => (await recipient.wrapFileKey(fileKey)).map((stanza) => ({ args: stanza.args, body: stanza.body }))
}

/** The tar head: the manifest, the data key (the only copy outside the keyring, inside the encryption), the database's header. */
function archiveHead(manifest: BackupManifest, secretBox: SecretBox, createdAt: Date): Buffer {
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8')
  const dataKey = secretBox.exportDataKey()
  const dataKeyBytes = Buffer.from(`${dataKey.toString('base64')}\n`, 'utf8')
  dataKey.fill(0)
  const mtimeSeconds = createdAt.getTime() / 1000
  const head = Buffer.concat([
    tarHeader(MANIFEST_ENTRY, manifestBytes.length, mtimeSeconds),
    manifestBytes,
    tarPadding(manifestBytes.length),
    tarHeader(DATA_KEY_ENTRY, dataKeyBytes.length, mtimeSeconds),
    dataKeyBytes,
    tarPadding(dataKeyBytes.length),
    tarHeader(DATABASE_ENTRY, manifest.database.bytes, mtimeSeconds),
  ])
  dataKeyBytes.fill(0)
  return head
}

/**
 * Writes an encrypted backup of the live store to `target` (0600, through a temporary file renamed
 * at the end: a crash never leaves a half file under the final name). Returns its manifest.
 * Every byte is read, hashed, framed and encrypted on worker threads; this thread builds the small
 * tar head (manifest, data key) and relays progress, so its event loop and memory stay flat.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupManifest> {
  const progress = options.onProgress ?? (() => {})
  const now = options.now ?? (() => new Date())
  await removeStaleTemporaryFiles(options.target, { targetName: options.staleTargetNames })
  const writer = await createSecretFileWriter(options.target, { overwrite: options.overwrite })
  const workDir = await makeWorkDir(options.workDir, '.backup-')
  try {
    progress({ stage: 'snapshot', fraction: 0 })
    const snapshotPath = join(workDir, DATABASE_ENTRY)
    await writeSecretFile(snapshotPath, '') // SQLite fills the empty 0600 file (the one writer: O_EXCL|O_NOFOLLOW, fsynced)
    let manifest: BackupManifest | null = null
    let head: Buffer | null = null
    const result = await runBackupWorkerJob(
      { kind: 'backup', source: options.databasePath, snapshot: snapshotPath, target: writer.tempPath, recipients: options.protection.kind === 'recipients' ? options.protection.recipients : null },
      {
        onProgress: (stage, fraction) => progress({ stage: stage as BackupStage, fraction }),
        wrapFileKey: wrapperOf(options.protection),
        async frameArchive(facts) {
          progress({ stage: 'snapshot', fraction: 1 })
          const createdAt = now()
          manifest = {
            format: BACKUP_FORMAT,
            formatVersion: BACKUP_FORMAT_VERSION,
            appVersion: options.appVersion,
            schemaVersion: facts.schemaVersion,
            createdAt: createdAt.toISOString(),
            counts: facts.counts,
            database: { file: DATABASE_ENTRY, bytes: facts.bytes, sha256: facts.sha256 },
            dataKey: { file: DATA_KEY_ENTRY, algorithm: 'aes-256-gcm' },
          }
          progress({ stage: 'encrypt', fraction: 0 })
          head = archiveHead(manifest, options.secretBox, createdAt)
          return { head, tail: Buffer.concat([tarPadding(facts.bytes), tarEnd()]) }
        },
      },
    ).finally(() => (head as Buffer | null)?.fill(0)) // the worker has its copy; this one holds the data key
    if (!manifest || 'stopped' in result) throw new Error('The backup worker stopped before the archive was written')
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
  /** The rows of each table unpackBackup was asked to count (`countTables`), counted by the worker. */
  tableRows: Record<string, number>
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

/** The age header's error, told apart (damaged header, altered header, wrong key). */
function classifyHeaderError(error: unknown, unlock: BackupUnlock, facts: { size: number; headerBytes: number | null; expectedTar: number | null }): KeysteadError {
  const message = (error as Error)?.message ?? String(error)
  if (/invalid header HMAC/.test(message)) return backupError('backup.altered', 'The backup file was altered or damaged after it was made (its header check failed). Nothing was changed.')
  if (/invalid (version|header|stanza)|non-ASCII|stream ended|unexpected/.test(message)) return backupError('backup.notKeystead', 'This file is not a Keystead backup (its age header is damaged).')
  return classifyDecryptError(error, unlock, facts)
}

/** Reads the manifest and the data key from the archive's first bytes; says where the database lies. */
async function readArchiveHead(head: Uint8Array): Promise<{ manifest: BackupManifest; dataKey: Buffer; place: DatabasePlace; tarBytes: number }> {
  async function* once(): AsyncGenerator<Uint8Array> {
    yield head
  }
  const reader = new ChunkReader(once())
  let dataKey: Buffer | null = null
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
    const manifest = parsed as BackupManifest
    const latest = latestSchemaVersion()
    if (manifest.schemaVersion > latest) {
      throw backupError('backup.tooNew', `This backup was made by a newer Keystead ${manifest.appVersion} (schema ${manifest.schemaVersion}; this version knows up to ${latest}). Update Keystead to restore it.`, ErrorCode.Validation, { version: manifest.appVersion })
    }
    const keyHeader = parseTarHeader(await reader.readExactly(TAR_BLOCK))
    if (!keyHeader || keyHeader.name !== DATA_KEY_ENTRY || keyHeader.size > 256) throw new TarFormatError('no data key')
    dataKey = Buffer.from(Buffer.from(await reader.readExactly(keyHeader.size)).toString('utf8').trim(), 'base64')
    if (dataKey.length !== 32) throw new TarFormatError('data key is not 256 bits')
    await reader.readExactly(tarPadding(keyHeader.size).length)
    const dbHeader = parseTarHeader(await reader.readExactly(TAR_BLOCK))
    if (!dbHeader || dbHeader.name !== DATABASE_ENTRY || dbHeader.size !== manifest.database.bytes) throw new TarFormatError('no database of the manifest\'s size')
    const start = 3 * TAR_BLOCK + first.size + tarPadding(first.size).length + keyHeader.size + tarPadding(keyHeader.size).length
    return {
      manifest,
      dataKey,
      place: { start, bytes: dbHeader.size, sha256: manifest.database.sha256, schemaVersion: manifest.schemaVersion, counts: manifest.counts },
      tarBytes: tarSize(first.size, keyHeader.size, manifest.database.bytes),
    }
  } catch (error) {
    dataKey?.fill(0)
    if (error instanceof TarFormatError) {
      // The head is the archive's first 64 KiB, or all of it (authenticated as complete by age's last chunk).
      throw backupError('backup.notKeystead', `This file is not a Keystead backup (${error.message}).`)
    }
    throw error
  }
}

/**
 * Decrypts and unpacks a backup into `dir` (a 0700 folder) and checks it fully: the archive, the
 * SHA-256, `PRAGMA integrity_check`, the schema version and the counts against the manifest.
 * The header is opened here (typage's `decryptHeader`: small); the payload is decrypted, hashed,
 * written and checked in one pass on a worker thread.
 */
export async function unpackBackup(
  file: string,
  unlock: BackupUnlock,
  dir: string,
  onProgress: ProgressListener = () => {},
  options: {
    /** A restore: once every check passed, the sessions of the copy are deleted (they belong to a device). */
    endSessions?: boolean
    /** Tables whose rows the worker counts with its checks (a whole-table count grows with the data: never on the main thread). */
    countTables?: readonly string[]
  } = {},
): Promise<UnpackedBackup & VerifiedBackup> {
  const { head, size } = await readHead(file)
  const header = describeAgeHeader(head)
  if (header.kind === 'not-age') throw backupError('backup.notKeystead', 'This file is not a Keystead backup (it is not age-encrypted).')
  if (header.kind === 'passphrase' && unlock.kind === 'identity') throw backupError('backup.needsPassphrase', 'This backup is protected by a passphrase, not a backup key.')
  if (header.kind === 'recipients' && unlock.kind === 'passphrase') throw backupError('backup.needsIdentity', 'This backup was made for a backup key; give its identity file instead of a passphrase.')
  const headerBytes = ageHeaderLength(head)
  const facts = { size, headerBytes, expectedTar: null as number | null }
  if (headerBytes === null) throw backupError('backup.notKeystead', 'This file is not a Keystead backup (its age header is damaged).')
  onProgress({ stage: 'decrypt', fraction: 0 })
  let fileKey: Uint8Array
  try {
    fileKey = await createDecrypter(unlock).decryptHeader(head.subarray(0, headerBytes))
  } catch (error) {
    throw classifyHeaderError(error, unlock, facts)
  }

  type ArchiveHead = Awaited<ReturnType<typeof readArchiveHead>>
  const read: { archive: ArchiveHead | null } = { archive: null }
  const databasePath = join(dir, DATABASE_ENTRY)
  let found: UnpackFacts | { stopped: true }
  try {
    found = await runBackupWorkerJob(
      { kind: 'unpack', file, fileKey, payloadStart: headerBytes, payloadBytes: size - headerBytes, out: databasePath, endSessions: options.endSessions ?? false, countTables: options.countTables ?? [] },
      {
        onProgress: (stage, fraction) => onProgress({ stage, fraction }),
        async placeDatabase(bytes) {
          read.archive = await readArchiveHead(bytes)
          facts.expectedTar = read.archive.tarBytes
          return read.archive.place
        },
      },
    )
  } catch (error) {
    read.archive?.dataKey.fill(0)
    if (error instanceof KeysteadError) throw error
    if (error instanceof WorkerJobError && error.code === 'truncated') throw backupError('backup.truncated', 'The backup file is cut short (incomplete copy or download). Nothing was changed.')
    if (error instanceof WorkerJobError && error.code === 'auth') throw classifyDecryptError(new Error('authentication failed'), unlock, facts)
    throw backupError('backup.integrityFailed', `The database inside the backup is damaged: ${(error as Error).message}`)
  } finally {
    fileKey.fill(0)
  }
  const unpacked = read.archive
  if (!unpacked || 'stopped' in found) throw backupError('backup.notKeystead', 'This file is not a Keystead backup.')
  try {
    const { manifest } = unpacked
    if (found.trailingNonZero || found.trailingBytes < tarPadding(manifest.database.bytes).length + TAR_BLOCK) {
      throw backupError('backup.notKeystead', 'This file is not a Keystead backup (unexpected entries after the database).')
    }
    if (found.written !== manifest.database.bytes || found.sha256 !== manifest.database.sha256) {
      throw backupError('backup.checksumMismatch', 'The database inside the backup does not match its SHA-256 in the manifest; the backup is unusable.')
    }
    if (found.problems!.length > 0) throw backupError('backup.integrityFailed', `The database inside the backup is damaged: ${found.problems![0]}`)
    if (found.schemaVersion !== manifest.schemaVersion || !countsMatch(found.counts!, manifest.counts)) {
      throw backupError('backup.inconsistent', 'The database inside the backup does not match its manifest; the backup is unusable.')
    }
    if (options.endSessions && !found.sessionsEnded) throw new Error('The sessions of the restored copy were not ended')
    const currentSchemaVersion = latestSchemaVersion()
    return { manifest, dataKey: unpacked.dataKey, databasePath, tableRows: found.tableRows ?? {}, currentSchemaVersion, needsMigration: manifest.schemaVersion < currentSchemaVersion }
  } catch (error) {
    unpacked.dataKey.fill(0)
    throw error
  }
}

export interface VerifiedBackup {
  manifest: BackupManifest
  /** The schema of this Keystead; a backup with an older one is migrated forward on restore. */
  currentSchemaVersion: number
  needsMigration: boolean
}

/** Decrypts, unpacks and checks a backup without restoring it; says what it holds or exactly why it is unusable. */
export async function verifyBackup(file: string, unlock: BackupUnlock, options: { workDir?: string; onProgress?: ProgressListener } = {}): Promise<VerifiedBackup> {
  const dir = await makeWorkDir(options.workDir ?? tmpdir(), 'keystead-verify-')
  try {
    const unpacked = await unpackBackup(file, unlock, dir, options.onProgress)
    unpacked.dataKey.fill(0)
    return { manifest: unpacked.manifest, currentSchemaVersion: unpacked.currentSchemaVersion, needsMigration: unpacked.needsMigration }
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
  /** Told when the data folder was readable by others and is now 0700 (see prepareDataFolder). */
  warn?(message: string): void
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

/**
 * The security logs of the restored store, a slice of accounts at a time (one short transaction each,
 * the event loop runs between slices): every chain head re-authenticated under this computer's data
 * key (heads that verified under the backup's key only; a log altered before the backup stays
 * reported), then a "restored from a backup" entry appended to each account's chain through the one
 * insert path.
 */
async function recordRestoreInLogs(db: DB, from: SecretBox, to: SecretBox, entry: { at: number; detail: string }): Promise<void> {
  {
    const macKey = deriveSecurityLogMACKey(to)
    const select = db.prepare('SELECT id FROM accounts WHERE id > ? ORDER BY id LIMIT ?').pluck()
    let after = 0
    await repeatInSlices((limit) => {
      const ids = select.all(after, limit) as number[]
      if (ids.length === 0) return 0
      writeTransaction(db, () => {
        resealSecurityLogHeads(db, to, { oldKey: from, accountIds: ids })
        insertSecurityLogEntries(
          db,
          ids.map((id) => ({ account_id: id, at: entry.at, kind: SecurityEventKind.BackupRestored, session_id: null, device: '', detail: entry.detail })),
          macKey,
        )
      })
      after = ids[ids.length - 1]!
      return ids.length
    })
  }
}

/** Where a restore finds sealed secrets (one list for the worker's count and the re-sealing). */
const SEALED_COLUMNS = [
  { table: 'two_factor', column: 'secret_sealed' },
  { table: 'api_keys', column: 'sealed_key' },
] as const
const SEALED_TABLES: readonly string[] = SEALED_COLUMNS.map(({ table }) => table)

/**
 * Opens each sealed secret with the backup's data key and seals it under this computer's, a slice at a time.
 * `total` (the rows of SEALED_TABLES, counted by the unpacking worker: a count here would read whole tables
 * in one turn of the event loop) only scales the progress.
 */
async function resealSecrets(db: DB, from: SecretBox, to: SecretBox, total: number, onProgress: ProgressListener): Promise<void> {
  {
    let done = 0
    for (const { table, column } of SEALED_COLUMNS) {
      const select = db.prepare(`SELECT account_id AS id, ${column} AS sealed FROM ${table} WHERE account_id > ? ORDER BY account_id LIMIT ?`)
      const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE account_id = ?`)
      let after = 0
      await repeatInSlices((limit) => {
        const rows = select.all(after, limit) as Array<{ id: number; sealed: Buffer }>
        if (rows.length === 0) return 0
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
        onProgress({ stage: 'reseal', fraction: total === 0 ? 1 : Math.min(1, done / total) }) // a migration may have added rows
        return rows.length
      })
    }
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
  const startsDataDir = !existsSync(options.dataDir)
  // The data folder's own rules before anything is read or written: one that others can write to (or another
  // user's) is refused, as every command refuses it; a new one is made 0700.
  prepareDataFolder(options.dataDir, options.warn ?? (() => {}))
  try {
    return await restoreIntoDataFolder(options)
  } catch (error) {
    // A refused restore that started the folder leaves none behind (a typo in --data-dir, a wrong passphrase). Once
    // the restored store is in place (a failure after the swap: a progress listener, the work folder's removal), the
    // folder is the restore's result and stays.
    if (startsDataDir && !existsSync(join(options.dataDir, DATABASE_FILE_NAME))) await rm(options.dataDir, { recursive: true, force: true })
    throw error
  }
}

async function restoreIntoDataFolder(options: RestoreOptions): Promise<RestoreOutcome> {
  const progress = options.onProgress ?? (() => {})
  const now = options.now ?? (() => new Date())
  await cleanUpInterruptedRestore(options.dataDir)
  const workDir = await makeWorkDir(options.dataDir, RESTORE_WORK_PREFIX)
  try {
    const unpacked = await unpackBackup(options.file, options.unlock, workDir, progress, { endSessions: true, countTables: SEALED_TABLES })
    const verified: VerifiedBackup = unpacked
    const staged = unpacked.databasePath

    // The staged copy is this restore's alone until the swap, and a crash throws it away: its rollback
    // journal stays in memory and nothing is synced until the one fsync before the swap (in the thread pool).
    const stagedDb = openStagedDatabase(staged)
    let migratedFrom: number | null = null
    let schemaVersion: number
    try {
      progress({ stage: 'migrate', fraction: 0 })
      const outcome = await migrateDatabase(stagedDb, { path: staged })
      if (outcome.applied.length > 0) migratedFrom = outcome.from
      progress({ stage: 'migrate', fraction: 1 })
      const backupBox = createAesGcmSecretBox(unpacked.dataKey, 'key-file')
      const thisComputerBox = options.openSecretBox()
      const sealedRows = SEALED_TABLES.reduce((sum, table) => sum + (unpacked.tableRows[table] ?? 0), 0)
      await resealSecrets(stagedDb, backupBox, thisComputerBox, sealedRows, progress)
      await recordRestoreInLogs(stagedDb, backupBox, thisComputerBox, {
        at: now().getTime(),
        detail: JSON.stringify({ origin: options.origin, backupCreatedAt: verified.manifest.createdAt, appVersion: verified.manifest.appVersion }),
      })
      schemaVersion = readSchemaVersion(stagedDb)
    } finally {
      unpacked.dataKey.fill(0)
      stagedDb.close()
    }
    await syncFile(staged)

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

    // The new store's check (it passed integrity_check before any change): it opens, under its own name, at the
    // schema the restore left. On failure the old one goes back in place.
    try {
      const db = openDatabase(live)
      try {
        if (readSchemaVersion(db) !== schemaVersion) throw new Error('schema version changed')
      } finally {
        db.close()
      }
    } catch (error) {
      if (replacedExisting) {
        await rename(kept, live)
        await syncFolder(options.dataDir)
      }
      const outcome = replacedExisting ? 'the previous store is back in place' : 'nothing was restored'
      if (!replacedExisting) await unlink(live).catch(() => undefined)
      throw new KeysteadError(ErrorCode.Internal, `The restored store failed its checks (${(error as Error).message}); ${outcome}.`, { reason: 'backup.restoreFailed' })
    }
    if (replacedExisting) await unlink(kept)
    progress({ stage: 'swap', fraction: 1 })
    return {
      manifest: verified.manifest,
      migratedFrom,
      schemaVersion,
      sessionsEnded: verified.manifest.counts.sessions,
      replacedExisting,
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}
