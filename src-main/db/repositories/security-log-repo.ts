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

export function countSecurityLogRows(db: DB, accountId: number, kinds: string[] = []): number {
  const filter = kinds.length > 0 ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''
  return (db.prepare(`SELECT count(*) AS n FROM security_log WHERE account_id = ? ${filter}`).get(accountId, ...kinds) as { n: number }).n
}

/** The kinds an account's log holds, alphabetical. */
export function listSecurityLogKinds(db: DB, accountId: number): string[] {
  return (db.prepare('SELECT DISTINCT kind FROM security_log WHERE account_id = ? ORDER BY kind').all(accountId) as Array<{ kind: string }>).map((row) => row.kind)
}
