import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'

export interface SSHKeyRow {
  id: number
  account_id: number
  title: string
  key_type: string
  bits: number
  key_blob: Buffer
  comment: string
  options: string
  fingerprint_sha256: string
  fingerprint_md5: string
  created_at: number
  /** YYYY-MM-DD: the last day the key is valid, in the account's time zone; null = no expiry. */
  expires_on: string | null
}

export type NewSSHKeyRow = Omit<SSHKeyRow, 'id'>

export function insertSSHKey(db: DB, row: NewSSHKeyRow): number {
  const result = db
    .prepare(
      `INSERT INTO ssh_keys (account_id, title, key_type, bits, key_blob, comment, options, fingerprint_sha256, fingerprint_md5, created_at, expires_on)
       VALUES (@account_id, @title, @key_type, @bits, @key_blob, @comment, @options, @fingerprint_sha256, @fingerprint_md5, @created_at, @expires_on)`,
    )
    .run(row)
  return Number(result.lastInsertRowid)
}

export function listSSHKeyRows(db: DB, accountId: number): SSHKeyRow[] {
  return prepareCached(db, 'SELECT * FROM ssh_keys WHERE account_id = ? ORDER BY created_at, id').all(accountId) as SSHKeyRow[]
}

export function findSSHKeyById(db: DB, accountId: number, id: number): SSHKeyRow | undefined {
  return db.prepare('SELECT * FROM ssh_keys WHERE id = ? AND account_id = ?').get(id, accountId) as SSHKeyRow | undefined
}

export function findSSHKeyOwnerByFingerprint(db: DB, fingerprintSHA256: string): number | undefined {
  const row = db.prepare('SELECT account_id FROM ssh_keys WHERE fingerprint_sha256 = ?').get(fingerprintSHA256) as { account_id: number } | undefined
  return row?.account_id
}

export function deleteSSHKey(db: DB, accountId: number, id: number): boolean {
  return db.prepare('DELETE FROM ssh_keys WHERE id = ? AND account_id = ?').run(id, accountId).changes > 0
}
