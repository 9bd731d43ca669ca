import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appChannels, authChannels } from '../../src-preload/contract/auth.ts'
import type { SignInHints, StartupState } from '../../src-preload/contract/auth.ts'
import { listFirstUsernames } from '../../src-main/db/repositories/accounts-repo.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
beforeEach(async () => {
  dir = makeTempDir()
  test = await startTestCore({ dataDir: dir.path })
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

const createAccount = (username: string, windowId = 1) =>
  test.call(authChannels.createAccount, { username, password: 'wonderland 1' }, windowId).then((result) => expect(result.ok).toBe(true))

async function hints(): Promise<SignInHints> {
  const result = await test.call<SignInHints>(authChannels.getSignInHints, null, 9)
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

describe('auth.getSignInHints', () => {
  it('says none, one (with its username) or several, never listing the accounts', async () => {
    expect(await hints()).toEqual({ accounts: 'none' })
    await createAccount('Alice')
    // The only account is the administrator: the sign-in screen shows the role beside the name.
    expect(await hints()).toEqual({ accounts: 'one', username: 'Alice', role: 'administrator' })
    await createAccount('bob', 2)
    await createAccount('carol', 3)
    const several = await hints()
    expect(several).toEqual({ accounts: 'several' })
    expect(JSON.stringify(several)).not.toMatch(/Alice|bob|carol/)
    expect(test.core.services!.accounts.getSignInHints()).toEqual({ accounts: 'several' })
  })

  it('goes back to one when the other accounts are deleted', async () => {
    await createAccount('alice')
    await createAccount('bob', 2)
    test.core.services!.db.prepare("DELETE FROM accounts WHERE username = 'alice'").run()
    // (Deleted behind the service's back: the last-administrator rule did not run, so the hint tells bob's real role.)
    expect(await hints()).toEqual({ accounts: 'one', username: 'bob', role: 'member' })
  })

  it('reads at most two rows, whatever the number of accounts', async () => {
    const db = test.core.services!.db
    const insert = db.prepare(
      "INSERT INTO accounts (username, username_key, full_name, language, timezone, password_hash, created_at, updated_at) VALUES (?, ?, '', 'en', 'UTC', 'x', 0, 0)",
    )
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`user${i}`, `user${i}`)
    })()
    expect(listFirstUsernames(db, 2)).toEqual(['user0', 'user1'])
    // The plan walks the table in rowid order and stops at the LIMIT: no sort, no count.
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT username FROM accounts ORDER BY id LIMIT 2').all() as Array<{ detail: string }>).map((r) => r.detail)
    expect(plan.join(' ')).not.toMatch(/TEMP B-TREE/)
    expect(await hints()).toEqual({ accounts: 'several' })
  })

  it.each([
    ['an object', {}],
    ['a string', 'all'],
    ['a number', 1],
    ['an array', []],
    ['an unknown key', { limit: 100000 }],
  ])('refuses input (%s) with a validation error', async (_label, payload) => {
    await createAccount('alice')
    expect(await test.call(authChannels.getSignInHints, payload)).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'input.invalid' } })
  })
})

describe('app.getStartupState', () => {
  async function startupState(windowId = 1): Promise<StartupState> {
    const result = await test.call<StartupState>(appChannels.getStartupState, null, windowId)
    if (!result.ok) throw new Error(result.error.message)
    return result.value
  }

  it('brings the first window everything in one answer', async () => {
    expect(await startupState()).toEqual({
      status: { state: 'ready', version: '0.0.0-test' },
      startupLanguage: 'en',
      theme: 'system',
      account: null,
      signInHints: { accounts: 'none' },
      signInOptions: { keepSignedIn: { available: true } },
    })
  })

  it('gives each window its own account, and the same hints, language and theme', async () => {
    await createAccount('alice', 1)
    await test.core.services!.settings.updateSettings({ theme: 'dark' })
    test.platform.keyring = false
    const signedIn = await startupState(1)
    expect(signedIn).toMatchObject({ account: { username: 'alice' }, signInHints: { accounts: 'one', username: 'alice', role: 'administrator' }, theme: 'dark' })
    expect(await startupState(2)).toMatchObject({
      account: null,
      signInHints: { accounts: 'one', username: 'alice', role: 'administrator' },
      theme: 'dark',
      signInOptions: { keepSignedIn: { available: false, reason: 'noKeyring' } },
    })
  })

  it('refuses input', async () => {
    expect(await test.call(appChannels.getStartupState, { everything: true })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('answers with the status alone when the database cannot be used', async () => {
    test.core.services!.db.pragma('user_version = 999')
    test.core.close()
    test = await startTestCore({ dataDir: dir.path })
    const state = await startupState()
    expect(state).toEqual({ status: expect.objectContaining({ state: 'error', code: 'DB_TOO_NEW' }) })
    expect(await test.call(authChannels.getSignInHints)).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } })
  })
})
