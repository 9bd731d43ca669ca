import { randomBytes } from 'node:crypto'
import { closeSync, constants, fchmodSync, fsyncSync, linkSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { link, lstat, open, readdir, rename, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ErrorCode, KeysteadError } from './errors.ts'

/**
 * The one way Keystead writes a file that holds a secret (recovery codes, the QR code of a TOTP
 * secret, exports, logs): a new temporary file created 0600 with O_EXCL|O_NOFOLLOW in the target's
 * folder, written and fsynced, then renamed over the target, then the folder fsynced. The final path
 * is never followed when it is a symbolic link, a file owned by another user is never replaced, and
 * without `overwrite` an existing file is never replaced (link(2) refuses atomically).
 * `writeSecretFileSync` is the same, step for step, for the few callers that cannot wait (the data key
 * file, read while the services are built; settings.json, written by the command line).
 */
export interface SecretFileOptions {
  /** Replace an existing regular file we own; never a symlink. */
  overwrite?: boolean
  /**
   * The file's permissions, exactly (whatever the umask): 0600 when absent. Only for files that are
   * meant to be read by others (an authorized_keys export: 0644); never writable by group or others.
   */
  mode?: number
}

export interface SecretFileWriter {
  readonly tempPath: string
  write(chunk: Uint8Array): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
}

export const SECRET_FILE_MODE = 0o600

/** The temporary file of `target` while it is written: `.NAME.<12 hex>.tmp` in the same folder (the one place this is defined). */
export function temporaryFileName(target: string): string {
  return `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`
}

/** Whether `name` is a temporary file `temporaryFileName` made for a target called `targetName`. */
export function isTemporaryFileOf(name: string, targetName: string): boolean {
  const prefix = `.${targetName}.`
  return name.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))
}

/** Whether `name` is a temporary file of any target whose name `targetName` matches. */
export function isTemporaryFileMatching(name: string, targetName: RegExp): boolean {
  const match = /^\.(.+)\.[0-9a-f]{12}\.tmp$/.exec(name)
  return match !== null && targetName.test(match[1]!)
}

/** When this process started (ms since the epoch): a temporary file older than that is no writer's of ours. */
const PROCESS_STARTED_AT_MS = Date.now() - process.uptime() * 1000

/**
 * Removes what a crash left of earlier writes of the same kind of file into `target`'s folder:
 * temporary files named for `target` (or, with `targetName`, for any name it matches) that are
 * regular files (never followed when a link), ours, and older than this process. A write of this
 * process is younger, so it is never touched. Returns how many were removed.
 */
export async function removeStaleTemporaryFiles(target: string, options: { targetName?: RegExp; startedAtMs?: number } = {}): Promise<number> {
  const folder = dirname(target)
  const startedAtMs = options.startedAtMs ?? PROCESS_STARTED_AT_MS
  const uid = ownUid()
  let names: string[]
  try {
    names = await readdir(folder)
  } catch {
    return 0 // the folder's problems are the writer's to report
  }
  let removed = 0
  for (const name of names) {
    const matches = options.targetName ? isTemporaryFileMatching(name, options.targetName) : isTemporaryFileOf(name, basename(target))
    if (!matches) continue
    const path = join(folder, name)
    const stats = await lstatOrNull(path).catch(() => null)
    if (!stats || !stats.isFile() || (uid !== null && stats.uid !== uid) || stats.mtimeMs >= startedAtMs) continue
    await unlink(path).then(
      () => removed++,
      () => undefined,
    )
  }
  return removed
}

const ownUid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null)

function refuse(code: ErrorCode, reason: string, message: string): KeysteadError {
  return new KeysteadError(code, message, { field: 'file', reason })
}

function unwritable(target: string, error: unknown): KeysteadError {
  if (error instanceof KeysteadError) return error
  return refuse(ErrorCode.Validation, 'secretFile.unwritable', `Cannot write ${target}: ${(error as Error).message}`)
}

/** The modes a caller may ask for: at most rw-r--r--, never executable, never writable by others. */
const MODE_LIMIT = 0o644

function fileModeOf(options: SecretFileOptions): number {
  const mode = options.mode ?? SECRET_FILE_MODE
  if (!Number.isInteger(mode) || (mode & ~MODE_LIMIT) !== 0 || (mode & 0o600) !== 0o600) {
    throw new Error(`A file written by Keystead is readable and writable by its owner and never writable or executable by others (asked for ${String(mode)})`)
  }
  return mode
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/** Refuses a target we must not replace (what lstat found there, or null); returns whether something is there. */
function checkTarget(target: string, stats: Stats | null, overwrite: boolean): boolean {
  if (!stats) return false
  if (stats.isSymbolicLink()) {
    throw refuse(ErrorCode.Validation, 'secretFile.symlink', `${target} is a symbolic link; Keystead does not write secrets through links. Choose another file.`)
  }
  const uid = ownUid()
  if (uid !== null && stats.uid !== uid) {
    throw refuse(ErrorCode.Validation, 'secretFile.notOwned', `${target} belongs to another user; Keystead does not replace it. Choose another file.`)
  }
  if (!stats.isFile()) {
    throw refuse(ErrorCode.Validation, 'secretFile.notRegularFile', `${target} is not a regular file. Choose another file.`)
  }
  if (!overwrite) {
    throw refuse(ErrorCode.Conflict, 'secretFile.exists', `${target} already exists; choose another file or allow replacing it.`)
  }
  return true
}

async function inspectTarget(target: string, overwrite: boolean): Promise<boolean> {
  return checkTarget(target, await lstatOrNull(target), overwrite)
}

function inspectTargetSync(target: string, overwrite: boolean): boolean {
  let stats: Stats | null = null
  try {
    stats = lstatSync(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return checkTarget(target, stats, overwrite)
}

/** Whether link(2) failed because the file system has no hard links (FAT, some network shares): rename then. */
function hasNoHardLinks(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS'
}

async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | null = null
  try {
    handle = await open(folder, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0))
    await handle.sync()
  } catch (error) {
    // Windows cannot open a folder for fsync; everywhere else a failure is real.
    if (process.platform !== 'win32') throw error
  } finally {
    await handle?.close()
  }
}

/** Puts the finished temporary file at `target`: no-clobber via link(2) unless `overwrite`. */
async function placeFile(tempPath: string, target: string, overwrite: boolean): Promise<void> {
  const exists = await inspectTarget(target, overwrite)
  if (!exists) {
    try {
      await link(tempPath, target)
      await unlink(tempPath)
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') await inspectTarget(target, overwrite) // someone put a file there meanwhile: refuse it by name
      if (!hasNoHardLinks(error)) throw error
    }
  }
  await rename(tempPath, target)
}

export async function createSecretFileWriter(target: string, options: SecretFileOptions = {}): Promise<SecretFileWriter> {
  const overwrite = options.overwrite ?? false
  const mode = fileModeOf(options)
  const folder = dirname(target)
  let handle: FileHandle | null = null
  let tempPath = ''
  try {
    await inspectTarget(target, overwrite)
    tempPath = join(folder, temporaryFileName(target))
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)
    handle = await open(tempPath, flags, SECRET_FILE_MODE)
    // The umask may have taken bits away, never added: set exactly the mode (0600 unless asked).
    await handle.chmod(mode)
  } catch (error) {
    await handle?.close().catch(() => undefined)
    if (handle) await unlink(tempPath).catch(() => undefined)
    throw unwritable(target, error)
  }
  let state: 'open' | 'committed' | 'aborted' = 'open'
  const file = handle
  const abort = async (): Promise<void> => {
    if (state !== 'open') return
    state = 'aborted'
    await file.close().catch(() => undefined)
    await unlink(tempPath).catch(() => undefined)
  }
  return {
    tempPath,
    async write(chunk) {
      if (state !== 'open') throw new Error(`The secret file writer for ${target} is ${state}`)
      try {
        await file.writeFile(chunk)
      } catch (error) {
        await abort()
        throw unwritable(target, error)
      }
    },
    async commit() {
      if (state !== 'open') throw new Error(`The secret file writer for ${target} is ${state}`)
      try {
        await file.sync()
        await file.close()
        state = 'committed'
        await placeFile(tempPath, target, overwrite)
      } catch (error) {
        state = 'open'
        await abort()
        throw unwritable(target, error)
      }
      try {
        await syncFolder(folder)
      } catch (error) {
        // Not durable: take the file back, so that a caller rolling its change back leaves no orphan secret.
        await unlink(target).catch(() => undefined)
        throw unwritable(target, error)
      }
    },
    abort,
  }
}

export async function writeSecretFile(target: string, data: string | Uint8Array, options: SecretFileOptions = {}): Promise<void> {
  const writer = await createSecretFileWriter(target, options)
  try {
    await writer.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
    await writer.commit()
  } catch (error) {
    await writer.abort()
    throw error
  }
}

function syncFolderSync(folder: string): void {
  let fd: number | null = null
  try {
    fd = openSync(folder, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0))
    fsyncSync(fd)
  } catch (error) {
    if (process.platform !== 'win32') throw error
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

function placeFileSync(tempPath: string, target: string, overwrite: boolean): void {
  const exists = inspectTargetSync(target, overwrite)
  if (!exists) {
    try {
      linkSync(tempPath, target)
      unlinkSync(tempPath)
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') inspectTargetSync(target, overwrite)
      if (!hasNoHardLinks(error)) throw error
    }
  }
  renameSync(tempPath, target)
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // Already gone.
  }
}

/**
 * writeSecretFile for callers that cannot wait: the same checks and steps (a new O_EXCL|O_NOFOLLOW
 * temporary file with the exact mode, fsync, no-clobber link or rename, the folder fsynced), the same
 * refusals (symlink, another user's file, not a regular file, an existing file without `overwrite`).
 * The data is small (a key, a settings file): it blocks only for the disk's sync.
 */
export function writeSecretFileSync(target: string, data: string | Uint8Array, options: SecretFileOptions = {}): void {
  const overwrite = options.overwrite ?? false
  const mode = fileModeOf(options)
  let fd: number | null = null
  let tempPath: string | null = null
  let placed = false
  try {
    inspectTargetSync(target, overwrite)
    // The same temporary name and flags as createSecretFileWriter's: new (O_EXCL), never through a link.
    tempPath = join(dirname(target), temporaryFileName(target))
    fd = openSync(tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), SECRET_FILE_MODE)
    fchmodSync(fd, mode)
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at)
    fsyncSync(fd)
    closeSync(fd)
    fd = null
    placeFileSync(tempPath, target, overwrite)
    placed = true
    syncFolderSync(dirname(target))
  } catch (error) {
    if (fd !== null) closeSync(fd)
    if (tempPath !== null) unlinkQuietly(tempPath)
    // Not durable: take the file back, as the asynchronous writer does.
    if (placed) unlinkQuietly(target)
    throw unwritable(target, error)
  }
}
