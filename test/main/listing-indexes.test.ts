import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { findAccessTokenByHash, listAccessTokenRows } from '../../src-main/db/repositories/access-tokens-repo.ts'
import { ACCOUNT_SORT_EXPRESSIONS, findAccountById, isSameSortValue, listAccountPage } from '../../src-main/db/repositories/accounts-repo.ts'
import type { AccountSortColumn } from '../../src-main/db/repositories/accounts-repo.ts'
import { findApiKeyByHash } from '../../src-main/db/repositories/api-keys-repo.ts'
import { findSessionById, listSessionRowsForAccount } from '../../src-main/db/repositories/sessions-repo.ts'
import { findSSHKeyOwnerByFingerprint, listSSHKeyRows } from '../../src-main/db/repositories/ssh-keys-repo.ts'

/**
 * The queries behind the listings (Sessions, Access tokens, SSH keys) and the credential checks must
 * stay index searches: no table scan, and no temporary B-tree sort, whose cost grows with the rows.
 */
let db: DB
beforeEach(async () => {
  db = openDatabase(':memory:')
  await migrateDatabase(db)
})
afterEach(() => db.close())

/** The SQL the repository functions prepare, captured from `db.prepare`. */
function sqlOf(run: () => void): string[] {
  const seen: string[] = []
  const prepare = db.prepare.bind(db)
  db.prepare = ((sql: string) => {
    seen.push(sql)
    return prepare(sql)
  }) as DB['prepare']
  try {
    run()
  } finally {
    db.prepare = prepare
  }
  return seen
}

function planOf(sql: string): string[] {
  const parameters = (sql.match(/\?/g) ?? []).map(() => 1)
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as Array<{ detail: string }>).map((row) => row.detail)
}

describe('listing and verification queries', () => {
  const cases: Array<[string, () => void]> = [
    ['sessions of an account', () => listSessionRowsForAccount(db, 1)],
    ['access tokens of an account', () => listAccessTokenRows(db, 1)],
    ['SSH keys of an account', () => listSSHKeyRows(db, 1)],
    ['access token by hash', () => findAccessTokenByHash(db, Buffer.alloc(32))],
    ['API key by hash', () => findApiKeyByHash(db, Buffer.alloc(32))],
    ['account by id', () => findAccountById(db, 1)],
    ['session by id', () => findSessionById(db, 'ab')],
    ['SSH key by fingerprint', () => findSSHKeyOwnerByFingerprint(db, 'SHA256:x')],
  ]
  it.each(cases)('%s: an index search, no scan and no sort', (_name, run) => {
    const statements = sqlOf(run)
    expect(statements).toHaveLength(1)
    const plan = planOf(statements[0]!)
    expect(plan.join(' | ')).toMatch(/^SEARCH /)
    expect(plan.join(' | ')).not.toMatch(/\bSCAN\b|TEMP B-TREE/)
  })

  it('the sessions listing uses the index that returns them newest first', () => {
    const [sql] = sqlOf(() => listSessionRowsForAccount(db, 1))
    expect(planOf(sql!)).toEqual(['SEARCH sessions USING INDEX sessions_by_account_newest (account_id=?)'])
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions' AND name = 'sessions_by_account'").get()).toBeUndefined()
  })
})

describe('the Accounts screen page (keyset)', () => {
  const SORTS = Object.keys(ACCOUNT_SORT_EXPRESSIONS) as AccountSortColumn[]
  const LIVE = { createdAfter: 0, usedAfter: 0 }
  /** The live-session count of each row: an index search of that account's sessions. */
  const LIVE_COUNT_PLAN = /^CORRELATED SCALAR SUBQUERY \d+ \| SEARCH s USING (COVERING )?INDEX sessions_by_account_newest \(account_id=\? AND created_at>\?\)$/

  /** 40 accounts whose sort values tie a lot (role, 2FA, counts, sign-in): a cursor must continue inside a tie. */
  function seedTiedAccounts(): void {
    const insert = db.prepare(
      `INSERT INTO accounts (username, username_key, full_name, email, email_key, password_hash, created_at, updated_at, role, two_factor_on, locked_at, last_sign_in_at, session_count, token_count, ssh_key_count)
       VALUES (?, ?, ?, ?, ?, 'x', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    for (let i = 0; i < 40; i++) {
      const email = i % 5 === 0 ? null : `m${i % 7}-${i}@example.org`
      insert.run(`b${i}`, `b${i}`, `${i % 2 === 0 ? 'Name' : 'NAME'} ${i % 6}`, email, email, 1000 + (i % 9), 1000, i % 3 === 0 ? 'administrator' : 'member', i % 2, i % 4 === 0 ? 50 : null, i % 3 === 0 ? null : 70 + (i % 2), i % 3, i % 2, 0)
    }
  }

  it.each(SORTS.flatMap((sort) => [[sort, false], [sort, true]] as const))('by %s (descending: %s): cursor pages give every account once, in index order', (sort, descending) => {
    seedTiedAccounts()
    const expression = ACCOUNT_SORT_EXPRESSIONS[sort]
    const direction = descending ? 'DESC' : 'ASC'
    const expected = (db.prepare(`SELECT id FROM accounts WHERE username_key LIKE 'b%' ORDER BY ${expression} ${direction}, id ${direction}`).all() as Array<{ id: number }>).map((row) => row.id)
    expect(expected).toHaveLength(40)
    // As the service pages: one row more than the page, which tells whether the next page starts inside a tie.
    for (const alwaysTied of [false, true]) {
      const seen: number[] = []
      let after: { value: string | number; id: number; tied: boolean } | undefined
      for (let page = 0; page < 20; page++) {
        const rows = listAccountPage(db, { sort, descending, search: 'b', after, limit: 4, liveSessions: LIVE })
        seen.push(...rows.slice(0, 3).map((row) => row.id))
        if (rows.length < 4) break
        after = { value: rows[2]!.sort_value, id: rows[2]!.id, tied: alwaysTied || isSameSortValue(sort, rows[2]!.sort_value, rows[3]!.sort_value) }
      }
      expect(seen).toEqual(expected)
    }
  })

  it.each(SORTS)('by %s: after a cursor, two exact index ranges (the tie after the id, then past the value), no scan, no sort', (sort) => {
    for (const descending of [false, true]) {
      // No tie at the previous page's end: the one range past the value.
      const beyondStatements = sqlOf(() => listAccountPage(db, { sort, descending, search: 'b', after: { value: 1, id: 1, tied: false }, limit: 5, liveSessions: LIVE }))
      expect(beyondStatements).toHaveLength(1)
      // A tie: its rows after the id first; a limit the tie cannot fill, so that the range past the value runs too.
      const tiedStatements = sqlOf(() => listAccountPage(db, { sort, descending, search: 'b', after: { value: 1, id: 1, tied: true }, limit: 5, liveSessions: LIVE })).filter((sql) => sql !== beyondStatements[0])
      expect(tiedStatements).toHaveLength(1)
      const [tied, beyond] = [tiedStatements[0]!, beyondStatements[0]!].map((sql) => {
        const [page, ...count] = planOf(sql)
        expect(count.join(' | ')).toMatch(LIVE_COUNT_PLAN)
        return page!
      })
      const beyondSign = descending ? '<' : '>'
      expect(tied).toMatch(new RegExp(`^SEARCH accounts USING (COVERING )?INDEX \\w+ \\((.+)=\\? AND (rowid|id)${beyondSign}\\?\\)$`))
      expect(beyond).toMatch(new RegExp(`^SEARCH accounts USING (COVERING )?INDEX \\w+ \\((.+)${beyondSign}\\?\\)$`))
      expect(`${tied} ${beyond}`).not.toMatch(/TEMP B-TREE|\bSCAN\b/)
    }
  })
})
