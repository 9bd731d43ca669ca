import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { accountsChannels } from '../../src-preload/contract/accounts.ts'
import type { AccountPage, AdminAccountProfile, AdminAccountRow, TemporaryPasswordOutcome } from '../../src-preload/contract/accounts.ts'
import { channels, listChannels } from '../../src-preload/contract/api.ts'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { CurrentAccount } from '../../src-preload/contract/models.ts'
import { securityChannels } from '../../src-preload/contract/security.ts'
import { tokensChannels } from '../../src-preload/contract/tokens.ts'
import { openDatabase } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { migrations } from '../../src-main/db/migrations/index.ts'
import { CHANNELS_WHILE_PASSWORD_CHANGE_REQUIRED } from '../../src-main/ipc/guard.ts'
import { createHandlerTable } from '../../src-main/ipc/handlers.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let now: number
const ADMIN = 1
const MEMBER = 2

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 11, 3, 12, 0, 0)
  test = await startTestCore({ dataDir: dir.path, clock: () => now })
  await value(authChannels.createAccount, { username: 'alice', password: 'wonderland 1' }, ADMIN)
  await value(authChannels.createAccount, { username: 'bob', password: 'builder 22x' }, MEMBER)
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

const services = () => test.core.services!
const db = () => services().db
async function value<T>(channel: string, payload: unknown = null, windowId = ADMIN): Promise<T> {
  const result = await test.call<T>(channel, payload, windowId)
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`)
  return result.value
}
const idOf = (username: string) => services().accounts.findAccountByUsername(username)!.id
function snapshot(): unknown {
  return {
    accounts: db().prepare('SELECT * FROM accounts ORDER BY id').all(),
    sessions: db().prepare('SELECT id FROM sessions ORDER BY id').all(),
    tokens: db().prepare('SELECT * FROM access_tokens ORDER BY id').all(),
    twoFactor: db().prepare('SELECT * FROM two_factor').all(),
    log: db().prepare('SELECT * FROM security_log ORDER BY id').all(),
  }
}

describe('roles', () => {
  it('makes the first account of a store an administrator and later ones members', async () => {
    expect((await value<CurrentAccount>(authChannels.getCurrentAccount, null, ADMIN)).role).toBe('administrator')
    expect((await value<CurrentAccount>(authChannels.getCurrentAccount, null, MEMBER)).role).toBe('member')
  })

  it('migration 0009 makes the oldest account of an existing store the administrator', async () => {
    const other = makeTempDir()
    const old = openDatabase(`${other.path}/k.db`)
    await migrateDatabase(old, { migrations: migrations.filter((m) => m.version < 9) })
    const insert = old.prepare(
      "INSERT INTO accounts (username, username_key, password_hash, created_at, updated_at) VALUES (?, lower(?), 'x', ?, ?)",
    )
    insert.run('Zed', 'Zed', 2000, 2000)
    insert.run('Ann', 'Ann', 1000, 1000) // the oldest, though inserted second
    insert.run('Bea', 'Bea', 3000, 3000)
    old.prepare("INSERT INTO security_log (account_id, at, kind) VALUES (1, 5000, 'signin')").run()
    await migrateDatabase(old)
    const rows = old.prepare('SELECT username, role, locked_at, must_change_password, last_sign_in_at FROM accounts ORDER BY id').all()
    expect(rows).toEqual([
      { username: 'Zed', role: 'member', locked_at: null, must_change_password: 0, last_sign_in_at: 5000 },
      { username: 'Ann', role: 'administrator', locked_at: null, must_change_password: 0, last_sign_in_at: null },
      { username: 'Bea', role: 'member', locked_at: null, must_change_password: 0, last_sign_in_at: null },
    ])
    old.close()
    other.remove()
  })

  it('promotes and demotes; the last administrator can never be demoted, locked or deleted', async () => {
    const alice = idOf('alice')
    const bob = idOf('bob')
    const before = snapshot()
    expect(await test.call(accountsChannels.setRole, { accountId: alice, role: 'member' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', reason: 'admin.lastDemote', message: expect.stringContaining('last administrator') },
    })
    // Locking yourself from Accounts is refused anyway; the command line meets the last-administrator rule.
    expect(await test.call(accountsChannels.lockAccount, { accountId: alice })).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'accounts.notOnSelf' } })
    // Your own account is deleted where its password and second factor are asked: Profile settings (not the read-only profile page).
    expect(await test.call(accountsChannels.deleteAccount, { accountId: alice, confirmUsername: 'alice' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', reason: 'accounts.deleteSelf', message: 'Delete your own account from your Profile settings.' },
    })
    expect(() => services().administration.lockAccount({ kind: 'cli' }, alice)).toThrow(expect.objectContaining({ reason: 'admin.lastLock' }))
    await expect(services().administration.deleteAccount({ kind: 'cli' }, alice, null)).rejects.toMatchObject({ reason: 'admin.lastDelete' })
    await expect(services().profile.deleteAccountAsAdmin(alice, 'cli')).rejects.toMatchObject({ reason: 'admin.lastDelete' })
    expect(snapshot()).toEqual(before)

    expect((await value<AdminAccountRow>(accountsChannels.setRole, { accountId: bob, role: 'administrator' })).role).toBe('administrator')
    expect((await value<CurrentAccount>(authChannels.getCurrentAccount, null, MEMBER)).role).toBe('administrator')
    // Now bob remains: alice may step down (and bob is then the last one).
    expect((await value<AdminAccountRow>(accountsChannels.setRole, { accountId: alice, role: 'member' })).role).toBe('member')
    expect(await test.call(accountsChannels.setRole, { accountId: bob, role: 'member' }, MEMBER)).toMatchObject({ ok: false, error: { reason: 'admin.lastDemote' } })
    // Alice is a member now: the next administrative call from her window is refused.
    expect(await test.call(accountsChannels.listAccounts, {}, ADMIN)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'admin.required' } })
  })

  it('a locked administrator does not count: the only unlocked one cannot be locked', async () => {
    const bob = idOf('bob')
    await value(accountsChannels.setRole, { accountId: bob, role: 'administrator' })
    await value(accountsChannels.lockAccount, { accountId: bob })
    expect(() => services().administration.lockAccount({ kind: 'cli' }, idOf('alice'))).toThrow(expect.objectContaining({ reason: 'admin.lastLock' }))
  })

  it('refuses a member on EVERY administrative channel of the handler table: FORBIDDEN admin.required, nothing changes', async () => {
    const table = createHandlerTable({ getStatus: () => ({ state: 'ready', version: 'test' }) })
    const adminChannels = [...table].filter(([, handler]) => handler.access === 'admin').map(([channel]) => channel)
    // The table's admin channels are exactly the Accounts domain's today; a new admin channel anywhere joins this walk.
    expect(adminChannels.sort()).toEqual(Object.values(channels.accounts).sort())
    expect(adminChannels.length).toBeGreaterThanOrEqual(13)
    expect(adminChannels).toContain(accountsChannels.getAccountProfile)
    const alice = idOf('alice')
    const payloads: unknown[] = [
      null,
      { accountId: alice },
      { accountId: alice, role: 'member' },
      { accountId: alice, confirmUsername: 'alice' },
      { username: 'mallory', password: 'longenough 12' },
      {},
    ]
    const before = snapshot()
    for (const channel of adminChannels) {
      for (const payload of payloads) {
        expect(await test.call(channel, payload, MEMBER), `${channel} ${JSON.stringify(payload)}`).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN', reason: 'admin.required' },
        })
      }
    }
    expect(snapshot()).toEqual(before)
    // Every contract channel is in the table (so the walk above sees all of them).
    expect([...table.keys()].sort()).toEqual(listChannels().sort())
  })

  it('asks for the administrator password when it was not confirmed in the last 10 minutes', async () => {
    now += 11 * 60_000
    const before = snapshot()
    expect(await test.call(accountsChannels.lockAccount, { accountId: idOf('bob') })).toMatchObject({ ok: false, error: { code: 'REAUTH_REQUIRED' } })
    expect(snapshot()).toEqual(before)
    await value(authChannels.reauthenticate, { password: 'wonderland 1' })
    expect((await value<AdminAccountRow>(accountsChannels.lockAccount, { accountId: idOf('bob') })).lockedAt).not.toBeNull()
  })
})

describe('locked accounts', () => {
  it('ends the sessions at once, refuses sign-in (told only after the right password) and the credentials until unlocked', async () => {
    const bob = idOf('bob')
    const apiKey = services().apiKeys.revealApiKey(bob)
    const token = (await value<{ token: string }>(tokensChannels.createToken, { title: 'CI', isEnabled: true, scope: 'read-write', expiry: { kind: 'never' } }, MEMBER)).token
    expect(services().credentials.verifyCredential(token)).toMatchObject({ ok: true, accountId: bob })

    const locked = await value<AdminAccountRow>(accountsChannels.lockAccount, { accountId: bob })
    expect(locked.lockedAt).toBe(new Date(now).toISOString())
    expect(locked.activeSessions).toBe(0)
    expect(await test.call(tokensChannels.listTokens, null, MEMBER)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(test.pushed).toContainEqual({ windowId: MEMBER, channel: 'keystead:event.sessionEnded', payload: { reason: 'locked' } })
    expect(services().credentials.verifyCredential(token)).toMatchObject({ ok: false, reason: 'locked' })
    expect(services().credentials.verifyCredential(apiKey)).toMatchObject({ ok: false, reason: 'locked' })

    // Wrong password: the same answer as for any wrong password (no hint that the account is locked).
    expect(await test.call(authChannels.signIn, { username: 'bob', password: 'wrong one 1' }, 3)).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS', reason: 'signIn.invalid' } })
    expect(await test.call(authChannels.signIn, { username: 'bob', password: 'builder 22x' }, 3)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'signIn.locked' } })
    expect(db().prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').get(bob)).toEqual({ n: 0 })

    await value(accountsChannels.unlockAccount, { accountId: bob })
    expect(services().credentials.verifyCredential(token)).toMatchObject({ ok: true, accountId: bob })
    expect(await test.call(authChannels.signIn, { username: 'bob', password: 'builder 22x' }, 3)).toMatchObject({ ok: true, value: { status: 'signed-in' } })
  })

  it('records each action in the target’s and the administrator’s log, naming the actor', async () => {
    const bob = idOf('bob')
    await value(accountsChannels.lockAccount, { accountId: bob })
    await value(accountsChannels.unlockAccount, { accountId: bob })
    await value(accountsChannels.resetTwoFactor, { accountId: bob })
    const logOf = (id: number) =>
      (db().prepare("SELECT kind, detail FROM security_log WHERE account_id = ? AND kind IN ('account.locked', 'account.unlocked', 'twofactor.reset') ORDER BY id").all(id) as Array<{ kind: string; detail: string }>).map(
        (row) => ({ kind: row.kind, ...JSON.parse(row.detail) }),
      )
    expect(logOf(bob)).toEqual([
      { kind: 'account.locked', sessionsEnded: 1, origin: 'app', by: 'alice' },
      { kind: 'account.unlocked', origin: 'app', by: 'alice' },
      { kind: 'twofactor.reset', wasEnabled: false, origin: 'app', by: 'alice' },
    ])
    expect(logOf(idOf('alice'))).toEqual([
      { kind: 'account.locked', sessionsEnded: 1, origin: 'app', by: 'alice', target: 'bob' },
      { kind: 'account.unlocked', origin: 'app', by: 'alice', target: 'bob' },
      { kind: 'twofactor.reset', wasEnabled: false, origin: 'app', by: 'alice', target: 'bob' },
    ])
  })
})

describe('a required password change', () => {
  it('blocks every other session channel in main until the password is changed', async () => {
    const { temporaryPassword } = await value<TemporaryPasswordOutcome>(accountsChannels.setTemporaryPassword, { accountId: idOf('bob') })
    expect(temporaryPassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)
    const signedIn = await value<{ account: CurrentAccount }>(authChannels.signIn, { username: 'bob', password: temporaryPassword }, 3)
    expect(signedIn.account.mustChangePassword).toBe(true)
    const table = createHandlerTable({ getStatus: () => ({ state: 'ready', version: 'test' }) })
    const blocked = [...table].filter(([channel, handler]) => handler.access !== 'public' && !CHANNELS_WHILE_PASSWORD_CHANGE_REQUIRED.has(channel))
    expect(blocked.length).toBeGreaterThan(40)
    const before = snapshot()
    for (const [channel] of blocked) {
      expect(await test.call(channel, null, 3), channel).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'password.changeRequired' } })
    }
    expect(snapshot()).toEqual(before)
    expect(await test.call(securityChannels.changePassword, { currentPassword: temporaryPassword, newPassword: 'my own 99 words', newPasswordRepeat: 'my own 99 words' }, 3)).toMatchObject({ ok: true })
    expect((await value<CurrentAccount>(authChannels.getCurrentAccount, null, 3)).mustChangePassword).toBe(false)
    expect(await test.call(tokensChannels.listTokens, null, 3)).toMatchObject({ ok: true })
  })

  it('creates an account with a temporary password shown once, which must be changed at first sign-in', async () => {
    const created = await value<TemporaryPasswordOutcome>(accountsChannels.createAccount, { username: 'carol', fullName: 'Carol C' })
    expect(created.account).toMatchObject({ username: 'carol', role: 'member', mustChangePassword: true })
    const row = db().prepare("SELECT password_hash FROM accounts WHERE username = 'carol'").get() as { password_hash: string }
    expect(row.password_hash).not.toContain(created.temporaryPassword)
    const signedIn = await value<{ account: CurrentAccount }>(authChannels.signIn, { username: 'carol', password: created.temporaryPassword }, 4)
    expect(signedIn.account.mustChangePassword).toBe(true)
    // An administrator-chosen temporary password follows the one password policy.
    expect(await test.call(accountsChannels.createAccount, { username: 'dave', password: 'password1' })).toMatchObject({ ok: false, error: { field: 'password', reason: 'password.common' } })
  })
})

describe('the accounts listing', () => {
  it('searches by the start of username, name or e-mail, sorts by each column and pages by keyset', async () => {
    for (let i = 0; i < 7; i++) await services().accounts.createAccount({ username: `user${i}`, password: 'longenough 12', fullName: `Name ${6 - i}`, email: `u${i}@example.org` })
    const all: string[] = []
    let cursor: string | undefined
    do {
      const page: AccountPage = await value(accountsChannels.listAccounts, { sort: 'fullName', limit: 3, ...(cursor ? { cursor } : {}) })
      all.push(...page.rows.map((row) => row.username))
      cursor = page.next ?? undefined
    } while (cursor)
    expect(all).toEqual(['alice', 'bob', 'user6', 'user5', 'user4', 'user3', 'user2', 'user1', 'user0'])
    const desc: AccountPage = await value(accountsChannels.listAccounts, { sort: 'username', descending: true, search: 'USER', limit: 2 })
    expect(desc.rows.map((row) => row.username)).toEqual(['user6', 'user5'])
    const byMail: AccountPage = await value(accountsChannels.listAccounts, { search: 'u3@' })
    expect(byMail.rows.map((row) => row.username)).toEqual(['user3'])
    const byName: AccountPage = await value(accountsChannels.listAccounts, { search: 'name 6' })
    expect(byName.rows.map((row) => row.username)).toEqual(['user0'])
    expect(await test.call(accountsChannels.listAccounts, { sort: 'username', cursor: desc.next })).toMatchObject({ ok: false, error: { reason: 'accounts.cursorInvalid' } })
    expect(await test.call(accountsChannels.listAccounts, { cursor: 'garbage' })).toMatchObject({ ok: false, error: { reason: 'accounts.cursorInvalid' } })
  })

  it('keeps the counts the screen sorts by (sessions, tokens) in step with their tables', async () => {
    const bob = idOf('bob')
    await value(tokensChannels.createToken, { title: 'CI', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } }, MEMBER)
    const row = await value<AdminAccountRow>(accountsChannels.getAccount, { accountId: bob })
    expect(row).toMatchObject({ activeSessions: 1, tokens: 1, sshKeys: 0, twoFactorEnabled: false })
    expect((await value<{ tokensRevoked: number }>(accountsChannels.revokeAllTokens, { accountId: bob })).tokensRevoked).toBe(1)
    expect((await value<{ sessionsEnded: number }>(accountsChannels.signOutEverywhere, { accountId: bob })).sessionsEnded).toBe(1)
    expect(await value<AdminAccountRow>(accountsChannels.getAccount, { accountId: bob })).toMatchObject({ activeSessions: 0, tokens: 0 })
  })

  it('signs an account out everywhere in slices: thousands of sessions never hold the event loop, a late session ends too', async () => {
    const bob = idOf('bob')
    const ROWS = 3000 // several slices (the first holds 32 rows, at most 4,096)
    const insertSession = db().prepare("INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at) VALUES (?, ?, randomblob(32), 'app', ?, ?, ?, ?)")
    db().transaction(() => {
      for (let i = 0; i < ROWS; i++) insertSession.run(`bulk-${i}`, bob, now, now, now, now + 86_400_000)
    })()
    const slices: number[] = []
    services().events.on('sessionsEnded', (event) => slices.push(event.sessionIds.length))
    let settled = false
    const signOut = test.call<{ sessionsEnded: number }>(accountsChannels.signOutEverywhere, { accountId: bob }, ADMIN).then((result) => ((settled = true), result))
    // In one piece it would be over before the event loop turned once.
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    // The administrator's window is answered meanwhile; a session bob starts meanwhile ends with the rest.
    expect((await value<CurrentAccount>(authChannels.getCurrentAccount, null, ADMIN)).username).toBe('alice')
    insertSession.run('late-session', bob, now, now, now, now + 86_400_000)
    expect(settled).toBe(false)
    expect(await signOut).toEqual({ ok: true, value: { sessionsEnded: ROWS + 2 } })
    expect(db().prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').get(bob)).toEqual({ n: 0 })
    expect(slices.length).toBeGreaterThan(2)
    expect(Math.max(...slices)).toBeLessThanOrEqual(4096)
    expect(slices.reduce((sum, n) => sum + n, 0)).toBe(ROWS + 2)
    // One log entry counts them all; alice is still signed in.
    expect(db().prepare("SELECT detail FROM security_log WHERE kind = 'sessions.endedByAdmin' AND account_id = ?").all(bob)).toEqual([{ detail: JSON.stringify({ count: ROWS + 2, origin: 'app', by: 'alice' }) }])
    expect(db().prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').get(idOf('alice'))).toEqual({ n: 1 })
    expect(await value<AdminAccountRow>(accountsChannels.getAccount, { accountId: bob })).toMatchObject({ activeSessions: 0 })
  })

  it('counts live sessions only: expired ones (idle or absolute lifetime over) are not counted and are ended on the way', async () => {
    const bob = idOf('bob')
    const HOUR = 3_600_000
    // Beside bob's live session (window MEMBER): one idle for 13 hours (limit 12), one created 31 days ago (limit 30).
    const copy = db().prepare(
      `INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at, keep_signed_in)
       VALUES (?, ?, randomblob(32), 'cli', ?, ?, ?, ?, 0)`,
    )
    copy.run('idle-session', bob, now - 13 * HOUR, now - 13 * HOUR, now - 13 * HOUR, now + 700 * HOUR)
    copy.run('old-session', bob, now - 31 * 24 * HOUR, now - HOUR, now - HOUR, now - 24 * HOUR)
    expect(db().prepare('SELECT session_count FROM accounts WHERE id = ?').get(bob)).toEqual({ session_count: 3 })

    const page: AccountPage = await value(accountsChannels.listAccounts, { search: 'bob' })
    expect(page.rows.map((row) => [row.username, row.activeSessions])).toEqual([['bob', 1]])
    // Ended (as the Sessions screen ends them), so the stored count the screen sorts by is in step again.
    expect(db().prepare('SELECT id FROM sessions WHERE account_id = ? AND id IN (?, ?)').all(bob, 'idle-session', 'old-session')).toEqual([])
    expect(db().prepare('SELECT session_count FROM accounts WHERE id = ?').get(bob)).toEqual({ session_count: 1 })
    const bySessions: AccountPage = await value(accountsChannels.listAccounts, { sort: 'sessions', descending: true })
    expect(bySessions.rows.map((row) => [row.username, row.activeSessions])).toEqual([['bob', 1], ['alice', 1]])

    // One more that expires while nothing touches it: a single row (getAccount) counts it out too.
    copy.run('later-idle', bob, now, now, now, now + 700 * HOUR)
    now += 12 * HOUR + 1
    db().prepare('UPDATE sessions SET last_used_at = ? WHERE id <> ?').run(now, 'later-idle')
    expect(await value<AdminAccountRow>(accountsChannels.getAccount, { accountId: bob })).toMatchObject({ activeSessions: 1 })
    expect(db().prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').get(bob)).toEqual({ n: 1 })
  })

  it("shows an account's profile page read-only to an administrator (a member is refused, an unknown account is not found)", async () => {
    const bob = idOf('bob')
    db().prepare("UPDATE accounts SET full_name = 'Bob Builder', email = 'bob@example.org', description = 'Builds things.', timezone = 'Europe/Istanbul' WHERE id = ?").run(bob)
    db().prepare("INSERT INTO account_pictures (account_id, media_type, image, updated_at) VALUES (?, 'image/png', x'89504e47', 1)").run(bob)
    await value(tokensChannels.createToken, { title: 'CI', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } }, MEMBER)
    const before = snapshot()
    const page = await value<AdminAccountProfile>(accountsChannels.getAccountProfile, { accountId: bob })
    expect(page).toEqual({
      id: bob,
      username: 'bob',
      fullName: 'Bob Builder',
      email: 'bob@example.org',
      role: 'member',
      twoFactorEnabled: false,
      lockedAt: null,
      mustChangePassword: false,
      lastSignInAt: null,
      createdAt: new Date(now).toISOString(),
      activeSessions: 1,
      tokens: 1,
      sshKeys: 0,
      description: 'Builds things.',
      language: 'en',
      timezone: 'Europe/Istanbul',
      pictureUrl: 'data:image/png;base64,iVBORw==',
    })
    expect(snapshot()).toEqual(before)
    expect(await test.call(accountsChannels.getAccountProfile, { accountId: idOf('alice') }, MEMBER)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'admin.required' } })
    expect(await test.call(accountsChannels.getAccountProfile, { accountId: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'account.notFound' } })
    expect(await test.call(accountsChannels.getAccountProfile, { accountId: 'bob' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('deletes an account only with its username typed', async () => {
    const bob = idOf('bob')
    expect(await test.call(accountsChannels.deleteAccount, { accountId: bob, confirmUsername: 'Bob' })).toMatchObject({ ok: false, error: { reason: 'profile.confirmUsernameMismatch' } })
    expect(services().accounts.findAccountByUsername('bob')).toBeDefined()
    expect(await test.call(accountsChannels.deleteAccount, { accountId: bob, confirmUsername: 'bob' })).toMatchObject({ ok: true })
    expect(services().accounts.findAccountByUsername('bob')).toBeUndefined()
    expect(db().prepare("SELECT detail FROM security_log WHERE kind = 'account.deletedByAdmin'").all()).toEqual([{ detail: JSON.stringify({ origin: 'app', by: 'alice', target: 'bob' }) }])
  })
})

describe('the administrative API endpoints', () => {
  it('refuse a member (403 admin.required, nothing changes), a locked account’s key (401), and serve an administrator', async () => {
    const { startLocalApiServer } = await import('../../src-main/http/server.ts')
    const { createServicesCredentialVerifier } = await import('../../src-main/http/credentials.ts')
    const { silentLogger } = await import('../../src-main/log.ts')
    const server = await startLocalApiServer({ services: services(), verifier: createServicesCredentialVerifier(services()), log: silentLogger, port: 0 })
    try {
      const call = async (method: string, path: string, key: string) => {
        const response = await fetch(`http://127.0.0.1:${server.port}/api/v2${path}`, { method, headers: { authorization: `Bearer ${key}` } })
        return { status: response.status, body: (await response.json()) as Record<string, unknown> }
      }
      const aliceKey = services().apiKeys.revealApiKey(idOf('alice'))
      const bobKey = services().apiKeys.revealApiKey(idOf('bob'))
      const before = snapshot()
      for (const [method, path] of [['GET', '/admin/accounts'], ['POST', '/admin/accounts/alice/lock'], ['POST', '/admin/accounts/bob/unlock']] as const) {
        expect(await call(method, path, bobKey), path).toMatchObject({ status: 403, body: { reason: 'admin.required' } })
      }
      expect(snapshot()).toEqual(before)
      const page = await call('GET', '/admin/accounts?sort=username&descending=true&limit=1', aliceKey)
      expect(page).toMatchObject({ status: 200, body: { rows: [{ username: 'bob', role: 'member' }], next: expect.any(String) } })
      expect(await call('POST', '/admin/accounts/bob/lock', aliceKey)).toMatchObject({ status: 200, body: { username: 'bob', lockedAt: expect.any(String) } })
      expect(await call('GET', '/users/me', bobKey)).toMatchObject({ status: 401 })
      expect(await call('POST', '/admin/accounts/alice/lock', aliceKey)).toMatchObject({ status: 409, body: { reason: 'accounts.notOnSelf' } })
      expect(await call('POST', '/admin/accounts/bob/unlock', aliceKey)).toMatchObject({ status: 200, body: { lockedAt: null } })
      expect(await call('GET', '/users/me', bobKey)).toMatchObject({ status: 200 })
      const logged = (db().prepare("SELECT detail FROM security_log WHERE account_id = ? AND kind = 'account.locked'").all(idOf('bob')) as Array<{ detail: string }>).map((row) => JSON.parse(row.detail))
      expect(logged).toEqual([expect.objectContaining({ sessionsEnded: 1, origin: 'api', by: 'alice' })])
    } finally {
      await server.close()
    }
  })
})
