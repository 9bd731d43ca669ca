import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase, readSchemaVersion } from '../../src-main/db/migrate.ts'
import { TABLES_WITH_LASTING_IDS } from '../../src-main/db/migrations/0008-ids-never-reused.ts'
import { migrations } from '../../src-main/db/migrations/index.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

let dir: ReturnType<typeof makeTempDir>
let db: DB

const servicesOf = (database: DB) =>
  createServices({ db: database, secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')), scryptParams: TEST_ONLY_SCRYPT_PARAMS })

beforeEach(() => {
  dir = makeTempDir()
  db = openDatabase(join(dir.path, 'keystead.db'))
})
afterEach(() => {
  db.close()
  dir.remove()
})

async function fill(target: Services): Promise<{ aliceId: number; bobId: number }> {
  const alice = await target.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
  const bob = await target.accounts.createAccount({ username: 'bob', password: 'wonderland 1' })
  for (const title of ['one', 'two', 'three']) target.tokens.createToken(alice.id, { title, isEnabled: true, scope: 'read-write', expiry: { kind: 'never' } })
  for (const title of ['a', 'b']) target.sshKeys.addKey(alice.id, { title, publicKey: buildEd25519Line(title) })
  target.tokens.createToken(bob.id, { title: 'bob', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } })
  return { aliceId: alice.id, bobId: bob.id }
}

function fillVersion7(target: DB): { aliceId: number; bobId: number } {
  const account = target.prepare(
    "INSERT INTO accounts (username, username_key, password_hash, created_at, updated_at) VALUES (?, ?, 'x', 1, 1)",
  )
  const aliceId = Number(account.run('alice', 'alice').lastInsertRowid)
  const bobId = Number(account.run('bob', 'bob').lastInsertRowid)
  const token = target.prepare(
    "INSERT INTO access_tokens (account_id, title, title_key, token_hash, display_prefix, scope, created_at) VALUES (?, ?, ?, ?, 'kst_', ?, 1)",
  )
  for (const title of ['one', 'two', 'three']) token.run(aliceId, title, title, Buffer.from(`hash-${title}`), 'read-write')
  token.run(bobId, 'bob', 'bob', Buffer.from('hash-bob'), 'read-only')
  const key = target.prepare(
    "INSERT INTO ssh_keys (account_id, title, key_type, bits, key_blob, fingerprint_sha256, fingerprint_md5, created_at) VALUES (?, ?, 'ssh-ed25519', 256, ?, ?, ?, 1)",
  )
  for (const title of ['a', 'b']) key.run(aliceId, title, Buffer.from(title), `SHA256:${title}`, `MD5:${title}`)
  const entry = target.prepare("INSERT INTO security_log (account_id, at, kind) VALUES (?, 1, 'account.created')")
  entry.run(aliceId)
  entry.run(bobId)
  return { aliceId, bobId }
}

const maxId = (table: string) => (db.prepare(`SELECT max(id) AS id FROM ${table}`).get() as { id: number }).id
const schemaOf = (kind: 'index' | 'table') =>
  (db.prepare(`SELECT name, tbl_name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name`).all(kind) as Array<{ name: string }>).map((r) => r.name)
const foreignKeysOf = (table: string) => db.prepare(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)`).all(table)

describe('migration 0008: ids are never reused', () => {
  it('keeps every row, id, index and foreign key of a version-7 database, and makes the four tables AUTOINCREMENT', async () => {
    await migrateDatabase(db, { migrations: migrations.filter((m) => m.version <= 7) })
    expect(readSchemaVersion(db)).toBe(7)
    // Rows as version 7 stores them (today's services write today's columns).
    const { aliceId, bobId } = fillVersion7(db)
    const dump = () => Object.fromEntries(TABLES_WITH_LASTING_IDS.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY id`).all()]))
    const before = JSON.stringify(dump())
    const indexes = schemaOf('index')
    const references = ['sessions', 'security_log', 'access_tokens', 'ssh_keys', 'api_keys', 'two_factor', 'recovery_codes', 'account_pictures'].map(foreignKeysOf)

    await migrateDatabase(db, { migrations: migrations.filter((m) => m.version <= 8) })
    expect(readSchemaVersion(db)).toBe(8)
    expect(JSON.stringify(dump())).toBe(before)
    expect(schemaOf('index')).toEqual(indexes)
    expect(['sessions', 'security_log', 'access_tokens', 'ssh_keys', 'api_keys', 'two_factor', 'recovery_codes', 'account_pictures'].map(foreignKeysOf)).toEqual(references)
    expect(schemaOf('table')).not.toContain('accounts__rebuild')
    for (const table of TABLES_WITH_LASTING_IDS) {
      expect((db.prepare("SELECT sql FROM sqlite_schema WHERE name = ?").get(table) as { sql: string }).sql).toMatch(/id INTEGER PRIMARY KEY AUTOINCREMENT/)
    }
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('foreign_key_check')).toEqual([])
    // The cascade still works after the rebuild: deleting bob removes his token and log.
    db.prepare('DELETE FROM accounts WHERE id = ?').run(bobId)
    expect(db.prepare('SELECT count(*) AS n FROM access_tokens WHERE account_id = ?').get(bobId)).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM access_tokens WHERE account_id = ?').get(aliceId)).toEqual({ n: 3 })
  })

  it('after deleting the highest token, SSH key and account, new ones get new ids', async () => {
    await migrateDatabase(db)
    const target = servicesOf(db)
    const { aliceId, bobId } = await fill(target)
    const highestToken = maxId('access_tokens')
    target.tokens.deleteToken(bobId, highestToken)
    const highestKey = maxId('ssh_keys')
    target.sshKeys.deleteKey(aliceId, highestKey)
    const highestLog = maxId('security_log')
    await target.profile.deleteAccountAsAdmin(bobId, 'cli')

    const carol = await target.accounts.createAccount({ username: 'carol', password: 'wonderland 1' })
    expect(carol.id).toBeGreaterThan(bobId)
    expect(target.tokens.createToken(aliceId, { title: 'four', isEnabled: true, scope: 'read-write', expiry: { kind: 'never' } }).summary.id).toBeGreaterThan(highestToken)
    expect(target.sshKeys.addKey(aliceId, { title: 'c', publicKey: buildEd25519Line('c') }).id).toBeGreaterThan(highestKey)
    expect(maxId('security_log')).toBeGreaterThan(highestLog)
    expect(db.prepare('SELECT id FROM security_log WHERE id <= ? AND account_id = ?').all(highestLog, carol.id)).toEqual([])
  })
})
