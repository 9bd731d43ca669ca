import type { DB } from '../database.ts'

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
  return db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined
}

export function findAccountByUsernameKey(db: DB, usernameKey: string): AccountRow | undefined {
  return db.prepare('SELECT * FROM accounts WHERE username_key = ?').get(usernameKey) as AccountRow | undefined
}

export function findAccountByEmailKey(db: DB, emailKey: string): AccountRow | undefined {
  return db.prepare('SELECT * FROM accounts WHERE email_key = ?').get(emailKey) as AccountRow | undefined
}

export function listAccountRows(db: DB): AccountRow[] {
  return db.prepare('SELECT * FROM accounts ORDER BY username_key').all() as AccountRow[]
}

export function countAccounts(db: DB): number {
  return (db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n
}

export function updateAccountPasswordHash(db: DB, id: number, passwordHash: string, now: number): void {
  db.prepare('UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, now, id)
}

/** Sets the full name and e-mail address together (the administration faces' profile edit). */
export function updateAccountContactFields(
  db: DB,
  id: number,
  fields: { fullName: string; email: string | null; emailKey: string | null },
  now: number,
): void {
  db.prepare('UPDATE accounts SET full_name = ?, email = ?, email_key = ?, updated_at = ? WHERE id = ?').run(
    fields.fullName,
    fields.email,
    fields.emailKey,
    now,
    id,
  )
}
