import type { Migration } from './types.ts'

const OLD_CHECK = "CHECK (scope IN ('read-only', 'read-write'))"
const NEW_CHECK = "CHECK (scope IN ('read-only', 'read-write', 'introspect'))"

/**
 * Access tokens get a third scope, `introspect`: a service's token that may only call
 * `POST /api/v2/introspect` (RFC 7662). SQLite cannot change a CHECK constraint in place, so the
 * table is rebuilt from its own current definition (keeping any column a later feature added),
 * rows, ids and indexes included.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'introspect scope for access tokens',
  up(db) {
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'access_tokens'").get() as { sql: string }
    if (!table.sql.includes(OLD_CHECK)) throw new Error('access_tokens does not have the expected scope constraint')
    const indexes = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_tokens' AND sql IS NOT NULL").all() as Array<{ sql: string }>).map((row) => row.sql)
    db.exec(table.sql.replace(OLD_CHECK, NEW_CHECK).replace(/^CREATE TABLE "?access_tokens"?/, 'CREATE TABLE access_tokens_0012'))
    db.exec('INSERT INTO access_tokens_0012 SELECT * FROM access_tokens')
    db.exec('DROP TABLE access_tokens')
    db.exec('ALTER TABLE access_tokens_0012 RENAME TO access_tokens')
    for (const sql of indexes) db.exec(sql)
  },
}
