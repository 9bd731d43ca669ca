import type { DB } from '../database.ts'
import { prepareCached } from '../statement-cache.ts'

export interface AccountRow {
  id: number
  username: string
  username_key: string
  full_name: string
  email: string | null
  email_key: string | null
  description: string
  language: string
  timezone: string
  password_hash: string
  created_at: number
  updated_at: number
}

export interface NewAccountRow {
  username: string
  usernameKey: string
  fullName: string
  email: string | null
  emailKey: string | null
  language: string
  timezone: string
  passwordHash: string
  createdAt: number
}

export function insertAccount(db: DB, row: NewAccountRow): number {
  const result = db
    .prepare(
      `INSERT INTO accounts (username, username_key, full_name, email, email_key, language, timezone, password_hash, created_at, updated_at)
       VALUES (@username, @usernameKey, @fullName, @email, @emailKey, @language, @timezone, @passwordHash, @createdAt, @createdAt)`,
    )
    .run(row)
  return Number(result.lastInsertRowid)
}

export function findAccountById(db: DB, id: number): AccountRow | undefined {
  return prepareCached(db, 'SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined
}

export function findAccountByUsernameKey(db: DB, usernameKey: string): AccountRow | undefined {
  return prepareCached(db, 'SELECT * FROM accounts WHERE username_key = ?').get(usernameKey) as AccountRow | undefined
}

export function findAccountByEmailKey(db: DB, emailKey: string): AccountRow | undefined {
  return db.prepare('SELECT * FROM accounts WHERE email_key = ?').get(emailKey) as AccountRow | undefined
}

export function listAccountRows(db: DB): AccountRow[] {
  return db.prepare('SELECT * FROM accounts ORDER BY username_key').all() as AccountRow[]
}

/** The usernames of the first `limit` accounts in id (rowid) order: reads `limit` rows, whatever the table's size. */
export function listFirstUsernames(db: DB, limit: number): string[] {
  return (db.prepare('SELECT username FROM accounts ORDER BY id LIMIT ?').all(limit) as Array<{ username: string }>).map((row) => row.username)
}

export function countAccounts(db: DB): number {
  return (db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n
}

export function updateAccountPasswordHash(db: DB, id: number, passwordHash: string, now: number): void {
  db.prepare('UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, now, id)
}

export interface AccountProfileUpdate {
  username: string
  usernameKey: string
  fullName: string
  email: string | null
  emailKey: string | null
  description: string
  language: string
  timezone: string
  updatedAt: number
}

export function updateAccountProfile(db: DB, id: number, update: AccountProfileUpdate): void {
  db.prepare(
    `UPDATE accounts SET username = @username, username_key = @usernameKey, full_name = @fullName, email = @email, email_key = @emailKey,
            description = @description, language = @language, timezone = @timezone, updated_at = @updatedAt
     WHERE id = @id`,
  ).run({ ...update, id })
}

/**
 * The tables whose rows of one account grow with use (besides sessions, which end first). Account
 * deletion empties them in slices before the account row goes; ON DELETE CASCADE takes the rest.
 */
export const ACCOUNT_GROWING_TABLES = Object.freeze(['access_tokens', 'ssh_keys', 'security_log'] as const)
export type AccountGrowingTable = (typeof ACCOUNT_GROWING_TABLES)[number]

/** Deletes up to `limit` rows of one account from one of those tables; returns how many went. */
export function deleteAccountRowsSlice(db: DB, table: AccountGrowingTable, accountId: number, limit: number): number {
  if (!ACCOUNT_GROWING_TABLES.includes(table)) throw new Error(`Not an account table: ${table}`)
  return prepareCached(db, `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE account_id = ? LIMIT ?)`).run(accountId, limit).changes
}

/** Deletes the account row; ON DELETE CASCADE removes every row that references it. */
export function deleteAccountRow(db: DB, id: number): boolean {
  return db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0
}

/**
 * The language of the account that signed in (or was created) last, for the next start's first paint.
 * One indexed lookup per kind (security_log_by_kind, newest first): `kind IN (...)` would sort every match.
 */
export function findLastSignedInLanguage(db: DB, kinds: readonly string[]): string | undefined {
  const newest = db.prepare(
    `SELECT a.language AS language, l.at AS at, l.id AS id FROM security_log l JOIN accounts a ON a.id = l.account_id
     WHERE l.kind = ? ORDER BY l.at DESC, l.id DESC LIMIT 1`,
  )
  let last: { language: string; at: number; id: number } | undefined
  for (const kind of kinds) {
    const row = newest.get(kind) as { language: string; at: number; id: number } | undefined
    if (row && (!last || row.at > last.at || (row.at === last.at && row.id > last.id))) last = row
  }
  return last?.language
}
