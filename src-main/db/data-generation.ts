import type { DB } from './database.ts'
import { prepareCached } from './statement-cache.ts'

/**
 * A value that changes whenever the database may have changed: SQLite's `data_version` (changes when
 * ANY OTHER connection, in this process or another, commits) together with `total_changes()` (rows
 * this connection itself changed). Equal values mean nothing was committed in between, so what was
 * read under the first value is still what the file holds.
 *
 * Two prepared statements rather than one `SELECT ... FROM pragma_data_version()`: the pragma's
 * table-valued form compiles a nested `PRAGMA` statement on every run (about 40% more per call, on
 * the local API's hot path); `total_changes()` alone opens no read transaction and costs next to nothing.
 */
export function readDataGeneration(db: DB): string {
  const version = prepareCached(db, 'PRAGMA data_version').pluck().get() as number
  const own = prepareCached(db, 'SELECT total_changes()').pluck().get() as number
  return `${version}:${own}`
}
