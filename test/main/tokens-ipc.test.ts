import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { tokensChannels } from '../../src-preload/contract/tokens.ts'
import type { AccessTokenSummary, ApiKeySummary, CreatedToken, RegeneratedApiKey } from '../../src-preload/contract/tokens.ts'
import { createClipboardClearer } from '../../src-main/platform/clipboard-clearer.ts'
import type { Scheduler } from '../../src-main/platform/clipboard-clearer.ts'
import { generateCredential } from '../../src-main/services/credential-format.ts'
import { createFakePlatform } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let now: number
let accountId: number

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  test = await startTestCore({ dataDir: dir.path, clock: () => now })
  const created = await test.call<{ id: number }>(authChannels.createAccount, { username: 'alice', password: 'wonderland 1' })
  if (!created.ok) throw new Error('could not create the account')
  accountId = created.value.id
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

const db = () => test.core.services!.db
function snapshot(): unknown {
  return {
    tokens: db().prepare('SELECT * FROM access_tokens ORDER BY id').all(),
    keys: db().prepare('SELECT * FROM api_keys').all(),
    log: db().prepare('SELECT * FROM security_log ORDER BY id').all(),
  }
}
async function value<T>(channel: string, payload: unknown = null): Promise<T> {
  const result = await test.call<T>(channel, payload)
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`)
  return result.value
}
const goodInput = { title: 'CI', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } }

describe('tokens over IPC', () => {
  it('every tokens channel needs a signed-in window', async () => {
    for (const channel of Object.values(tokensChannels)) {
      const result = await test.call(channel, null, 2)
      expect(result, channel).toMatchObject({ ok: false, error: { code: expect.stringMatching(/UNAUTHENTICATED|VALIDATION/) } })
    }
    expect(await test.call(tokensChannels.getApiKey, null, 2)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('shows the API key obfuscated; "copy" puts the full key on the clipboard in main, never in the answer', async () => {
    const apiKey = test.core.services!.apiKeys.revealApiKey(accountId)
    const summary = await value<ApiKeySummary>(tokensChannels.getApiKey)
    expect(summary.maskedKey).toBe(`ksk_${'•'.repeat(16)}${apiKey.slice(-4)}`)
    expect(JSON.stringify(summary)).not.toContain(apiKey.slice(4, 40))
    const copied = await test.call(tokensChannels.copyApiKey)
    expect(copied).toEqual({ ok: true, value: { clearAfterSeconds: 60 } })
    expect(test.platform.clipboardText).toBe(apiKey)
  })

  it('regenerating the API key needs a recent password; refused, it changes nothing', async () => {
    const old = test.core.services!.apiKeys.revealApiKey(accountId)
    now += 11 * 60 * 1000
    const before = snapshot()
    expect(await test.call(tokensChannels.regenerateApiKey)).toMatchObject({ ok: false, error: { code: 'REAUTH_REQUIRED' } })
    expect(snapshot()).toEqual(before)
    expect(await test.call(authChannels.reauthenticate, { password: 'wonderland 1' })).toEqual({ ok: true, value: null })
    const { apiKey, summary } = await value<RegeneratedApiKey>(tokensChannels.regenerateApiKey)
    expect(summary.maskedKey.slice(-4)).toBe(apiKey.slice(-4))
    expect(test.core.services!.credentials.verifyCredential(old)).toEqual({ ok: false, reason: 'unknown' })
    expect(test.core.services!.credentials.verifyCredential(apiKey)).toMatchObject({ ok: true, accountId })
  })

  it('creates, lists, disables and deletes a token; the list never carries the full token', async () => {
    const created = await value<CreatedToken>(tokensChannels.createToken, goodInput)
    expect(created.token).toMatch(/^kst_/)
    const list = await value<AccessTokenSummary[]>(tokensChannels.listTokens)
    expect(list).toEqual([created.summary])
    expect(JSON.stringify(list)).not.toContain(created.token.slice(12))
    expect(await value<AccessTokenSummary>(tokensChannels.setTokenEnabled, { id: created.summary.id, isEnabled: false })).toMatchObject({ isEnabled: false })
    expect(test.core.services!.credentials.verifyCredential(created.token)).toEqual({ ok: false, reason: 'disabled' })
    expect(await test.call(tokensChannels.deleteToken, { id: created.summary.id })).toEqual({ ok: true, value: null })
    expect(await value(tokensChannels.listTokens)).toEqual([])
  })

  it.each([
    ['no title', { ...goodInput, title: undefined }, 'title', 'input.invalid'],
    ['an empty title', { ...goodInput, title: '' }, 'title', 'tokens.titleRequired'],
    ['a title of 101 characters', { ...goodInput, title: 'a'.repeat(101) }, 'title', 'tokens.titleTooLong'],
    ['a huge title', { ...goodInput, title: 'a'.repeat(5000) }, 'title', 'input.invalid'],
    ['an unknown field', { ...goodInput, owner: 2 }, undefined, 'input.invalid'],
    ['a string for enabled', { ...goodInput, isEnabled: 'yes' }, 'isEnabled', 'input.invalid'],
    ['an unknown scope', { ...goodInput, scope: 'admin' }, 'scope', 'tokens.scopeInvalid'],
    ['an unknown expiry kind', { ...goodInput, expiry: { kind: 'forever' } }, 'expiry.kind', 'input.invalid'],
    ['a past date', { ...goodInput, expiry: { kind: 'date', date: '2020-01-01' } }, 'expiry', 'tokens.expiryPast'],
    ['no payload', null, undefined, 'input.invalid'],
  ])('createToken refuses %s with a clear error and changes nothing', async (_label, payload, field, reason) => {
    const before = snapshot()
    const result = await test.call(tokensChannels.createToken, payload)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error).toMatchObject({ code: 'VALIDATION', reason })
    expect(result.error.field).toBe(field)
    expect(result.error.message.length).toBeGreaterThan(5)
    expect(snapshot()).toEqual(before)
  })

  it('refuses a duplicate title with a conflict on the title field', async () => {
    await value(tokensChannels.createToken, goodInput)
    const before = snapshot()
    expect(await test.call(tokensChannels.createToken, { ...goodInput, title: 'ci' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', field: 'title', reason: 'tokens.titleTaken' },
    })
    expect(snapshot()).toEqual(before)
  })

  it.each([
    ['a negative id', { id: -1, isEnabled: true }],
    ['a string id', { id: '1', isEnabled: true }],
    ['an unknown id', { id: 999, isEnabled: true }],
  ])('setTokenEnabled refuses %s and changes nothing', async (_label, payload) => {
    await value(tokensChannels.createToken, goodInput)
    const before = snapshot()
    const result = await test.call(tokensChannels.setTokenEnabled, payload)
    expect(result).toMatchObject({ ok: false, error: { code: expect.stringMatching(/VALIDATION|NOT_FOUND/) } })
    expect(snapshot()).toEqual(before)
  })

  it('copyNewToken copies only one of the account’s own tokens', async () => {
    const created = await value<CreatedToken>(tokensChannels.createToken, goodInput)
    test.platform.clipboardText = 'untouched'
    for (const token of ['', 'hello', generateCredential('token'), test.core.services!.apiKeys.revealApiKey(accountId)]) {
      expect(await test.call(tokensChannels.copyNewToken, { token })).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'tokens.malformed' } })
      expect(test.platform.clipboardText).toBe('untouched')
    }
    expect(await test.call(tokensChannels.copyNewToken, { token: created.token })).toEqual({ ok: true, value: { clearAfterSeconds: 60 } })
    expect(test.platform.clipboardText).toBe(created.token)
  })
})

describe('clipboard clearer', () => {
  function fakeScheduler() {
    const pending: Array<{ run: () => void; delayMs: number; cancelled: boolean }> = []
    const schedule: Scheduler = (run, delayMs) => {
      const entry = { run, delayMs, cancelled: false }
      pending.push(entry)
      return () => void (entry.cancelled = true)
    }
    const fire = async () => {
      for (const entry of pending.splice(0)) if (!entry.cancelled) entry.run()
      await new Promise((resolve) => setImmediate(resolve))
    }
    return { schedule, pending, fire }
  }

  it('clears the clipboard after 60 s when it still holds the secret', async () => {
    const platform = createFakePlatform()
    const timer = fakeScheduler()
    createClipboardClearer(timer.schedule).copySecret(platform.clipboard, 'ksk_secret')
    expect(platform.clipboardText).toBe('ksk_secret')
    expect(timer.pending.map((p) => p.delayMs)).toEqual([60_000])
    await timer.fire()
    expect(platform.clipboardText).toBe('')
  })

  it('leaves the clipboard alone when something else was copied since', async () => {
    const platform = createFakePlatform()
    const timer = fakeScheduler()
    createClipboardClearer(timer.schedule).copySecret(platform.clipboard, 'ksk_secret')
    platform.clipboard.writeText('a shopping list')
    await timer.fire()
    expect(platform.clipboardText).toBe('a shopping list')
  })

  it('a second copy restarts the 60 s', async () => {
    const platform = createFakePlatform()
    const timer = fakeScheduler()
    const clearer = createClipboardClearer(timer.schedule)
    clearer.copySecret(platform.clipboard, 'first')
    clearer.copySecret(platform.clipboard, 'second')
    expect(timer.pending.map((p) => p.cancelled)).toEqual([true, false])
    await timer.fire()
    expect(platform.clipboardText).toBe('')
  })
})
