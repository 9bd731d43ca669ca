import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { sessionsChannels } from '../../src-preload/contract/sessions.ts'
import { createKeptSessionStore, createUnavailableKeptSessionStore } from '../../src-main/platform/kept-session.ts'
import type { KeptSessionBackend } from '../../src-main/platform/kept-session.ts'
import { createFakePlatform, fakeDecrypt, fakeEncrypt } from '../fixtures/fake-platform.ts'
import type { FakePlatform } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

function fakeBackend(available = true) {
  const data = new Map<string, unknown>()
  const backend: KeptSessionBackend & { available: boolean; data: Map<string, unknown> } = {
    available,
    data,
    isAvailable: () => backend.available,
    encrypt: fakeEncrypt,
    decrypt: fakeDecrypt,
    store: { get: (k) => data.get(k), set: (k, v) => void data.set(k, v), delete: (k) => void data.delete(k) },
  }
  return backend
}

describe('the kept-session store (injected encryption and store)', () => {
  it('stores the token sealed, never in clear, and reads it back', () => {
    const backend = fakeBackend()
    const store = createKeptSessionStore(backend)
    store.save({ sessionId: 'sid-1', token: 'very-secret-token-value' })
    expect(JSON.stringify([...backend.data])).not.toContain('very-secret-token-value')
    expect(JSON.stringify([...backend.data])).not.toContain(Buffer.from('very-secret-token-value').toString('base64'))
    expect(store.keptSessionId()).toBe('sid-1')
    expect(store.load()).toEqual({ sessionId: 'sid-1', token: 'very-secret-token-value' })
    store.clear()
    expect(store.load()).toBeNull()
    expect(backend.data.size).toBe(0)
  })

  it('is unavailable without an OS keyring, says why, and refuses to store', () => {
    const backend = fakeBackend(false)
    const store = createKeptSessionStore(backend)
    expect(store.unavailableReason()).toBe('noKeyring')
    expect(() => store.save({ sessionId: 's', token: 't' })).toThrow(/keyring/)
    expect(backend.data.size).toBe(0)
    expect(createUnavailableKeptSessionStore().unavailableReason()).toBe('noKeyring')
  })

  it('drops an entry it cannot decrypt or that is damaged', () => {
    const backend = fakeBackend()
    const store = createKeptSessionStore(backend)
    backend.data.set('keptSession', { sessionId: 's', sealedToken: Buffer.from('not sealed').toString('base64') })
    expect(store.load()).toBeNull()
    expect(backend.data.size).toBe(0)
    backend.data.set('keptSession', 'garbage')
    expect(store.keptSessionId()).toBeNull()
    expect(backend.data.size).toBe(0)
  })
})

describe('"Keep me signed in" in the app core', () => {
  let dir: ReturnType<typeof makeTempDir>
  let platform: FakePlatform
  let app: TestCore
  let now: number
  const cores: TestCore[] = []

  async function start(): Promise<TestCore> {
    const core = await startTestCore({ dataDir: dir.path, platform, clock: () => now, scheduleSessionCheck: () => () => {} })
    cores.push(core)
    return core
  }

  beforeEach(async () => {
    dir = makeTempDir()
    now = Date.UTC(2026, 10, 23, 9, 0, 0)
    platform = createFakePlatform()
    app = await start()
    await app.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
  })
  afterEach(() => {
    for (const core of cores.splice(0)) core.core.close()
    dir.remove()
  })

  it('offers the option when there is a keyring', async () => {
    expect(await app.call(authChannels.getSignInOptions, null, 1)).toEqual({ ok: true, value: { keepSignedIn: { available: true } } })
  })

  it('keeps the session sealed and restores it after a restart for the first window', async () => {
    await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1', keepSignedIn: true }, 1)
    const { token, sessionId } = app.core.windows.get(1)!
    expect(JSON.stringify([...platform.keptStore])).not.toContain(token)
    expect(app.core.services!.sessions.findSession(sessionId)!.keep_signed_in).toBe(1)
    app.core.close()
    now += 60 * 60 * 1000

    const restarted = await start()
    expect(restarted.core.restoreKeptSession(1)).toBe(true)
    expect(await restarted.call(authChannels.getCurrentAccount, null, 1)).toMatchObject({ ok: true, value: { username: 'alice', sessionId } })
    const log = await restarted.core.services!.audit.listSecurityEvents(restarted.core.services!.accounts.findAccountByUsername('alice')!.id)
    expect(log.entries[0]).toMatchObject({ kind: 'session.restored', sessionId })
  })

  it('forgets the kept session when it is signed out, closed or expired', async () => {
    await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1', keepSignedIn: true }, 1)
    await app.call(authChannels.signOut, null, 1)
    expect(platform.keptStore.size).toBe(0)

    await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1', keepSignedIn: true }, 1)
    await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, 2)
    await app.call(sessionsChannels.close, { sessionId: app.core.windows.get(1)!.sessionId }, 2)
    expect(platform.keptStore.size).toBe(0)

    await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1', keepSignedIn: true }, 1)
    app.core.forgetWindow(1)
    now += 13 * 60 * 60 * 1000
    const restarted = await start()
    expect(restarted.core.restoreKeptSession(1)).toBe(false)
    expect(platform.keptStore.size).toBe(0)
    expect(restarted.core.windows.get(1)).toBeUndefined()
  })

  it('does not restore a session that was not started with "Keep me signed in"', async () => {
    await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, 1)
    const { token, sessionId } = app.core.windows.get(1)!
    platform.keptSession.save({ sessionId, token }) // planted by hand
    const restarted = await start()
    expect(restarted.core.restoreKeptSession(5)).toBe(false)
    expect(platform.keptStore.size).toBe(0)
  })

  it('without a keyring: the form is told why, and a forged request is refused with nothing created', async () => {
    platform.keyring = false
    expect(await app.call(authChannels.getSignInOptions, null, 1)).toEqual({ ok: true, value: { keepSignedIn: { available: false, reason: 'noKeyring' } } })
    const logBefore = app.core.services!.db.prepare('SELECT count(*) AS n FROM security_log').get()
    const result = await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1', keepSignedIn: true }, 1)
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', field: 'keepSignedIn', reason: 'auth.keepSignedInUnavailable' } })
    expect(app.core.services!.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 })
    expect(app.core.services!.db.prepare('SELECT count(*) AS n FROM security_log').get()).toEqual(logBefore)
    expect(platform.keptStore.size).toBe(0)
    expect((await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1', keepSignedIn: false }, 1)).ok).toBe(true)
  })

  it.each([['a string', 'yes'], ['a number', 1]])('refuses keepSignedIn as %s', async (_label, value) => {
    expect(await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1', keepSignedIn: value }, 1)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(platform.keptStore.size).toBe(0)
  })
})
