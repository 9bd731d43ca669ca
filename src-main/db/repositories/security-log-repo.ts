import { writeTransaction } from '../database.ts'
import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'
import { chainEntryHash, chainHeadMAC, CHAIN_GENESIS_HASH, isChainHeadMACValid } from './security-log-chain.ts'
import type { ChainHead } from './security-log-chain.ts'

export interface SecurityLogRow {
  id: number
  account_id: number
  at: number
  kind: string
  session_id: string | null
  device: string
  detail: string
  /** Position in the account's hash chain, from 1. */
  seq: number
  /** SHA-256(previous entry's hash || canonical content). */
  hash: Buffer
}

export type NewSecurityLogRow = Omit<SecurityLogRow, 'id' | 'seq' | 'hash'>

export interface SecurityLogHeadRow extends ChainHead {
  mac: Buffer | null
}

export function findSecurityLogHead(db: DB, accountId: number): SecurityLogHeadRow | undefined {
  return prepareCached(db, 'SELECT * FROM security_log_heads WHERE account_id = ?').get(accountId) as SecurityLogHeadRow | undefined
}

export function listSecurityLogHeads(db: DB): SecurityLogHeadRow[] {
  return db.prepare('SELECT * FROM security_log_heads ORDER BY account_id').all() as SecurityLogHeadRow[]
}

/** Writes a head and its MAC (null = not authenticated: a head that was not valid stays so). */
export function writeSecurityLogHead(db: DB, head: ChainHead, mac: Buffer | null): void {
  prepareCached(
    db,
    `INSERT INTO security_log_heads (account_id, seq, hash, checkpoint_seq, checkpoint_hash, mac) VALUES (@account_id, @seq, @hash, @checkpoint_seq, @checkpoint_hash, @mac)
     ON CONFLICT (account_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, checkpoint_seq = excluded.checkpoint_seq,
       checkpoint_hash = excluded.checkpoint_hash, mac = excluded.mac`,
  ).run({ ...head, mac })
}

/**
 * The one way an entry enters the security log. In one write transaction (BEGIN IMMEDIATE, or the
 * caller's): read the account's chain head, append the entry at the next position with its chain
 * hash, and move the head, authenticated under `macKey`. Writers in other processes wait for the
 * write lock, so each sees the head the previous one left. A head whose MAC does not verify is
 * never re-authenticated here: appending to a tampered log must not launder it.
 */
export function insertSecurityLogEntry(db: DB, row: NewSecurityLogRow, macKey: Buffer): number {
  return writeTransaction(db, () => appendSecurityLogEntry(db, row, macKey))
}

/**
 * The same for many entries (a restore's entry in every account's log) in one write transaction,
 * each appended exactly as insertSecurityLogEntry appends one. Returns their row ids.
 */
export function insertSecurityLogEntries(db: DB, rows: readonly NewSecurityLogRow[], macKey: Buffer): number[] {
  return writeTransaction(db, () => rows.map((row) => appendSecurityLogEntry(db, row, macKey)))
}

/** insertSecurityLogEntry's work, inside the caller's write transaction. */
function appendSecurityLogEntry(db: DB, row: NewSecurityLogRow, macKey: Buffer): number {
  const head = findSecurityLogHead(db, row.account_id)
  // The position follows the last stored entry (never a clash on the unique index, whatever was done to the head).
  const last = prepareCached(db, 'SELECT seq, hash FROM security_log WHERE account_id = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1').get(row.account_id) as
    | { seq: number; hash: Buffer }
    | undefined
  const isHeadTrusted =
    head === undefined ? last === undefined : isChainHeadMACValid(macKey, head) && head.seq === (last?.seq ?? head.checkpoint_seq) && head.hash.equals(last?.hash ?? head.checkpoint_hash)
  const seq = (last?.seq ?? head?.checkpoint_seq ?? 0) + 1
  const hash = chainEntryHash(last?.hash ?? head?.checkpoint_hash ?? CHAIN_GENESIS_HASH, { ...row, seq })
  const result = prepareCached(
    db,
    'INSERT INTO security_log (account_id, at, kind, session_id, device, detail, seq, hash) VALUES (@account_id, @at, @kind, @session_id, @device, @detail, @seq, @hash)',
  ).run({ ...row, seq, hash })
  const next: ChainHead = {
    account_id: row.account_id,
    seq,
    hash,
    checkpoint_seq: head?.checkpoint_seq ?? 0,
    checkpoint_hash: head?.checkpoint_hash ?? CHAIN_GENESIS_HASH,
  }
  writeSecurityLogHead(db, next, isHeadTrusted ? chainHeadMAC(macKey, next) : null)
  return Number(result.lastInsertRowid)
}

/** One slice of an account's chain in order: entries with seq > afterSeq, at most `limit`, as raw rows for speed. */
export function listSecurityLogChainSlice(db: DB, accountId: number, afterSeq: number, limit: number): SecurityLogRow[] {
  return prepareCached(db, 'SELECT * FROM security_log WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(accountId, afterSeq, limit) as SecurityLogRow[]
}

/** Entries with no position (written around the chain, e.g. by raw SQL). */
export function countUnchainedSecurityLogRows(db: DB, accountId: number): number {
  return prepareCached(db, 'SELECT count(*) FROM security_log WHERE account_id = ? AND seq IS NULL').pluck().get(accountId) as number
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
  const where = belowCursor(options.kinds ?? [], options.after)
  return db
    .prepare(`SELECT * FROM security_log WHERE account_id = ? ${where.sql} ORDER BY at DESC, id DESC LIMIT ?`)
    .all(accountId, ...where.values, options.limit) as SecurityLogRow[]
}

/**
 * The filter and keyset bound of a page. The row value `(at, id) < (?, ?)` gives the index a range to
 * start from; `at < ? OR (at = ? AND id < ?)` does not (SQLite then steps over every newer entry first,
 * so each page cost as much as all the pages before it).
 */
function belowCursor(kinds: readonly string[], after: SecurityLogCursor | null): { sql: string; values: Array<string | number> } {
  const filter = kinds.length > 0 ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''
  return after ? { sql: `${filter} AND (at, id) < (?, ?)`, values: [...kinds, after.at, after.id] } : { sql: filter, values: [...kinds] }
}

/**
 * One bounded step through the log, newest first, below `after`: the entry `skip` places further down
 * (the cursor of the entry just before it), or how many entries remain when there are not that many.
 * Counting or skipping a long log is many such steps, each reading at most `skip` index entries.
 */
export function stepSecurityLogRows(db: DB, accountId: number, options: { kinds?: string[]; after: SecurityLogCursor | null; skip: number }): { cursor: SecurityLogCursor } | { remaining: number } {
  const where = belowCursor(options.kinds ?? [], options.after)
  const landed = db
    .prepare(`SELECT at, id FROM security_log WHERE account_id = ? ${where.sql} ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?`)
    .get(accountId, ...where.values, options.skip - 1) as SecurityLogCursor | undefined
  if (landed) return { cursor: { at: landed.at, id: landed.id } }
  const remaining = db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM security_log WHERE account_id = ? ${where.sql} LIMIT ?)`).get(accountId, ...where.values, options.skip) as { n: number }
  return { remaining: remaining.n }
}

export function countSecurityLogRows(db: DB, accountId: number, kinds: string[] = []): number {
  const filter = kinds.length > 0 ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''
  return (db.prepare(`SELECT count(*) AS n FROM security_log WHERE account_id = ? ${filter}`).get(accountId, ...kinds) as { n: number }).n
}

/**
 * The kinds an account's log holds, alphabetical: one index seek per kind (security_log_by_account_kind),
 * never a pass over the entries (DISTINCT would read all of them).
 */
export function listSecurityLogKinds(db: DB, accountId: number): string[] {
  const first = prepareCached(db, 'SELECT kind FROM security_log WHERE account_id = ? ORDER BY kind LIMIT 1').pluck()
  const next = prepareCached(db, 'SELECT kind FROM security_log WHERE account_id = ? AND kind > ? ORDER BY kind LIMIT 1').pluck()
  const kinds: string[] = []
  for (let kind = first.get(accountId) as string | undefined; kind !== undefined; kind = next.get(accountId, kind) as string | undefined) kinds.push(kind)
  return kinds
}

/** Entries of these kinds since `since`, counted per UTC hour (hour = floor(at / 3,600,000)). */
export function listSecurityLogActivityByHour(db: DB, accountId: number, kinds: readonly string[], since: number): Array<{ kind: string; hour: number; n: number }> {
  return db
    .prepare(
      `SELECT kind, at / 3600000 AS hour, count(*) AS n FROM security_log
       WHERE account_id = ? AND kind IN (${kinds.map(() => '?').join(',')}) AND at >= ? GROUP BY kind, hour`,
    )
    .all(accountId, ...kinds, since) as Array<{ kind: string; hour: number; n: number }>
}

export function findSecurityLogRowById(db: DB, accountId: number, id: number): SecurityLogRow | undefined {
  return prepareCached(db, 'SELECT * FROM security_log WHERE account_id = ? AND id = ?').get(accountId, id) as SecurityLogRow | undefined
}

export function findSecurityLogRowBySeq(db: DB, accountId: number, seq: number): SecurityLogRow | undefined {
  return prepareCached(db, 'SELECT * FROM security_log WHERE account_id = ? AND seq = ?').get(accountId, seq) as SecurityLogRow | undefined
}

/** Only for the retention trim (which records a signed checkpoint in the same transaction). */
export function deleteSecurityLogRowsBefore(db: DB, accountId: number, seq: number): number {
  return prepareCached(db, 'DELETE FROM security_log WHERE account_id = ? AND seq < ?').run(accountId, seq).changes
}
