import { afterEach, beforeEach, expect, it } from 'vitest'
import { seedDatabase } from '../../bench/lib/seed.ts'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'

/**
 * The bench's seeder lifts the accounts' counter triggers while it inserts (bench/lib/seed.ts): the database it leaves
 * must be the one the triggers would have made, with the triggers back in place.
 */
let db: DB
beforeEach(async () => {
  db = openDatabase(':memory:')
  await migrateDatabase(db)
})
afterEach(() => db.close())

const triggers = () => db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()

it('sets every account counter to its rows and puts the triggers back', () => {
  const before = triggers()
  seedDatabase(db, { rows: { accounts: 20, api_keys: 20, sessions: 300, access_tokens: 250, ssh_keys: 60 }, passwordHash: 'x', now: Date.now() })
  expect(triggers()).toEqual(before)
  const wrong = db
    .prepare(
      `SELECT id FROM accounts a WHERE session_count != (SELECT count(*) FROM sessions WHERE account_id = a.id)
         OR token_count != (SELECT count(*) FROM access_tokens WHERE account_id = a.id)
         OR ssh_key_count != (SELECT count(*) FROM ssh_keys WHERE account_id = a.id)`,
    )
    .all()
  expect(wrong).toEqual([])
  expect(db.prepare('SELECT sum(session_count) AS s, sum(token_count) AS t, sum(ssh_key_count) AS k FROM accounts').get()).toEqual({ s: 300, t: 250, k: 60 })
  // The triggers count again.
  db.prepare("INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at) VALUES ('after', 2, randomblob(32), 'app', 1, 1, 1, 2)").run()
  expect(db.prepare('SELECT session_count FROM accounts WHERE id = 2').get()).toEqual(db.prepare('SELECT count(*) AS session_count FROM sessions WHERE account_id = 2').get())
})
