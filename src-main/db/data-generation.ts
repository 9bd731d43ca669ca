import type { DB } from './database.ts'
import { prepareCached } from './statement-cache.ts'

/**
 * Databases inside `runWithDataVersionReadOnce`, with the `data_version` read there (undefined
 * until the first `readDataGeneration` inside it reads it).
 */
const readOnceScopes = new Map<DB, number | undefined>()

/** `PRAGMA data_version`: opens and ends a read transaction (SQLite takes and drops a WAL read lock: two fcntl calls). */
function readDataVersion(db: DB): number {
  return prepareCached(db, 'PRAGMA data_version').pluck().get() as number
}

/**
 * A value that changes whenever the database may have changed: SQLite's `data_version` (changes when
 * ANY OTHER connection, in this process or another, commits) together with `total_changes()` (rows
 * this connection itself changed). Equal values mean nothing was committed in between, so what was
 * read under the first value is still what the file holds.
 *
 * Two prepared statements rather than one `SELECT ... FROM pragma_data_version()`: the pragma's
 * table-valued form compiles a nested `PRAGMA` statement on every run (about 40% more per call, on
 * the local API's hot path); `total_changes()` alone opens no read transaction and costs next to nothing.
 *
 * Inside `runWithDataVersionReadOnce(db, ...)`, `data_version` is the one read there (its first call
 * reads it); `total_changes()` is read on every call, so this connection's own writes count at once.
 */
export function readDataGeneration(db: DB): string {
  let version: number | undefined
  if (readOnceScopes.has(db)) {
    version = readOnceScopes.get(db)
    if (version === undefined) {
      version = readDataVersion(db)
      readOnceScopes.set(db, version)
    }
  } else version = readDataVersion(db)
  const own = prepareCached(db, 'SELECT total_changes()').pluck().get() as number
  return `${version}:${own}`
}

/**
 * Runs `work` (synchronous) with other connections' commits read at most once for `db`: the first
 * `readDataGeneration(db)` inside reads `data_version`, the later ones reuse that value (this
 * connection's own writes still count at once, through `total_changes()`). A nested call joins the
 * outer one; anything `work` leaves for later (a promise's continuation) reads afresh.
 *
 * Only for work on behalf of requests that had ALL been received before `work` began, such as the
 * local API's requests read from their sockets in one turn of the event loop. Why nothing can then
 * pass that each request reading `data_version` itself would refuse: the one read happens after every
 * request of the batch had arrived. A commit (a revocation by the CLI, say) that completed before a
 * client sent its request therefore completed before that read too, and the read sees it. A commit
 * that completes after the read completes after the request had arrived: it was concurrent with the
 * request, and either order is a correct answer (the same holds for a commit that lands during a
 * single request's own statements).
 */
export function runWithDataVersionReadOnce<T>(db: DB, work: () => T): T {
  if (readOnceScopes.has(db)) return work()
  readOnceScopes.set(db, undefined)
  try {
    return work()
  } finally {
    readOnceScopes.delete(db)
  }
}
