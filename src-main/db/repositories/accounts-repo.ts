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
  /** 'administrator' or 'member' (migration 0009). */
  role: string
  /** When the account was locked; null = not locked. */
  locked_at: number | null
  must_change_password: number
  last_sign_in_at: number | null
  /** Kept by triggers (migration 0009) for the Accounts screen's sorting. */
  two_factor_on: number
  session_count: number
  token_count: number
  ssh_key_count: number
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
  /** Absent: 'administrator' for the store's first account, else 'member'. */
  role?: string
  mustChangePassword?: boolean
}

export function insertAccount(db: DB, row: NewAccountRow): number {
  const result = db
    .prepare(
      `INSERT INTO accounts (username, username_key, full_name, email, email_key, language, timezone, password_hash, created_at, updated_at, role, must_change_password)
       VALUES (@username, @usernameKey, @fullName, @email, @emailKey, @language, @timezone, @passwordHash, @createdAt, @createdAt,
               coalesce(@role, CASE WHEN EXISTS (SELECT 1 FROM accounts) THEN 'member' ELSE 'administrator' END), @mustChangePassword)`,
    )
    .run({ ...row, role: row.role ?? null, mustChangePassword: row.mustChangePassword ? 1 : 0 })
  return Number(result.lastInsertRowid)
}

export function findAccountById(db: DB, id: number): AccountRow | undefined {
  return prepareCached(db, 'SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined
}

export function findAccountByUsernameKey(db: DB, usernameKey: string): AccountRow | undefined {
  return prepareCached(db, 'SELECT * FROM accounts WHERE username_key = ?').get(usernameKey) as AccountRow | undefined
}

/** The id of the first-created account (the smallest id), or undefined without accounts. */
export function findFirstAccountId(db: DB): number | undefined {
  return (prepareCached(db, 'SELECT id FROM accounts ORDER BY id LIMIT 1').get() as { id: number } | undefined)?.id
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

export function updateAccountRole(db: DB, id: number, role: string, now: number): void {
  db.prepare('UPDATE accounts SET role = ?, updated_at = ? WHERE id = ?').run(role, now, id)
}

export function updateAccountLocked(db: DB, id: number, lockedAt: number | null, now: number): void {
  db.prepare('UPDATE accounts SET locked_at = ?, updated_at = ? WHERE id = ?').run(lockedAt, now, id)
}

export function updateMustChangePassword(db: DB, id: number, mustChange: boolean, now: number): void {
  db.prepare('UPDATE accounts SET must_change_password = ?, updated_at = ? WHERE id = ?').run(mustChange ? 1 : 0, now, id)
}

export function updateLastSignIn(db: DB, id: number, at: number): void {
  prepareCached(db, 'UPDATE accounts SET last_sign_in_at = ? WHERE id = ?').run(at, id)
}

/** Administrators who can still act (not locked), leaving out one account: "would anyone be left?" (index accounts_by_role). */
export function countActiveAdministrators(db: DB, exceptId: number | null = null): number {
  return (
    db.prepare(`SELECT count(*) AS n FROM accounts WHERE role = 'administrator' AND locked_at IS NULL AND id IS NOT ?`).get(exceptId) as { n: number }
  ).n
}

/** Whether the account may sign in / hold credentials: one primary-key lookup (the credential check's hot path). */
export function isAccountLocked(db: DB, id: number): boolean {
  const row = prepareCached(db, 'SELECT locked_at FROM accounts WHERE id = ?').get(id) as { locked_at: number | null } | undefined
  return row !== undefined && row.locked_at !== null
}

/**
 * The Accounts screen's columns, each with the SQL expression its index (migration 0009) is built on.
 * Keyset paging orders by (expression, id) and continues after the last row's pair.
 */
export const ACCOUNT_SORT_EXPRESSIONS = Object.freeze({
  username: 'username_key',
  fullName: 'full_name COLLATE NOCASE',
  email: "ifnull(email_key, '')",
  role: 'role',
  twoFactor: 'two_factor_on',
  locked: 'ifnull(locked_at, 0)',
  lastSignIn: 'ifnull(last_sign_in_at, 0)',
  createdAt: 'created_at',
  sessions: 'session_count',
  tokens: 'token_count',
  sshKeys: 'ssh_key_count',
} as const)
export type AccountSortColumn = keyof typeof ACCOUNT_SORT_EXPRESSIONS

/**
 * The index each sort walks, named so that SQLite's planner (which, with statistics, preferred a full
 * scan and a sort for a searched first page: 20 ms at 100,000 accounts) always takes the keyset path.
 */
const ACCOUNT_SORT_INDEXES: Readonly<Record<AccountSortColumn, string>> = Object.freeze({
  username: 'sqlite_autoindex_accounts_1',
  fullName: 'accounts_by_full_name',
  email: 'accounts_by_email',
  role: 'accounts_by_role',
  twoFactor: 'accounts_by_two_factor',
  locked: 'accounts_by_locked',
  lastSignIn: 'accounts_by_last_sign_in',
  createdAt: 'accounts_by_created',
  sessions: 'accounts_by_session_count',
  tokens: 'accounts_by_token_count',
  sshKeys: 'accounts_by_ssh_key_count',
})

/**
 * Which sessions are alive (the session service's rule: neither the absolute nor the idle lifetime has run
 * out): created after `createdAfter` and last used after `usedAfter` (ms).
 */
export interface LiveSessionWindow {
  createdAfter: number
  usedAfter: number
}

/**
 * The account's live sessions, counted with index sessions_by_account_newest (account_id, created_at):
 * `session_count` (kept by the triggers of migration 0009) also counts sessions that expired but were not
 * ended yet, since time passing changes no row.
 */
const LIVE_SESSION_COUNT = '(SELECT count(*) FROM sessions s WHERE s.account_id = accounts.id AND s.created_at > ? AND s.last_used_at > ?)'

export function countLiveSessions(db: DB, accountId: number, window: LiveSessionWindow): number {
  return (prepareCached(db, `SELECT ${LIVE_SESSION_COUNT} AS n FROM accounts WHERE id = ?`).get(window.createdAfter, window.usedAfter, accountId) as { n: number } | undefined)?.n ?? 0
}

/** A row of the Accounts screen's page: the sort value its cursor continues from, and the live session count. */
export type AccountPageRow = AccountRow & { sort_value: string | number; live_session_count: number }

export interface AccountPageQuery {
  sort: AccountSortColumn
  descending: boolean
  /** Lowercased start of the username, full name or e-mail; '' = every account. */
  search: string
  /**
   * The (sort value, id) of the last row of the previous page, and whether the row after it had the same
   * value (false: the page starts past that value, one index range); absent = first page.
   */
  after?: { value: string | number; id: number; tied: boolean }
  limit: number
  liveSessions: LiveSessionWindow
}

/** Whether two sort values are equal as the column's index compares them (full names: NOCASE, ASCII letters only). */
export function isSameSortValue(sort: AccountSortColumn, a: string | number, b: string | number): boolean {
  if (sort === 'fullName' && typeof a === 'string' && typeof b === 'string') return a.replace(/[A-Z]/g, (c) => c.toLowerCase()) === b.replace(/[A-Z]/g, (c) => c.toLowerCase())
  return a === b
}

/** LIKE pattern for "starts with": %, _ and \ in the search are matched literally. */
function prefixPattern(search: string): string {
  return `${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * One page of accounts, in the database, walking the column's index from the previous page's last row, so
 * page 1,000 costs what page 1 does. The search filters on the way. After a cursor, two exact index ranges
 * (EXPLAIN QUERY PLAN: `SEARCH ... (expr=? AND id>?)`, then `SEARCH ... (expr>?)`): the rows tied with the
 * last row's value after its id, then the rows past that value. A single `expr >= ? AND (expr > ? OR id > ?)`
 * seeks to the first row of the tied value and steps over every tied row before the cursor: on a column
 * with few values (role, 2FA, counts) that is most of the table on a deep page, and on any column it
 * evaluates the OR on each row it walks. (A row value `(expr, id) > (?, ?)` over an expression index is a
 * full index scan.) The tie's range runs only when the previous page saw the row after its last one share
 * that value (`after.tied`): most pages are the one range past the value. (An account given exactly that
 * value with a higher id between two pages is then missed by this pass, as keyset paging misses a row that
 * moves behind the cursor: a fresh listing shows it.)
 */
export function listAccountPage(db: DB, query: AccountPageQuery): AccountPageRow[] {
  const expression = ACCOUNT_SORT_EXPRESSIONS[query.sort]
  const direction = query.descending ? 'DESC' : 'ASC'
  const search: string[] = []
  const searchParameters: string[] = []
  if (query.search !== '') {
    search.push(`(username_key LIKE ? ESCAPE '\\' OR full_name LIKE ? ESCAPE '\\' OR email_key LIKE ? ESCAPE '\\')`)
    const pattern = prefixPattern(query.search)
    searchParameters.push(pattern, pattern, pattern)
  }
  const select = (conditions: string[], parameters: Array<string | number>, limit: number, order = `${expression} ${direction}, id ${direction}`): AccountPageRow[] => {
    const where = [...search, ...conditions]
    // The count's subquery runs for the rows of the page only (those that pass the WHERE).
    const sql = `SELECT *, ${expression} AS sort_value, ${LIVE_SESSION_COUNT} AS live_session_count FROM accounts INDEXED BY ${ACCOUNT_SORT_INDEXES[query.sort]} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY ${order} LIMIT ?`
    const live = [query.liveSessions.createdAfter, query.liveSessions.usedAfter]
    return prepareCached(db, sql).all(...live, ...searchParameters, ...parameters, limit) as AccountPageRow[]
  }
  if (!query.after) return select([], [], query.limit)
  const beyond = query.descending ? '<' : '>'
  if (!query.after.tied) return select([`${expression} ${beyond} ?`], [query.after.value], query.limit)
  // Within one value the index is in id order (ordering by the expression too makes SQLite sort an expression index's rows).
  const tied = select([`${expression} = ?`, `id ${beyond} ?`], [query.after.value, query.after.id], query.limit, `id ${direction}`)
  if (tied.length >= query.limit) return tied
  return [...tied, ...select([`${expression} ${beyond} ?`], [query.after.value], query.limit - tied.length)]
}
