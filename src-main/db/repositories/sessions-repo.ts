import type { DeviceDetails } from '../../../src-preload/contract/sessions.ts'
import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'

/** A row of `sessions`; the device columns (browser, os, model, ip, engine, arch) are the contract's DeviceDetails. */
export interface SessionRow extends DeviceDetails {
  id: string
  account_id: number
  token_hash: Buffer
  origin: string
  created_at: number
  last_used_at: number
  last_auth_at: number
  expires_at: number
  keep_signed_in: number
}

export type NewSessionRow = Omit<SessionRow, never>

export function insertSession(db: DB, row: SessionRow): void {
  db.prepare(
    `INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at, keep_signed_in,
                           browser, os, model, ip, engine, arch)
     VALUES (@id, @account_id, @token_hash, @origin, @created_at, @last_used_at, @last_auth_at, @expires_at, @keep_signed_in,
             @browser, @os, @model, @ip, @engine, @arch)`,
  ).run(row)
}

export function findSessionByTokenHash(db: DB, tokenHash: Buffer): SessionRow | undefined {
  return prepareCached(db, 'SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined
}

export function findSessionById(db: DB, id: string): SessionRow | undefined {
  return prepareCached(db, 'SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined
}

export function listSessionRowsForAccount(db: DB, accountId: number): SessionRow[] {
  return prepareCached(db, 'SELECT * FROM sessions WHERE account_id = ? ORDER BY created_at DESC, id').all(accountId) as SessionRow[]
}

/** Where a page of an account's sessions ended (newest first: created_at descending, then id). */
export interface SessionPageCursor {
  createdAt: number
  id: string
}

/**
 * One page of an account's sessions in the list's order (created_at DESC, id), after `after`, without
 * `exceptId`: keyset paging on sessions_by_account_newest, so every page costs the same however many
 * sessions the account has.
 */
export function listSessionRowsPage(db: DB, accountId: number, options: { after: SessionPageCursor | null; exceptId: string | null; limit: number }): SessionRow[] {
  if (!options.after) {
    return prepareCached(db, 'SELECT * FROM sessions WHERE account_id = ? AND id IS NOT ? ORDER BY created_at DESC, id LIMIT ?').all(accountId, options.exceptId, options.limit) as SessionRow[]
  }
  const { createdAt, id } = options.after
  return prepareCached(
    db,
    'SELECT * FROM sessions WHERE account_id = ? AND id IS NOT ? AND created_at <= ? AND (created_at < ? OR id > ?) ORDER BY created_at DESC, id LIMIT ?',
  ).all(accountId, options.exceptId, createdAt, createdAt, id, options.limit) as SessionRow[]
}

/** The times that decide whether sessions are alive, for a few ids at once (primary-key lookups). */
export function findSessionTimesByIds(db: DB, ids: readonly string[]): Array<Pick<SessionRow, 'id' | 'created_at' | 'last_used_at'>> {
  if (ids.length === 0) return []
  return db
    .prepare(`SELECT id, created_at, last_used_at FROM sessions WHERE id IN (${ids.map(() => '?').join(',')})`)
    .all(...ids) as Array<Pick<SessionRow, 'id' | 'created_at' | 'last_used_at'>>
}

export function touchSession(db: DB, id: string, lastUsedAt: number): void {
  db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?').run(lastUsedAt, id)
}

export function markSessionAuthenticated(db: DB, id: string, at: number): void {
  db.prepare('UPDATE sessions SET last_auth_at = ? WHERE id = ?').run(at, id)
}

export function deleteSession(db: DB, id: string): boolean {
  return db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0
}

/** Deletes up to `limit` sessions of an account except `keepId` (one slice of a sign-out everywhere or an account's deletion); returns their ids. */
export function deleteAccountSessionsSlice(db: DB, accountId: number, limit: number, keepId: string | null = null): string[] {
  const rows = prepareCached(db, 'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE account_id = ? AND id IS NOT ? LIMIT ?) RETURNING id').all(accountId, keepId, limit) as Array<{ id: string }>
  return rows.map((row) => row.id)
}

/** Deletes every session of an account except `keepId`; returns the ids removed. */
export function deleteAccountSessions(db: DB, accountId: number, keepId: string | null = null): string[] {
  // One statement: a session another process adds meanwhile is either kept or reported, never lost silently.
  const rows = db.prepare('DELETE FROM sessions WHERE account_id = ? AND id IS NOT ? RETURNING id').all(accountId, keepId) as Array<{ id: string }>
  return rows.map((row) => row.id)
}
