import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs'
import type { DB } from './database.ts'

/**
 * `keystead.db.before-migration`: the copy taken before a migration changes an existing database.
 * It holds every account as it was, deleted ones included, so it is kept only until the migrated
 * database has passed its first quick check, and deleting an account deletes it at once.
 */
export const MIGRATION_BACKUP_SUFFIX = '.before-migration'

export function migrationBackupPathOf(databasePath: string): string {
  return `${databasePath}${MIGRATION_BACKUP_SUFFIX}`
}

const WIPE_CHUNK = Buffer.alloc(64 * 1024)

/**
 * Overwrites a regular file with zeros (fsync), then unlinks it; a link or anything else at the path is
 * only unlinked. Returns whether something was there. On copy-on-write or flash storage the old blocks may
 * survive the overwrite: it is best effort on top of the removal.
 */
export function wipeFile(path: string): boolean {
  let stats
  try {
    stats = lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
  if (stats.isFile()) {
    const fd = openSync(path, constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0))
    try {
      const size = fstatSync(fd).size
      for (let at = 0; at < size; at += WIPE_CHUNK.length) writeSync(fd, WIPE_CHUNK, 0, Math.min(WIPE_CHUNK.length, size - at), at)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
  if (!stats.isDirectory()) unlinkSync(path)
  return true
}

/** Wipes the before-migration copy of the database `db` has open; returns whether there was one. */
export function discardMigrationBackup(db: DB): boolean {
  if (db.memory) return false
  return wipeFile(migrationBackupPathOf(db.name))
}
