import type { DB } from '../database.ts'
import type { Migration } from './types.ts'

/**
 * The tables whose ids leave the database (CLI and API output, security-log entries, scripts) and
 * so must never come back once deleted. Later migrations that add such a table declare it
 * AUTOINCREMENT from the start.
 */
export const TABLES_WITH_LASTING_IDS = ['accounts', 'access_tokens', 'ssh_keys', 'security_log'] as const

/**
 * Rebuilds one table as `id INTEGER PRIMARY KEY AUTOINCREMENT`, keeping its columns (as they are now,
 * whatever earlier migrations added), rows, ids, indexes and the foreign keys that point to it.
 * Runs with foreign-key enforcement off (see `Migration.rebuildsTables`), so dropping the old table
 * does not cascade into the rows that refer to it.
 */
export function rebuildWithAutoincrement(db: DB, table: string): void {
  const definition = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) as { sql: string } | undefined
  if (!definition) throw new Error(`No table ${table}`)
  if (/AUTOINCREMENT/i.test(definition.sql)) return
  const idColumn = /\bid\s+INTEGER\s+PRIMARY\s+KEY\b/i
  if (!idColumn.test(definition.sql)) throw new Error(`${table} has no "id INTEGER PRIMARY KEY" column`)
  const indexes = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as Array<{ sql: string }>
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((c) => `"${c.name}"`).join(', ')
  const temporary = `${table}__rebuild`
  const createSql = definition.sql
    .replace(/^CREATE TABLE\s+("?)\w+\1/i, `CREATE TABLE "${temporary}"`)
    .replace(idColumn, 'id INTEGER PRIMARY KEY AUTOINCREMENT')
  db.exec(createSql)
  db.exec(`INSERT INTO "${temporary}" (${columns}) SELECT ${columns} FROM "${table}"`)
  db.exec(`DROP TABLE "${table}"`)
  db.exec(`ALTER TABLE "${temporary}" RENAME TO "${table}"`)
  for (const index of indexes) db.exec(index.sql)
}

export const migration0008: Migration = {
  version: 8,
  name: 'ids are never reused (AUTOINCREMENT for accounts, tokens, SSH keys and the security log)',
  rebuildsTables: true,
  up(db) {
    for (const table of TABLES_WITH_LASTING_IDS) rebuildWithAutoincrement(db, table)
  },
}
