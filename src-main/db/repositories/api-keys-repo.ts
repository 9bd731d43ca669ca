import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'
import type { CredentialColumns } from './access-tokens-repo.ts'
import type { AccountRow } from './accounts-repo.ts'

export interface ApiKeyRow {
  account_id: number
  key_hash: Buffer
  sealed_key: Buffer
  last_four: string
  created_at: number
  last_used_at: number | null
}

/** Inserts the account's API key, or replaces it (the old hash stops matching at once). */
export function upsertApiKey(db: DB, row: Omit<ApiKeyRow, 'last_used_at'>): void {
  prepareCached(db, 
    `INSERT INTO api_keys (account_id, key_hash, sealed_key, last_four, created_at, last_used_at)
     VALUES (@account_id, @key_hash, @sealed_key, @last_four, @created_at, NULL)
     ON CONFLICT (account_id) DO UPDATE SET key_hash = excluded.key_hash, sealed_key = excluded.sealed_key,
       last_four = excluded.last_four, created_at = excluded.created_at, last_used_at = NULL`,
  ).run(row)
}

export function findApiKeyByAccount(db: DB, accountId: number): ApiKeyRow | undefined {
  return prepareCached(db, 'SELECT * FROM api_keys WHERE account_id = ?').get(accountId) as ApiKeyRow | undefined
}

export function findApiKeyByHash(db: DB, keyHash: Buffer): ApiKeyRow | undefined {
  return prepareCached(db, 'SELECT * FROM api_keys WHERE key_hash = ?').get(keyHash) as ApiKeyRow | undefined
}

/** The API key and its account's whole row in one statement (one read transaction), shaped like a token's. */
export function findApiKeyWithAccountByHash(db: DB, keyHash: Buffer): (CredentialColumns & AccountRow) | undefined {
  return prepareCached(
    db,
    `SELECT NULL AS credential_id, 'read-write' AS credential_scope, 1 AS credential_enabled, k.created_at AS credential_created_at,
            NULL AS credential_expires_at, k.last_used_at AS credential_last_used_at, a.*
     FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = ?`,
  ).get(keyHash) as (CredentialColumns & AccountRow) | undefined
}

export function touchApiKey(db: DB, accountId: number, lastUsedAt: number): void {
  prepareCached(db, 'UPDATE api_keys SET last_used_at = ? WHERE account_id = ?').run(lastUsedAt, accountId)
}
