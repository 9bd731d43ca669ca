import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { join } from 'node:path'
import { DATA_FILE_MODE, DatabaseOpenError } from './database.ts'

/**
 * The data folder holds password hashes, sealed secrets and the key file: only its owner may read it.
 * Every file Keystead creates there is 0600 and every folder 0700, whatever the umask. SQLite gives
 * `-wal`, `-shm` and journals the database file's own mode (unix VFS, robust_open + fchmod), so the
 * database file is made 0600 before SQLite opens it and the rest follows.
 */
export const DATA_FOLDER_MODE = 0o700
export { DATA_FILE_MODE }
/** The umask both processes (the app and the command line) set at start, belt and braces to the explicit modes. */
export const OWNER_ONLY_UMASK = 0o077

const ownUid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null)

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/**
 * Makes the data folder 0700, or checks an existing one the way ssh checks ~/.ssh: a folder others
 * can write to (or another user's) is refused, one others can read is tightened with a warning.
 * Files and folders directly inside it that we own are set to 0600 / 0700 (earlier versions left 0644).
 */
export function prepareDataFolder(dir: string, warn: (message: string) => void): void {
  if (process.platform === 'win32') {
    mkdirSync(dir, { recursive: true })
    return
  }
  const stats = lstatOrNull(dir)
  if (!stats) {
    mkdirSync(dir, { recursive: true, mode: DATA_FOLDER_MODE })
    chmodSync(dir, DATA_FOLDER_MODE)
    return
  }
  if (!stats.isDirectory()) {
    throw new DatabaseOpenError('DB_OPEN_FAILED', `The data folder ${dir} is not a folder${stats.isSymbolicLink() ? ' (it is a symbolic link)' : ''}.`, dir)
  }
  const uid = ownUid()
  if (uid !== null && stats.uid !== uid) {
    throw new DatabaseOpenError('DB_OPEN_FAILED', `The data folder ${dir} belongs to another user (uid ${stats.uid}). Keystead only opens a data folder you own.`, dir)
  }
  const mode = stats.mode & 0o777
  if ((mode & 0o022) !== 0) {
    throw new DatabaseOpenError(
      'DB_OPEN_FAILED',
      `The data folder ${dir} can be written by other users (mode ${mode.toString(8).padStart(4, '0')}), so they could replace your data. Keystead refuses to use it. Fix it with: chmod 700 '${dir}'`,
      dir,
    )
  }
  if ((mode & 0o077) !== 0) {
    warn(`The data folder ${dir} was readable by other users (mode ${mode.toString(8).padStart(4, '0')}); it is now 0700.`)
    chmodSync(dir, DATA_FOLDER_MODE)
  }
  tightenDataFolderEntries(dir, uid)
}

function tightenDataFolderEntries(dir: string, uid: number | null): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const stats = lstatOrNull(path)
    if (!stats || stats.isSymbolicLink() || (uid !== null && stats.uid !== uid)) continue
    const wanted = stats.isDirectory() ? DATA_FOLDER_MODE : stats.isFile() ? DATA_FILE_MODE : null
    if (wanted !== null && (stats.mode & 0o777 & ~wanted) !== 0) chmodSync(path, wanted)
  }
}
