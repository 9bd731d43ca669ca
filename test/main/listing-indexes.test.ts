import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { findAccessTokenByHash, listAccessTokenRows } from '../../src-main/db/repositories/access-tokens-repo.ts'
import { findAccountById } from '../../src-main/db/repositories/accounts-repo.ts'
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
