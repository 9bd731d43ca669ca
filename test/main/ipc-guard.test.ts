import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { eventChannels, listChannels } from '../../src-preload/contract/api.ts'
import { registerIpcHandlers } from '../../src-main/ipc/register.ts'
import type { IpcEventLike, IpcMainLike } from '../../src-main/ipc/register.ts'
import { startTestCore, TEST_ORIGIN } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/** Stands in for Electron's ipcMain: records handlers so tests can call them with forged events. */
function createFakeIpcMain() {
  const handlers = new Map<string, (event: IpcEventLike, payload: unknown) => Promise<unknown>>()
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) }
  return {
    ipcMain,
    handlers,
    send(channel: string, payload: unknown, options: { windowId?: number; url?: string | null } = {}) {
      const handler = handlers.get(channel)
      if (!handler) throw new Error(`No handler registered for ${channel}`)
      const url = options.url === undefined ? `${TEST_ORIGIN}/index.html` : options.url
      return handler({ sender: { id: options.windowId ?? 1 }, senderFrame: url === null ? null : { url } }, payload)
    },
  }
}

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let fake: ReturnType<typeof createFakeIpcMain>
const logged: string[] = []

beforeEach(async () => {
  dir = makeTempDir()
  logged.length = 0
  test = await startTestCore({ dataDir: dir.path, log: { info: () => {}, error: (message) => void logged.push(message) } })
  fake = createFakeIpcMain()
  registerIpcHandlers(fake.ipcMain, test.core.channelNames, test.core.invoke)
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

const createAlice = (windowId = 1) =>
  fake.send(authChannels.createAccount, { username: 'alice', password: 'wonderland 1' }, { windowId })

describe('guarded IPC handlers', () => {
  it('registers exactly the contract channels, all prefixed keystead:', () => {
    expect([...fake.handlers.keys()].sort()).toEqual(listChannels().sort())
    for (const channel of fake.handlers.keys()) expect(channel).toMatch(/^keystead:[a-z]+\.[A-Za-z]+$/)
  })

  it('answers a trusted window', async () => {
    expect(await fake.send(authChannels.listAccounts, null)).toEqual({ ok: true, value: [] })
  })

  it.each([
    ['another origin', 'https://evil.example/index.html'],
    ['a file URL', 'file:///tmp/index.html'],
    ['a look-alike host', 'http://app.invalid.evil.example/index.html'],
    ['no frame', null],
  ])('refuses a sender from %s and changes nothing', async (_label, url) => {
    const result = await fake.send(authChannels.createAccount, { username: 'mallory', password: 'wonderland 1' }, { url })
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(test.core.services!.accounts.listAccounts()).toEqual([])
  })

  it('refuses an unknown channel', async () => {
    const result = await test.core.invoke({ windowId: 1, senderUrl: `${TEST_ORIGIN}/` }, 'keystead:auth.dropTables', null)
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'ipc.unknownChannel' } })
    expect(await test.core.invoke({ windowId: 1, senderUrl: `${TEST_ORIGIN}/` }, eventChannels.sessionEnded, null)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
  })

  it.each([
    ['a string', 'alice'],
    ['a missing field', { username: 'alice' }],
    ['a wrong type', { username: 42, password: 'wonderland 1' }],
    ['an unknown key', { username: 'alice', password: 'wonderland 1', isAdmin: true }],
    ['a huge string', { username: 'a'.repeat(100_000), password: 'wonderland 1' }],
    ['null', null],
  ])('refuses bad arguments (%s) with a validation error and creates nothing', async (_label, payload) => {
    const result = (await fake.send(authChannels.createAccount, payload)) as { ok: false; error: { code: string; message: string } }
    expect(result.ok).toBe(false)
    expect(result.error.code).toBe('VALIDATION')
    expect(result.error.message).not.toContain('wonderland')
    expect(test.core.services!.accounts.listAccounts()).toEqual([])
  })

  it('refuses session-only channels without a session', async () => {
    expect(await fake.send(authChannels.signOut, null)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await fake.send(authChannels.reauthenticate, { password: 'x' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('keeps each window to its own session, and never returns the token', async () => {
    const created = (await createAlice(1)) as { ok: true; value: Record<string, unknown> }
    expect(created.ok).toBe(true)
    expect(JSON.stringify(created)).not.toContain(test.core.windows.get(1)!.token)
    expect(await fake.send(authChannels.getCurrentAccount, null, { windowId: 1 })).toMatchObject({ ok: true, value: { username: 'alice' } })
    expect(await fake.send(authChannels.getCurrentAccount, null, { windowId: 2 })).toEqual({ ok: true, value: null })
    expect(await fake.send(authChannels.signOut, null, { windowId: 2 })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('pushes "session ended" to the window whose session was closed', async () => {
    await createAlice(1)
    await fake.send(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, { windowId: 2 })
    const sessionOfWindow2 = test.core.windows.get(2)!.sessionId
    test.core.services!.sessions.invalidateSession(sessionOfWindow2, 'revoked')
    expect(test.pushed).toEqual([{ windowId: 2, channel: eventChannels.sessionEnded, payload: { reason: 'revoked' } }])
    expect(await fake.send(authChannels.getCurrentAccount, null, { windowId: 2 })).toEqual({ ok: true, value: null })
    expect(await fake.send(authChannels.getCurrentAccount, null, { windowId: 1 })).toMatchObject({ ok: true, value: { username: 'alice' } })
  })

  it('logs internal errors without the payload and answers generically', async () => {
    await createAlice(1)
    test.core.services!.db.exec('DROP TABLE security_log')
    const result = await fake.send(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, { windowId: 3 })
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong. Please try again.', reason: 'internal' } })
    expect(logged.join('\n')).toContain('keystead:auth.signIn')
    expect(logged.join('\n')).not.toContain('wonderland')
  })
})
