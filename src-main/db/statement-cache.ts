import type { Statement } from 'better-sqlite3'
import type { DB } from './database.ts'

const cache = new WeakMap<DB, Map<string, Statement>>()

/**
 * `db.prepare(sql)`, compiled once per connection. For hot paths such as credential verification,
 * where compiling the statement each time costs several times the indexed lookup itself.
 */
export function prepareCached(db: DB, sql: string): Statement {
  let statements = cache.get(db)
  if (!statements) {
    statements = new Map()
    cache.set(db, statements)
  }
  let statement = statements.get(sql)
  if (!statement) {
    statement = db.prepare(sql)
    statements.set(sql, statement)
  }
  return statement
}
