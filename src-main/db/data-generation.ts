import type { DB } from './database.ts'
import { prepareCached } from './statement-cache.ts'

/**
 * A value that changes whenever the database may have changed: SQLite's `data_version` (changes when
 * ANY OTHER connection, in this process or another, commits) together with `total_changes()` (rows
 * this connection itself changed). One statement. Equal values mean nothing was committed in between,
 * so what was read under the first value is still what the file holds.
 */
export function readDataGeneration(db: DB): string {
  const row = prepareCached(db, 'SELECT data_version AS version, total_changes() AS own FROM pragma_data_version()').get() as { version: number; own: number }
  return `${row.version}:${row.own}`
}
