import type { DB } from '../database.ts'

export interface SecurityLogRow {
  id: number
  account_id: number
  at: number
  kind: string
  session_id: string | null
  device: string
  detail: string
}

export function insertSecurityLogEntry(db: DB, row: Omit<SecurityLogRow, 'id'>): number {
  const result = db
    .prepare('INSERT INTO security_log (account_id, at, kind, session_id, device, detail) VALUES (@account_id, @at, @kind, @session_id, @device, @detail)')
    .run(row)
  return Number(result.lastInsertRowid)
}

export function listSecurityLogRows(db: DB, accountId: number, options: { kinds?: string[]; limit: number; offset: number }): SecurityLogRow[] {
  const kinds = options.kinds ?? []
  const filter = kinds.length > 0 ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''
  return db
    .prepare(`SELECT * FROM security_log WHERE account_id = ? ${filter} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(accountId, ...kinds, options.limit, options.offset) as SecurityLogRow[]
}

/** Where a page of the log ends (newest first): the next page starts below this entry. */
export interface SecurityLogCursor {
  at: number
  id: number
}

/**
 * One page of an account's log, newest first, below `after` (keyset paging: every page costs the
 * same, however deep). Entries written after the first page are newer than it and never appear.
 */
export function listSecurityLogRowsAfter(db: DB, accountId: number, options: { kinds?: string[]; after: SecurityLogCursor | null; limit: number }): SecurityLogRow[] {
  const kinds = options.kinds ?? []
  const filter = kinds.length > 0 ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''
  const below = options.after ? 'AND (at < ? OR (at = ? AND id < ?))' : ''
  const cursor = options.after ? [options.after.at, options.after.at, options.after.id] : []
  return db
    .prepare(`SELECT * FROM security_log WHERE account_id = ? ${filter} ${below} ORDER BY at DESC, id DESC LIMIT ?`)
    .all(accountId, ...kinds, ...cursor, options.limit) as SecurityLogRow[]
}

export function countSecurityLogRows(db: DB, accountId: number, kinds: string[] = []): number {
  const filter = kinds.length > 0 ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''
  return (db.prepare(`SELECT count(*) AS n FROM security_log WHERE account_id = ? ${filter}`).get(accountId, ...kinds) as { n: number }).n
}

/** The kinds an account's log holds, alphabetical. */
export function listSecurityLogKinds(db: DB, accountId: number): string[] {
  return (db.prepare('SELECT DISTINCT kind FROM security_log WHERE account_id = ? ORDER BY kind').all(accountId) as Array<{ kind: string }>).map((row) => row.kind)
}
