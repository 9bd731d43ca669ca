import type { Migration } from './types.ts'

const OLD_CHECK = "CHECK (scope IN ('read-only', 'read-write'))"
const NEW_CHECK = "CHECK (scope IN ('read-only', 'read-write', 'introspect'))"

/**
 * Access tokens get a third scope, `introspect`: a service's token that may only call
 * `POST /api/v2/introspect` (RFC 7662). SQLite cannot change a CHECK constraint in place, so the
 * table is rebuilt from its own current definition (keeping the columns, AUTOINCREMENT and anything
 * earlier migrations added), with its rows, ids, indexes, triggers and AUTOINCREMENT counter (so a
 * deleted token's id still never comes back).
 */
export const migration0012: Migration = {
  version: 12,
  name: 'introspect scope for access tokens',
  rebuildsTables: true,
  up(db) {
    const table = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'access_tokens'").get() as { sql: string }
    if (!table.sql.includes(OLD_CHECK)) throw new Error('access_tokens does not have the expected scope constraint')
    const dependents = (
      db.prepare("SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND tbl_name = 'access_tokens' AND sql IS NOT NULL ORDER BY type").all() as Array<{ sql: string }>
    ).map((row) => row.sql)
    const hasSequence = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined
    const sequence = hasSequence ? (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'access_tokens'").get() as { seq: number } | undefined) : undefined
    const columns = (db.prepare("SELECT name FROM pragma_table_info('access_tokens')").all() as Array<{ name: string }>).map((c) => `"${c.name}"`).join(', ')
    db.exec(table.sql.replace(OLD_CHECK, NEW_CHECK).replace(/^CREATE TABLE\s+("?)access_tokens\1/i, 'CREATE TABLE access_tokens_0012'))
    db.exec(`INSERT INTO access_tokens_0012 (${columns}) SELECT ${columns} FROM access_tokens`)
    db.exec('DROP TABLE access_tokens')
    db.exec('ALTER TABLE access_tokens_0012 RENAME TO access_tokens')
    for (const sql of dependents) db.exec(sql)
    if (sequence) {
      const updated = db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'access_tokens'").run(sequence.seq).changes
      if (updated === 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('access_tokens', ?)").run(sequence.seq)
    }
  },
}
