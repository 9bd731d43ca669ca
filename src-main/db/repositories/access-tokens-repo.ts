import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'
import type { AccountRow } from './accounts-repo.ts'

export interface AccessTokenRow {
  id: number
  account_id: number
  title: string
  title_key: string
  token_hash: Buffer
  display_prefix: string
  scope: 'read-only' | 'read-write' | 'introspect'
  is_enabled: number
  created_at: number
  expires_at: number | null
  last_used_at: number | null
}

export type NewAccessTokenRow = Omit<AccessTokenRow, 'id' | 'last_used_at'>

/** The fields of a credential that, joined with its account's row, authenticate a request in one statement. */
export interface CredentialColumns {
  credential_id: number | null
  credential_scope: AccessTokenRow['scope']
  credential_enabled: number
  credential_created_at: number
  credential_expires_at: number | null
  credential_last_used_at: number | null
}

export function insertAccessToken(db: DB, row: NewAccessTokenRow): number {
  const result = prepareCached(db, 
      `INSERT INTO access_tokens (account_id, title, title_key, token_hash, display_prefix, scope, is_enabled, created_at, expires_at)
       VALUES (@account_id, @title, @title_key, @token_hash, @display_prefix, @scope, @is_enabled, @created_at, @expires_at)`,
    )
    .run(row)
  return Number(result.lastInsertRowid)
}

export function listAccessTokenRows(db: DB, accountId: number): AccessTokenRow[] {
  return prepareCached(db, 'SELECT * FROM access_tokens WHERE account_id = ? ORDER BY created_at DESC, id DESC').all(accountId) as AccessTokenRow[]
}

export function findAccessTokenForAccount(db: DB, accountId: number, id: number): AccessTokenRow | undefined {
  return prepareCached(db, 'SELECT * FROM access_tokens WHERE id = ? AND account_id = ?').get(id, accountId) as AccessTokenRow | undefined
}

export function findAccessTokenByTitleKey(db: DB, accountId: number, titleKey: string): AccessTokenRow | undefined {
  return prepareCached(db, 'SELECT * FROM access_tokens WHERE account_id = ? AND title_key = ?').get(accountId, titleKey) as AccessTokenRow | undefined
}

export function findAccessTokenByHash(db: DB, tokenHash: Buffer): AccessTokenRow | undefined {
  return prepareCached(db, 'SELECT * FROM access_tokens WHERE token_hash = ?').get(tokenHash) as AccessTokenRow | undefined
}

/** The token and its account's whole row in one statement (one read transaction); none when either is gone. */
export function findAccessTokenWithAccountByHash(db: DB, tokenHash: Buffer): (CredentialColumns & AccountRow) | undefined {
  return prepareCached(
    db,
    `SELECT t.id AS credential_id, t.scope AS credential_scope, t.is_enabled AS credential_enabled, t.created_at AS credential_created_at,
            t.expires_at AS credential_expires_at, t.last_used_at AS credential_last_used_at, a.*
     FROM access_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?`,
  ).get(tokenHash) as (CredentialColumns & AccountRow) | undefined
}

export function setAccessTokenEnabled(db: DB, id: number, isEnabled: boolean): void {
  prepareCached(db, 'UPDATE access_tokens SET is_enabled = ? WHERE id = ?').run(isEnabled ? 1 : 0, id)
}

export function deleteAccessToken(db: DB, id: number): boolean {
  return prepareCached(db, 'DELETE FROM access_tokens WHERE id = ?').run(id).changes > 0
}

export function touchAccessToken(db: DB, id: number, lastUsedAt: number): void {
  prepareCached(db, 'UPDATE access_tokens SET last_used_at = ? WHERE id = ?').run(lastUsedAt, id)
}

/** Deletes every access token of the account; returns how many there were. */
export function deleteAccountAccessTokens(db: DB, accountId: number): number {
  return db.prepare('DELETE FROM access_tokens WHERE account_id = ?').run(accountId).changes
}
