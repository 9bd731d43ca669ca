import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { DEFAULT_SESSION_POLICY, hashSessionToken } from '../../src-main/services/session-service.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let now: number
const HOUR = 3_600_000

beforeEach(async () => {
  dir = makeTempDir()
  db = openDatabase(join(dir.path, 'keystead.db'))
  await migrateDatabase(db)
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  services = createServices({
    db,
    secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')),
    clock: () => now,
    scryptParams: TEST_ONLY_SCRYPT_PARAMS,
  })
})
afterEach(() => {
  db.close()
  dir.remove()
})

async function errorOf(promise: Promise<unknown>): Promise<KeysteadError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(KeysteadError)
  return error as KeysteadError
}

const signIn = async (username: string, password: string) => {
  const result = await services.auth.signIn({ username, password, origin: 'app', device: FAKE_DEVICE })
  if (result.status !== 'signed-in') throw new Error('expected a full sign-in')
  return result
}

describe('accounts', () => {
  it('creates an account with a hashed password and lists it', async () => {
    const row = await services.accounts.createAccount({ username: 'Alice', password: 'wonderland 1', fullName: ' Alice L ', email: 'alice@example.com' })
    expect(row).toMatchObject({ username: 'Alice', username_key: 'alice', full_name: 'Alice L', email: 'alice@example.com' })
    expect(row.password_hash).toMatch(/^\$scrypt\$/)
    expect(services.accounts.listAccounts()).toEqual([{ id: row.id, username: 'Alice', fullName: 'Alice L' }])
  })

  it('refuses a username that differs only by case, and writes nothing', async () => {
    await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
    const error = await errorOf(services.accounts.createAccount({ username: 'ALICE', password: 'wonderland 2' }))
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'username', reason: 'username.taken' })
    expect(services.accounts.listAccounts()).toHaveLength(1)
  })

  it('refuses a duplicate e-mail case-insensitively', async () => {
    await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1', email: 'A@Example.com' })
    const error = await errorOf(services.accounts.createAccount({ username: 'bob', password: 'builder 12', email: 'a@example.COM' }))
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'email' })
  })

  it.each([
    [{ username: '1abc', password: 'wonderland 1' }, 'username', 'username.noLeadingDigit'],
    [{ username: 'alice', password: 'short1' }, 'password', 'password.tooShort'],
    [{ username: 'alice', password: 'nodigitshere' }, 'password', 'password.needsDigit'],
    [{ username: 'alice123', password: 'Alice123' }, 'password', 'password.isUsername'],
  ])('refuses bad input %j and creates nothing', async (input, field, reason) => {
    const error = await errorOf(services.accounts.createAccount(input))
    expect(error).toMatchObject({ code: 'VALIDATION', field, reason })
    expect(services.accounts.listAccounts()).toHaveLength(0)
  })
})

describe('sign-in and sessions', () => {
  beforeEach(async () => {
    await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
  })

  it('signs in case-insensitively and stores only the SHA-256 of a 256-bit token', async () => {
    const result = await signIn('ALICE', 'wonderland 1')
    expect(result.status).toBe('signed-in')
    expect(Buffer.from(result.token, 'base64url')).toHaveLength(32)
    const row = db.prepare('SELECT * FROM sessions').get() as Record<string, unknown>
    expect(row.token_hash).toEqual(hashSessionToken(result.token))
    expect(row).toMatchObject({ origin: 'app', browser: FAKE_DEVICE.browser, os: FAKE_DEVICE.os, arch: 'x64', created_at: now })
    expect(row.expires_at).toBe(now + DEFAULT_SESSION_POLICY.absoluteTimeoutMs)
    db.pragma('wal_checkpoint(TRUNCATE)')
    expect(readFileSync(join(dir.path, 'keystead.db')).includes(Buffer.from(result.token))).toBe(false)
  })

  it('gives a wrong username and a wrong password the same answer', async () => {
    const wrongPassword = await errorOf(signIn('alice', 'wonderland 2'))
    const unknownUser = await errorOf(signIn('nobody', 'wonderland 1'))
    expect(wrongPassword.toApiError()).toEqual(unknownUser.toApiError())
    expect(wrongPassword.code).toBe('INVALID_CREDENTIALS')
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 })
    const kinds = db.prepare('SELECT kind FROM security_log ORDER BY id').all()
    expect(kinds).toEqual([{ kind: 'account.created' }, { kind: 'signin.failed' }])
  })

  it('validates, touches at most once a minute, and expires after 12 h idle', async () => {
    const { token, session } = await signIn('alice', 'wonderland 1')
    now += 30_000
    expect(services.sessions.validateSessionToken(token).ok).toBe(true)
    expect(services.sessions.findSession(session.id)!.last_used_at).toBe(now - 30_000)
    now += 40_000
    expect(services.sessions.validateSessionToken(token).ok).toBe(true)
    expect(services.sessions.findSession(session.id)!.last_used_at).toBe(now)
    now += 12 * HOUR
    expect(services.sessions.validateSessionToken(token)).toEqual({ ok: false, reason: 'expired' })
    expect(services.sessions.findSession(session.id)).toBeUndefined()
  })

  it('expires after 30 days in all, however active', async () => {
    const { token } = await signIn('alice', 'wonderland 1')
    const start = now
    while (now + 11 * HOUR < start + 30 * 24 * HOUR) {
      now += 11 * HOUR
      expect(services.sessions.validateSessionToken(token).ok).toBe(true)
    }
    now = start + 30 * 24 * HOUR
    expect(services.sessions.validateSessionToken(token).ok).toBe(false)
  })

  it('signs out and announces the ended session', async () => {
    const ended: unknown[] = []
    services.events.on('sessionsEnded', (event) => ended.push(event))
    const { token, session } = await signIn('alice', 'wonderland 1')
    services.auth.signOut(session)
    expect(services.sessions.validateSessionToken(token)).toEqual({ ok: false, reason: 'unknown' })
    expect(ended).toEqual([{ sessionIds: [session.id], reason: 'signed-out' }])
  })

  it('asks for the password again after 10 minutes for sensitive actions', async () => {
    const { session } = await signIn('alice', 'wonderland 1')
    expect(() => services.auth.requireRecentAuth(session)).not.toThrow()
    now += 10 * 60_000 + 1
    expect(() => services.auth.requireRecentAuth(session)).toThrow(expect.objectContaining({ code: 'REAUTH_REQUIRED' }))
    const error = await errorOf(services.auth.reauthenticate(session, 'wrong password 1'))
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', field: 'password' })
    await services.auth.reauthenticate(session, 'wonderland 1')
    expect(() => services.auth.requireRecentAuth(services.sessions.findSession(session.id)!)).not.toThrow()
  })

  it('re-hashes a password stored with weaker parameters at sign-in', async () => {
    const stronger = createServices({
      db,
      secretBox: services.secretBox,
      clock: () => now,
      scryptParams: { ...TEST_ONLY_SCRYPT_PARAMS, costLog2: 11 },
    })
    await stronger.auth.signIn({ username: 'alice', password: 'wonderland 1', origin: 'cli', device: FAKE_DEVICE })
    const { password_hash } = db.prepare('SELECT password_hash FROM accounts').get() as { password_hash: string }
    expect(password_hash).toMatch(/^\$scrypt\$ln=11,/)
    expect((await stronger.auth.signIn({ username: 'alice', password: 'wonderland 1', origin: 'cli', device: FAKE_DEVICE })).status).toBe('signed-in')
  })
})
