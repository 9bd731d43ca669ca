import { DatabaseOpenError, ensureOwnerOnlyFile, writeTransaction } from './database.ts'
import { wipeFile } from './migration-backup.ts'
import type { DB } from './database.ts'
import { migrations as allMigrations } from './migrations/index.ts'
import type { Migration } from './migrations/types.ts'

export function readSchemaVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function latestSchemaVersion(list: readonly Migration[] = allMigrations): number {
  return list.reduce((max, m) => Math.max(max, m.version), 0)
}

export interface MigrateOptions {
  /** Where to copy the database (SQLite backup API) before touching an existing one. */
  backupPath?: string
  migrations?: readonly Migration[]
  path?: string
}

export interface MigrateOutcome {
  from: number
  to: number
  applied: number[]
  backupPath: string | null
}

/**
 * Brings the schema up to date. Each migration runs in one transaction that also
 * sets `user_version`. A file written by a newer Keystead is refused, never touched.
 */
export async function migrateDatabase(db: DB, options: MigrateOptions = {}): Promise<MigrateOutcome> {
  const list = [...(options.migrations ?? allMigrations)].sort((a, b) => a.version - b.version)
  const from = readSchemaVersion(db)
  const latest = latestSchemaVersion(list)
  if (from > latest) {
    throw new DatabaseOpenError(
      'DB_TOO_NEW',
      `This database was written by a newer version of Keystead (schema ${from}; this version knows up to ${latest}). Update Keystead to open it.`,
      options.path ?? db.name,
    )
  }
  const pending = list.filter((m) => m.version > from)
  let backupPath: string | null = null
  if (pending.length > 0 && from > 0 && options.backupPath) {
    // Whatever is at the path (an older copy, a stray file, a link) goes first; the copy is made 0600 before SQLite writes it.
    wipeFile(options.backupPath)
    ensureOwnerOnlyFile(options.backupPath)
    await db.backup(options.backupPath)
    backupPath = options.backupPath
  }
  const applied: number[] = []
  for (const migration of pending) {
    // PRAGMA foreign_keys is a no-op inside a transaction: switched here, around it.
    const enforcing = migration.rebuildsTables === true && (db.pragma('foreign_keys', { simple: true }) as number) === 1
    if (enforcing) db.pragma('foreign_keys = OFF')
    try {
      writeTransaction(db, () => {
        // Another process (the app, the CLI) starting at the same moment may have applied it since the version was read above.
        if (readSchemaVersion(db) >= migration.version) return
        migration.up(db)
        if (migration.rebuildsTables) {
          const problems = db.pragma('foreign_key_check') as unknown[]
          if (problems.length > 0) throw new Error(`Migration ${migration.version} would break ${problems.length} foreign key reference(s)`)
        }
        db.pragma(`user_version = ${migration.version}`)
        applied.push(migration.version)
      })
    } finally {
      if (enforcing) db.pragma('foreign_keys = ON')
    }
  }
  return { from, to: readSchemaVersion(db), applied, backupPath }
}
