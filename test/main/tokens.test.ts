import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateTokenInput } from '../../src-preload/contract/tokens.ts'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { migration0001 } from '../../src-main/db/migrations/0001-accounts.ts'
import { generateCredential } from '../../src-main/services/credential-format.ts'
import { createCredentialService, LAST_USED_WRITE_INTERVAL_MS } from '../../src-main/services/credential-service.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { startOfDayIn } from '../../src-main/services/token-rules.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'

let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let now: number
let accountId: number
const DAY = 86_400_000

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  ;({ db, services } = await openTestServices(dir.path, () => now))
  accountId = (await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1', timezone: 'Europe/Istanbul' })).id
})
afterEach(() => {
  db.close()
  dir.remove()
})

function errorOf(run: () => unknown): KeysteadError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(KeysteadError)
    return error as KeysteadError
  }
  throw new Error('expected a KeysteadError')
}

const input = (over: Partial<CreateTokenInput> = {}): CreateTokenInput => ({
  title: 'CI deploy',
  isEnabled: true,
  scope: 'read-only',
  expiry: { kind: 'never' },
  ...over,
})

/** Everything the token feature stores, to prove a refused request changed nothing. */
function snapshot(): unknown {
  return {
    tokens: db.prepare('SELECT * FROM access_tokens ORDER BY id').all(),
    keys: db.prepare('SELECT * FROM api_keys ORDER BY account_id').all(),
    log: db.prepare('SELECT * FROM security_log ORDER BY id').all(),
  }
}

const kinds = () => (db.prepare('SELECT kind FROM security_log WHERE account_id = ? ORDER BY id').all(accountId) as Array<{ kind: string }>).map((r) => r.kind)

describe('personal API key', () => {
  it('is created with the account, in the same transaction, stored hashed and sealed', () => {
    const row = db.prepare('SELECT * FROM api_keys WHERE account_id = ?').get(accountId) as Record<string, unknown>
    expect(row).toBeDefined()
    expect((row.key_hash as Buffer).length).toBe(32)
    const key = services.apiKeys.revealApiKey(accountId)
    expect(key).toMatch(/^ksk_[0-9A-Za-z]{42}$/)
    expect(services.apiKeys.getApiKeySummary(accountId)).toEqual({
      maskedKey: `ksk_${'•'.repeat(16)}${key.slice(-4)}`,
      createdAt: new Date(now).toISOString(),
      lastUsedAt: null,
    })
    expect(services.credentials.verifyCredential(key)).toEqual({ ok: true, accountId, scope: 'read-write', kind: 'api-key' })
  })

  it('no account is created when giving it an API key fails (one transaction)', async () => {
    db.exec('CREATE TRIGGER refuse_keys BEFORE INSERT ON api_keys BEGIN SELECT RAISE(ABORT, "refused"); END')
    await expect(services.accounts.createAccount({ username: 'bob', password: 'builder 12' })).rejects.toThrow(/refused/)
    expect(services.accounts.listAccounts().map((a) => a.username)).toEqual(['alice'])
  })

  it('regenerating replaces the key at once: the old key is unknown, the new one works, the event is logged', () => {
    const old = services.apiKeys.revealApiKey(accountId)
    now += 1000
    const { apiKey, summary } = services.apiKeys.regenerateApiKey(accountId, { sessionId: 's1' })
    expect(apiKey).not.toBe(old)
    expect(summary.maskedKey.endsWith(apiKey.slice(-4))).toBe(true)
    expect(services.apiKeys.revealApiKey(accountId)).toBe(apiKey)
    expect(services.credentials.verifyCredential(old)).toEqual({ ok: false, reason: 'unknown' })
    expect(services.credentials.verifyCredential(apiKey)).toMatchObject({ ok: true, accountId, kind: 'api-key' })
    expect(kinds()).toContain('apikey.regenerated')
    const logged = db.prepare("SELECT detail, session_id FROM security_log WHERE kind = 'apikey.regenerated'").get() as { detail: string; session_id: string }
    expect(logged.session_id).toBe('s1')
    expect(logged.detail).not.toContain(apiKey.slice(4, 20))
  })

  it('records the API key\'s "last used" at most once a minute', () => {
    const key = services.apiKeys.revealApiKey(accountId)
    const start = now
    services.credentials.verifyCredential(key)
    now += LAST_USED_WRITE_INTERVAL_MS - 1
    services.credentials.verifyCredential(key)
    expect(services.apiKeys.getApiKeySummary(accountId).lastUsedAt).toBe(new Date(start).toISOString())
    now += 1
    services.credentials.verifyCredential(key)
    expect(services.apiKeys.getApiKeySummary(accountId).lastUsedAt).toBe(new Date(now).toISOString())
  })

  it('gives accounts made before this feature their key lazily, on first use', async () => {
    const legacyDir = makeTempDir()
    const legacy = openDatabase(join(legacyDir.path, 'keystead.db'))
    try {
      await migrateDatabase(legacy, { migrations: [migration0001] })
      legacy
        .prepare("INSERT INTO accounts (username, username_key, password_hash, created_at, updated_at) VALUES ('old', 'old', 'x', 1, 1)")
        .run()
      await migrateDatabase(legacy)
      expect(legacy.prepare('SELECT count(*) AS n FROM api_keys').get()).toEqual({ n: 0 })
      const legacyServices = createServices({ db: legacy, secretBox: createKeyFileSecretBox(join(legacyDir.path, 'k')), clock: () => now })
      const summary = legacyServices.apiKeys.getApiKeySummary(1)
      expect(summary.maskedKey).toMatch(/^ksk_•{16}[0-9A-Za-z]{4}$/)
      expect(legacyServices.credentials.verifyCredential(legacyServices.apiKeys.revealApiKey(1))).toMatchObject({ ok: true, accountId: 1 })
      // Asking again gives the same key, not a new one.
      expect(legacyServices.apiKeys.getApiKeySummary(1).maskedKey).toBe(summary.maskedKey)
      expect(legacy.prepare('SELECT count(*) AS n FROM api_keys').get()).toEqual({ n: 1 })
    } finally {
      legacy.close()
      legacyDir.remove()
    }
  })
})

describe('access tokens', () => {
  it('creates a token shown once, stores only its hash and display prefix, and logs it', () => {
    const { token, summary } = services.tokens.createToken(accountId, input({ scope: 'read-write', expiry: { kind: 'days', days: 30 } }), { sessionId: 's1' })
    expect(token).toMatch(/^kst_[0-9A-Za-z]{42}$/)
    expect(summary).toEqual({
      id: expect.any(Number),
      title: 'CI deploy',
      displayPrefix: token.slice(0, 12),
      scope: 'read-write',
      isEnabled: true,
      isExpired: false,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 30 * DAY).toISOString(),
      lastUsedAt: null,
    })
    expect(services.tokens.listTokens(accountId)).toEqual([summary])
    const row = db.prepare('SELECT * FROM access_tokens').get() as Record<string, unknown>
    expect(Object.values(row).some((v) => typeof v === 'string' && v.includes(token.slice(12)))).toBe(false)
    expect(kinds()).toEqual(['account.created', 'token.created'])
    expect(services.credentials.verifyCredential(token)).toEqual({ ok: true, accountId, scope: 'read-write', kind: 'token', tokenId: summary.id })
  })

  it.each([7, 30, 90, 365] as const)('expires after %i days', (days) => {
    const { summary } = services.tokens.createToken(accountId, input({ expiry: { kind: 'days', days } }))
    expect(summary.expiresAt).toBe(new Date(now + days * DAY).toISOString())
  })

  it('a date expiry lasts to the end of that day in the account time zone (Istanbul, UTC+3)', () => {
    const { summary } = services.tokens.createToken(accountId, input({ expiry: { kind: 'date', date: '2026-12-31' } }))
    // Midnight of 1 January 2027 in Istanbul is 21:00 UTC on 31 December; the token ends just before it.
    expect(summary.expiresAt).toBe('2026-12-31T20:59:59.999Z')
    // Today is allowed (it ends at the next midnight there); DST zones resolve correctly.
    expect(services.tokens.createToken(accountId, input({ title: 'today', expiry: { kind: 'date', date: '2026-11-23' } })).summary.expiresAt).toBe(
      '2026-11-23T20:59:59.999Z',
    )
    expect(new Date(startOfDayIn(2026, 3, 29, 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z')
    expect(new Date(startOfDayIn(2026, 3, 30, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z')
  })

  it('keeps a disabled token listed and refuses it; enabling brings it back', () => {
    const { token, summary } = services.tokens.createToken(accountId, input({ isEnabled: false }))
    expect(summary.isEnabled).toBe(false)
    expect(services.credentials.verifyCredential(token)).toEqual({ ok: false, reason: 'disabled' })
    expect(services.tokens.setTokenEnabled(accountId, summary.id, true).isEnabled).toBe(true)
    expect(services.credentials.verifyCredential(token)).toMatchObject({ ok: true })
    expect(services.tokens.setTokenEnabled(accountId, summary.id, false).isEnabled).toBe(false)
    expect(services.credentials.verifyCredential(token)).toEqual({ ok: false, reason: 'disabled' })
    // Setting the same state again logs nothing new.
    services.tokens.setTokenEnabled(accountId, summary.id, false)
    expect(kinds()).toEqual(['account.created', 'token.created', 'token.enabled', 'token.disabled'])
  })

  it('marks and refuses an expired token', () => {
    const { token, summary } = services.tokens.createToken(accountId, input({ expiry: { kind: 'days', days: 7 } }))
    now += 7 * DAY - 1
    expect(services.credentials.verifyCredential(token)).toMatchObject({ ok: true })
    now += 1
    expect(services.credentials.verifyCredential(token)).toEqual({ ok: false, reason: 'expired' })
    expect(services.tokens.listTokens(accountId)).toEqual([expect.objectContaining({ id: summary.id, isExpired: true })])
  })

  it('a deleted token is unknown at once', () => {
    const { token, summary } = services.tokens.createToken(accountId, input())
    services.tokens.deleteToken(accountId, summary.id, { sessionId: 's1' })
    expect(services.tokens.listTokens(accountId)).toEqual([])
    expect(services.credentials.verifyCredential(token)).toEqual({ ok: false, reason: 'unknown' })
    expect(kinds()).toEqual(['account.created', 'token.created', 'token.deleted'])
  })

  it('writes "last used" at most once a minute per token', () => {
    const { token, summary } = services.tokens.createToken(accountId, input())
    const lastUsed = () => services.tokens.listTokens(accountId)[0]!.lastUsedAt
    const start = now
    services.credentials.verifyCredential(token)
    expect(lastUsed()).toBe(new Date(start).toISOString())
    let writes = 0
    db.function('count_write', () => ++writes)
    db.exec('CREATE TEMP TRIGGER count_touch AFTER UPDATE OF last_used_at ON access_tokens BEGIN SELECT count_write(); END')
    for (let i = 0; i < 59; i++) {
      now += 1000
      expect(services.credentials.verifyCredential(token)).toMatchObject({ ok: true, tokenId: summary.id })
    }
    expect(writes).toBe(0)
    expect(lastUsed()).toBe(new Date(start).toISOString())
    now = start + LAST_USED_WRITE_INTERVAL_MS
    services.credentials.verifyCredential(token)
    expect(writes).toBe(1)
    expect(lastUsed()).toBe(new Date(now).toISOString())
  })

  it('cannot see, change or delete another account’s token', async () => {
    const bob = (await services.accounts.createAccount({ username: 'bob', password: 'builder 12' })).id
    const { summary } = services.tokens.createToken(accountId, input())
    const before = snapshot()
    expect(services.tokens.listTokens(bob)).toEqual([])
    expect(errorOf(() => services.tokens.setTokenEnabled(bob, summary.id, false))).toMatchObject({ code: 'NOT_FOUND', reason: 'tokens.notFound' })
    expect(errorOf(() => services.tokens.deleteToken(bob, summary.id))).toMatchObject({ code: 'NOT_FOUND', reason: 'tokens.notFound' })
    expect(snapshot()).toEqual(before)
    // Titles are unique per account, not across accounts.
    expect(services.tokens.createToken(bob, input()).summary.title).toBe('CI deploy')
  })

  it('removes an account’s keys and tokens with the account', () => {
    services.tokens.createToken(accountId, input())
    db.prepare('DELETE FROM accounts WHERE id = ?').run(accountId)
    expect(db.prepare('SELECT (SELECT count(*) FROM access_tokens) + (SELECT count(*) FROM api_keys) AS n').get()).toEqual({ n: 0 })
  })
})

describe('bad input changes nothing', () => {
  it.each([
    ['a missing title', input({ title: '' }), 'title', 'tokens.titleRequired'],
    ['a blank title', input({ title: '   \t ' }), 'title', 'tokens.titleRequired'],
    ['a title of 101 characters', input({ title: 'x'.repeat(101) }), 'title', 'tokens.titleTooLong'],
    ['a title with a control character', input({ title: 'bad\u0007title' }), 'title', 'tokens.titleInvalid'],
    ['an unknown scope', input({ scope: 'admin' as never }), 'scope', 'tokens.scopeInvalid'],
    ['an unoffered number of days', input({ expiry: { kind: 'days', days: 14 as never } }), 'expiry', 'tokens.expiryInvalid'],
    ['a date in the past', input({ expiry: { kind: 'date', date: '2026-11-22' } }), 'expiry', 'tokens.expiryPast'],
    ['a date long past', input({ expiry: { kind: 'date', date: '2001-01-01' } }), 'expiry', 'tokens.expiryPast'],
    ['an impossible date', input({ expiry: { kind: 'date', date: '2027-02-30' } }), 'expiry', 'tokens.expiryInvalid'],
    ['a date in another format', input({ expiry: { kind: 'date', date: '31.12.2027' } }), 'expiry', 'tokens.expiryInvalid'],
  ])('refuses %s', (_label, request, field, reason) => {
    const before = snapshot()
    expect(errorOf(() => services.tokens.createToken(accountId, request))).toMatchObject({ code: 'VALIDATION', field, reason })
    expect(snapshot()).toEqual(before)
  })

  it('accepts a title of exactly 100 characters (counted as characters, not UTF-16 units)', () => {
    expect(services.tokens.createToken(accountId, input({ title: '🔑'.repeat(100) })).summary.title).toBe('🔑'.repeat(100))
  })

  it('refuses a duplicate title, ignoring case and surrounding spaces', () => {
    services.tokens.createToken(accountId, input({ title: 'CI deploy' }))
    const before = snapshot()
    expect(errorOf(() => services.tokens.createToken(accountId, input({ title: '  ci DEPLOY ' })))).toMatchObject({
      code: 'CONFLICT',
      field: 'title',
      reason: 'tokens.titleTaken',
    })
    expect(snapshot()).toEqual(before)
  })

  it.each([
    ['empty', ''],
    ['not a string', null],
    ['a wrong prefix', 'ghp_' + 'a'.repeat(42)],
    ['a bad checksum', 'kst_' + 'a'.repeat(42)],
    ['a wrong length', 'kst_abc'],
    ['a valid token with a typo', 'typo'],
  ])('verification refuses a malformed credential (%s) without any lookup or write', (_label, value) => {
    const { token } = services.tokens.createToken(accountId, input())
    const secret = value === 'typo' ? token.slice(0, 20) + (token[20] === 'x' ? 'y' : 'x') + token.slice(21) : value
    const before = snapshot()
    // A verifier over a database handle that counts every statement it compiles (a fresh handle: nothing cached).
    let statements = 0
    const counted = new Proxy(db, {
      get: (target, key) =>
        key === 'prepare'
          ? (sql: string) => {
              statements++
              return target.prepare(sql)
            }
          : Reflect.get(target, key, target),
    })
    const verifier = createCredentialService({ db: counted, clock: () => now })
    expect(verifier.verifyCredential(secret)).toMatchObject({ ok: false, reason: 'malformed' })
    expect(statements).toBe(0)
    expect(snapshot()).toEqual(before)
    // The counter works: a well-formed token is looked up.
    expect(verifier.verifyCredential(token)).toMatchObject({ ok: true })
    expect(statements).toBeGreaterThan(0)
  })

  it('verification says "unknown" for a well-formed credential that was never issued', () => {
    expect(services.credentials.verifyCredential(generateCredential('token'))).toEqual({ ok: false, reason: 'unknown' })
    expect(services.credentials.verifyCredential(generateCredential('api-key'))).toEqual({ ok: false, reason: 'unknown' })
  })
})

describe('nothing in clear on disk', () => {
  it('the database file and its WAL hold no token or API key', () => {
    const secrets: string[] = [services.apiKeys.revealApiKey(accountId)]
    for (let i = 0; i < 5; i++) {
      const { token } = services.tokens.createToken(accountId, input({ title: `token ${i}`, expiry: { kind: 'days', days: 30 } }))
      secrets.push(token)
      services.credentials.verifyCredential(token)
    }
    secrets.push(services.apiKeys.regenerateApiKey(accountId).apiKey)
    services.credentials.verifyCredential(secrets.at(-1))
    const files = ['keystead.db', 'keystead.db-wal'].map((name) => join(dir.path, name)).filter(existsSync)
    expect(files).toHaveLength(2)
    const bytes = files.map((file) => readFileSync(file))
    expect(bytes[1]!.length).toBeGreaterThan(0)
    for (const secret of secrets) {
      // The whole credential, and its secret part (all but the display prefix), in UTF-8 and UTF-16.
      for (const needle of [secret, secret.slice(12), secret.slice(12, 30)]) {
        for (const content of bytes) {
          expect(content.includes(Buffer.from(needle, 'utf8'))).toBe(false)
          expect(content.includes(Buffer.from(needle, 'utf16le'))).toBe(false)
        }
      }
    }
    // Same after a checkpoint moves everything into the main file.
    db.pragma('wal_checkpoint(TRUNCATE)')
    const main = readFileSync(join(dir.path, 'keystead.db'))
    for (const secret of secrets) expect(main.includes(Buffer.from(secret.slice(12), 'utf8'))).toBe(false)
  })
})
