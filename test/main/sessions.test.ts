import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventChannels } from '../../src-preload/contract/api.ts'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { SessionListView } from '../../src-preload/contract/sessions.ts'
import { sessionsChannels } from '../../src-preload/contract/sessions.ts'
import { intervalScheduler, SESSION_CHECK_INTERVAL_MS } from '../../src-main/core.ts'
import type { SessionCheckScheduler } from '../../src-main/core.ts'
import { DEFAULT_SESSION_POLICY } from '../../src-main/services/session-service.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

let dir: ReturnType<typeof makeTempDir>
let now: number
let app: TestCore
let ticks: Array<() => void>
const cores: TestCore[] = []

/** A scheduler the test drives by hand: the "every second" tick runs when the test says so. */
const manualScheduler: SessionCheckScheduler = (tick) => {
  ticks.push(tick)
  return () => {
    ticks = ticks.filter((t) => t !== tick)
  }
}

async function startCore(): Promise<TestCore> {
  const core = await startTestCore({ dataDir: dir.path, clock: () => now, scheduleSessionCheck: manualScheduler })
  cores.push(core)
  return core
}

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 10, 23, 9, 0, 0)
  ticks = []
  app = await startCore()
  await app.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
  await app.core.services!.accounts.createAccount({ username: 'bob', password: 'builder 42' })
})
afterEach(() => {
  for (const core of cores.splice(0)) core.core.close()
  dir.remove()
})

const signIn = (windowId: number, username = 'alice', password = 'wonderland 1', extra: Record<string, unknown> = {}) =>
  app.call(authChannels.signIn, { username, password, ...extra }, windowId)
const sessionOf = (windowId: number, core = app) => core.core.windows.get(windowId)!.sessionId
const countSessions = () => (app.core.services!.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n
const logKinds = () => (app.core.services!.db.prepare('SELECT kind FROM security_log ORDER BY id').all() as Array<{ kind: string }>).map((r) => r.kind)
const list = async (windowId: number) => {
  const result = await app.call<SessionListView>(sessionsChannels.list, null, windowId)
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

describe('session lifetimes (injected clock)', () => {
  it('ends a session after 12 hours without activity, and activity moves the limit', async () => {
    await signIn(1)
    now += 11 * HOUR
    expect((await app.call(authChannels.getCurrentAccount, null, 1)).ok).toBe(true)
    now += 11 * HOUR // 22 h after sign-in, 11 h after the last activity: still alive
    expect(await app.call(authChannels.getCurrentAccount, null, 1)).toMatchObject({ ok: true, value: { username: 'alice' } })
    now += 12 * HOUR
    expect(await app.call(sessionsChannels.list, null, 1)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(countSessions()).toBe(0)
  })

  it('ends a session 30 days after it began, however active', async () => {
    await signIn(1)
    const start = now
    while (now + 6 * HOUR < start + 30 * DAY) {
      now += 6 * HOUR
      expect((await app.call(sessionsChannels.list, null, 1)).ok).toBe(true)
    }
    now = start + 30 * DAY
    expect(await app.call(sessionsChannels.list, null, 1)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('writes "last modified" at most once a minute, and shows when the session expires', async () => {
    await signIn(1)
    const start = now
    now += 30_000
    let view = await list(1)
    expect(view.current.lastUsedAt).toBe(new Date(start).toISOString())
    now += 30_000
    view = await list(1)
    expect(view.current.lastUsedAt).toBe(new Date(start + MINUTE).toISOString())
    expect(view.current.createdAt).toBe(new Date(start).toISOString())
    expect(view.current.lastAuthAt).toBe(new Date(start).toISOString())
    expect(view.current.expiresAt).toBe(new Date(start + MINUTE + 12 * HOUR).toISOString())
    expect(view.lifetimes).toEqual({ idleTimeoutMinutes: 720, absoluteTimeoutMinutes: 43_200, minMinutes: 1, maxMinutes: 525_600 })
  })

  it('changes the lifetimes at runtime for every session, stores them, and logs the change', async () => {
    await signIn(1)
    const services = app.core.services!
    expect(services.sessions.getSessionPolicy()).toEqual(DEFAULT_SESSION_POLICY)
    const result = await app.call(sessionsChannels.setLifetimes, { idleTimeoutMinutes: 30, absoluteTimeoutMinutes: 120 }, 1)
    expect(result).toMatchObject({ ok: true, value: { idleTimeoutMinutes: 30, absoluteTimeoutMinutes: 120 } })
    // Another process (or a restart) reads the same lifetimes from the file.
    const other = await startCore()
    expect(other.core.services!.sessions.getSessionPolicy()).toMatchObject({ idleTimeoutMs: 30 * MINUTE, absoluteTimeoutMs: 2 * HOUR })
    expect(logKinds()).toContain('session.policyChanged')
    // The existing session now follows them.
    now += 31 * MINUTE
    expect(await app.call(sessionsChannels.list, null, 1)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('asks for the password again before changing the lifetimes', async () => {
    await signIn(1)
    now += 11 * MINUTE
    expect(await app.call(sessionsChannels.setLifetimes, { idleTimeoutMinutes: 30, absoluteTimeoutMinutes: 120 }, 1)).toMatchObject({
      ok: false,
      error: { code: 'REAUTH_REQUIRED' },
    })
    expect(app.core.services!.sessions.getSessionPolicy()).toEqual(DEFAULT_SESSION_POLICY)
  })

  it.each([
    ['idle longer than total', { idleTimeoutMinutes: 600, absoluteTimeoutMinutes: 60 }, 'sessions.idleLongerThanAbsolute'],
    ['zero', { idleTimeoutMinutes: 0, absoluteTimeoutMinutes: 60 }, 'input.invalid'],
    ['negative', { idleTimeoutMinutes: -5, absoluteTimeoutMinutes: 60 }, 'input.invalid'],
    ['a fraction', { idleTimeoutMinutes: 1.5, absoluteTimeoutMinutes: 60 }, 'input.invalid'],
    ['more than a year', { idleTimeoutMinutes: 60, absoluteTimeoutMinutes: 600_000 }, 'input.invalid'],
    ['a string', { idleTimeoutMinutes: '60', absoluteTimeoutMinutes: 60 }, 'input.invalid'],
    ['an extra key', { idleTimeoutMinutes: 60, absoluteTimeoutMinutes: 60, touchIntervalMinutes: 0 }, 'input.invalid'],
    ['nothing', null, 'input.invalid'],
  ])('refuses bad lifetimes (%s) and changes nothing', async (_label, payload, reason) => {
    await signIn(1)
    const result = await app.call(sessionsChannels.setLifetimes, payload, 1)
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason } })
    expect(app.core.services!.sessions.getSessionPolicy()).toEqual(DEFAULT_SESSION_POLICY)
    expect(app.core.services!.db.prepare('SELECT count(*) AS n FROM session_policy').get()).toEqual({ n: 0 })
  })

  it('validates lifetimes in the service too (for the CLI and the API)', () => {
    const sessions = app.core.services!.sessions
    expect(() => sessions.setSessionLifetimes({ idleTimeoutMs: 0, absoluteTimeoutMs: HOUR })).toThrow(/positive/)
    expect(() => sessions.setSessionLifetimes({ idleTimeoutMs: 30_000, absoluteTimeoutMs: HOUR })).toThrow(/between 1 minute and 365 days/)
    expect(() => sessions.setSessionLifetimes({ idleTimeoutMs: 2 * HOUR, absoluteTimeoutMs: HOUR })).toThrow(/cannot be longer/)
    expect(() => sessions.setSessionLifetimes({ idleTimeoutMs: Number.NaN, absoluteTimeoutMs: HOUR })).toThrow(/positive/)
    expect(sessions.getSessionPolicy()).toEqual(DEFAULT_SESSION_POLICY)
    expect(sessions.setSessionLifetimes({ idleTimeoutMs: HOUR, absoluteTimeoutMs: HOUR })).toMatchObject({ idleTimeoutMs: HOUR, absoluteTimeoutMs: HOUR })
  })
})

describe('the sessions list', () => {
  it('shows the current session and the others newest first, with where each came from, never a token', async () => {
    await signIn(1)
    now += MINUTE
    await signIn(2)
    now += MINUTE
    const cli = app.core.services!.sessions.createSession(app.core.services!.accounts.findAccountByUsername('alice')!.id, { origin: 'cli', device: FAKE_DEVICE })
    now += MINUTE
    await signIn(3, 'bob', 'builder 42')
    const view = await list(2)
    expect(view.current).toMatchObject({ id: sessionOf(2), isCurrent: true, origin: 'app', ...FAKE_DEVICE })
    expect(view.others.map((s) => [s.id, s.origin, s.isCurrent])).toEqual([
      [cli.session.id, 'cli', false],
      [sessionOf(1), 'app', false],
    ])
    const text = JSON.stringify(view)
    for (const windowId of [1, 2, 3]) expect(text).not.toContain(app.core.windows.get(windowId)!.token)
    expect(text).not.toContain(cli.token)
    expect(text).not.toContain(sessionOf(3))
  })
})

describe('the sessions list, a page at a time (an account may have thousands of sessions)', () => {
  const addSessions = (count: number, accountId: number, at: (i: number) => number, prefix = 'bulk') => {
    const insert = app.core.services!.db.prepare("INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at) VALUES (?, ?, randomblob(32), 'cli', ?, ?, ?, ?)")
    app.core.services!.db.transaction(() => {
      for (let i = 0; i < count; i++) insert.run(`${prefix}-${String(i).padStart(4, '0')}`, accountId, at(i), now, at(i), at(i) + DAY)
    })()
  }
  const page = async (windowId: number, query: unknown) => {
    const result = await app.call<SessionListView>(sessionsChannels.list, query, windowId)
    if (!result.ok) throw new Error(result.error.message)
    return result.value
  }

  it('pages the other sessions newest first (50, at most 200 a page), each exactly once, with the total, to the last page', async () => {
    await signIn(1)
    const alice = app.core.services!.accounts.findAccountByUsername('alice')!.id
    // 260 others, several created in the same millisecond (the id breaks the tie), plus bob's, never shown.
    addSessions(260, alice, (i) => now - 1000 - Math.floor(i / 3))
    addSessions(5, app.core.services!.accounts.findAccountByUsername('bob')!.id, () => now, 'bob')
    const first = await list(1)
    expect(first.others).toHaveLength(50)
    expect(first.othersTotal).toBe(260)
    expect(first.current.id).toBe(sessionOf(1))
    const seen = first.others.map((s) => s.id)
    let cursor = first.nextCursor
    const sizes = [first.others.length]
    while (cursor) {
      const next = await page(1, { cursor, limit: 100 })
      sizes.push(next.others.length)
      seen.push(...next.others.map((s) => s.id))
      expect(next.othersTotal).toBe(260)
      cursor = next.nextCursor
    }
    expect(sizes).toEqual([50, 100, 100, 10])
    const expected = (app.core.services!.db.prepare('SELECT id FROM sessions WHERE account_id = ? AND id != ? ORDER BY created_at DESC, id').all(alice, sessionOf(1)) as Array<{ id: string }>).map((r) => r.id)
    expect(seen).toEqual(expected)
    expect((await page(1, { limit: 200 })).others).toHaveLength(200)
    // A page that ends exactly at the last session says so: no empty page behind "Show more".
    const sixty = await page(1, { limit: 60 })
    const exact = await page(1, { cursor: sixty.nextCursor, limit: 200 })
    expect(exact.others).toHaveLength(200)
    expect(exact.nextCursor).toBeNull()
  })

  it('ends the expired sessions a page meets and shows only live ones', async () => {
    await signIn(1)
    const alice = app.core.services!.accounts.findAccountByUsername('alice')!.id
    addSessions(10, alice, (i) => (i % 2 === 0 ? now - 31 * DAY : now - i)) // even ones began 31 days ago: expired
    const view = await list(1)
    expect(view.others.map((s) => s.id)).toEqual(['bulk-0001', 'bulk-0003', 'bulk-0005', 'bulk-0007', 'bulk-0009'])
    expect(view.nextCursor).toBeNull()
    expect(countSessions()).toBe(6)
    expect((await list(1)).othersTotal).toBe(5)
  })

  it.each([
    ['a made-up cursor', { cursor: 'bm90IGEgY3Vyc29y' }, 'sessions.cursorInvalid'],
    ['a cursor of the wrong shape', { cursor: Buffer.from(JSON.stringify({ a: 1 })).toString('base64url') }, 'sessions.cursorInvalid'],
    ['a page of 201', { limit: 201 }, 'input.invalid'],
    ['a page of 0', { limit: 0 }, 'input.invalid'],
    ['an extra key', { cursor: 'x', accountId: 2 }, 'input.invalid'],
    ['a huge cursor', { cursor: 'x'.repeat(1000) }, 'input.invalid'],
  ])('refuses %s and changes nothing', async (_label, query, reason) => {
    await signIn(1)
    const alice = app.core.services!.accounts.findAccountByUsername('alice')!.id
    addSessions(3, alice, () => now - 31 * DAY) // expired: a refused request must not end them
    expect(await app.call(sessionsChannels.list, query, 1)).toMatchObject({ ok: false, error: { reason } })
    expect(countSessions()).toBe(4)
  })

  it('"Sign out all other sessions" works in slices: the event loop turns meanwhile, and none is left', async () => {
    await signIn(1)
    await signIn(2)
    const alice = app.core.services!.accounts.findAccountByUsername('alice')!.id
    addSessions(3000, alice, (i) => now - i)
    let settled = false
    const closing = app.call(sessionsChannels.closeOthers, null, 2).then((result) => ((settled = true), result))
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    expect(await closing).toEqual({ ok: true, value: { closed: 3001 } })
    expect(countSessions()).toBe(1)
    expect(app.pushed).toEqual([{ windowId: 1, channel: eventChannels.sessionEnded, payload: { reason: 'revoked' } }])
    expect(logKinds().filter((kind) => kind === 'session.closedOthers')).toHaveLength(1)
  })
})

describe('closing sessions (revocation)', () => {
  it('closes another session of the account: the window holding it is told at once and the log records it', async () => {
    await signIn(1)
    await signIn(2)
    const target = sessionOf(1)
    expect(await app.call(sessionsChannels.close, { sessionId: target }, 2)).toEqual({ ok: true, value: null })
    expect(app.pushed).toEqual([{ windowId: 1, channel: eventChannels.sessionEnded, payload: { reason: 'revoked' } }])
    expect(await app.call(authChannels.getCurrentAccount, null, 1)).toEqual({ ok: true, value: null })
    expect((await list(2)).others).toEqual([])
    const entry = (await app.core.services!.audit.listSecurityEvents(app.core.services!.accounts.findAccountByUsername('alice')!.id)).entries[0]!
    expect(entry).toMatchObject({ kind: 'session.closed', sessionId: sessionOf(2), device: expect.stringContaining('Linux'), detail: { closedSessionId: target, closedOrigin: 'app' } })
  })

  it("refuses to close another account's session, changing nothing (the same answer as a missing one)", async () => {
    await signIn(1)
    await signIn(2, 'bob', 'builder 42')
    const bobs = sessionOf(2)
    const before = logKinds()
    const result = await app.call(sessionsChannels.close, { sessionId: bobs }, 1)
    expect(result).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'This session does not exist or has already ended.', field: 'sessionId', reason: 'sessions.notFound' },
    })
    expect(app.core.services!.sessions.findSession(bobs)).toBeDefined()
    expect(countSessions()).toBe(2)
    expect(app.pushed).toEqual([])
    expect(logKinds()).toEqual(before)
  })

  it('refuses a session that no longer exists', async () => {
    await signIn(1)
    await signIn(2)
    const gone = sessionOf(1)
    await app.call(sessionsChannels.close, { sessionId: gone }, 2)
    expect(await app.call(sessionsChannels.close, { sessionId: gone }, 2)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', reason: 'sessions.notFound' } })
  })

  it('refuses to close the caller’s own session through "Close" (signing out does that)', async () => {
    await signIn(1)
    expect(await app.call(sessionsChannels.close, { sessionId: sessionOf(1) }, 1)).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'sessions.isCurrent' } })
    expect(countSessions()).toBe(1)
  })

  it.each([
    ['a made-up id', { sessionId: 'AAAAAAAAAAAAAAAAAAAAAAAA' }, 'NOT_FOUND'],
    ['SQL', { sessionId: "' OR 1=1 --" }, 'NOT_FOUND'],
    ['a wildcard', { sessionId: '%' }, 'NOT_FOUND'],
    ['an empty id', { sessionId: '' }, 'VALIDATION'],
    ['a huge id', { sessionId: 'x'.repeat(10_000) }, 'VALIDATION'],
    ['a number', { sessionId: 42 }, 'VALIDATION'],
    ['an array', { sessionId: ['a', 'b'] }, 'VALIDATION'],
    ['an extra key', { sessionId: 'x', accountId: 2 }, 'VALIDATION'],
    ['nothing', null, 'VALIDATION'],
  ])('a forged close (%s) through the contract changes nothing', async (_label, payload, code) => {
    await signIn(1)
    await signIn(2)
    await signIn(3, 'bob', 'builder 42')
    const before = app.core.services!.db.prepare('SELECT id, last_used_at FROM sessions ORDER BY id').all()
    const logBefore = logKinds()
    expect(await app.call(sessionsChannels.close, payload, 1)).toMatchObject({ ok: false, error: { code } })
    expect(app.core.services!.db.prepare('SELECT id, last_used_at FROM sessions ORDER BY id').all()).toEqual(before)
    expect(logKinds()).toEqual(logBefore)
    expect(app.pushed).toEqual([])
  })

  it('refuses closing without a session', async () => {
    await signIn(1)
    expect(await app.call(sessionsChannels.close, { sessionId: sessionOf(1) }, 9)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(countSessions()).toBe(1)
  })

  it('"Sign out all other sessions" ends every other session of the account, and only those', async () => {
    await signIn(1)
    await signIn(2)
    await signIn(3)
    await signIn(4, 'bob', 'builder 42')
    expect(await app.call(sessionsChannels.closeOthers, null, 2)).toEqual({ ok: true, value: { closed: 2 } })
    expect(app.pushed.map((p) => p.windowId).sort()).toEqual([1, 3])
    expect(app.core.windows.get(2)).toBeDefined()
    expect(app.core.windows.get(4)).toBeDefined()
    expect(countSessions()).toBe(2)
    expect(logKinds().at(-1)).toBe('session.closedOthers')
    expect(await app.call(sessionsChannels.closeOthers, null, 2)).toEqual({ ok: true, value: { closed: 0 } })
  })
})

describe('sessions closed by another process (same file)', () => {
  it('reaches the window on the next check, with one lookup per held session', async () => {
    await signIn(1)
    await signIn(2)
    const cli = await startCore() // stands for the CLI / local API: another connection to the same file
    cli.core.services!.sessions.closeAccountSession(app.core.services!.accounts.findAccountByUsername('alice')!.id, sessionOf(1), null)
    expect(app.pushed).toEqual([]) // not this process's event hub
    expect(app.core.checkWindowSessions()).toEqual([1])
    expect(app.pushed).toEqual([{ windowId: 1, channel: eventChannels.sessionEnded, payload: { reason: 'revoked' } }])
    expect(app.core.windows.get(1)).toBeUndefined()
    expect(app.core.windows.get(2)).toBeDefined()
    expect(app.core.checkWindowSessions()).toEqual([])
    expect(app.pushed).toHaveLength(1)
  })

  it('runs the check on the injected schedule, every second by default, and stops when the core closes', async () => {
    await signIn(1)
    const cli = await startCore()
    cli.core.services!.sessions.invalidateAccountSessions(app.core.services!.accounts.findAccountByUsername('alice')!.id, 'revoked')
    expect(ticks.length).toBe(2) // one per core
    ticks[0]!()
    expect(app.pushed).toEqual([{ windowId: 1, channel: eventChannels.sessionEnded, payload: { reason: 'revoked' } }])
    expect(SESSION_CHECK_INTERVAL_MS).toBe(1000)
    cli.core.close()
    cores.splice(cores.indexOf(cli), 1)
    expect(ticks.length).toBe(1)
  })

  it('sends an idle-expired window to sign-in on the check, without any request from it', async () => {
    await signIn(1)
    now += 12 * HOUR
    expect(app.core.checkWindowSessions()).toEqual([])
    expect(app.pushed).toEqual([{ windowId: 1, channel: eventChannels.sessionEnded, payload: { reason: 'expired' } }])
    expect(countSessions()).toBe(0)
  })

  it('the default scheduler ticks on a real timer', async () => {
    let count = 0
    const stop = intervalScheduler(() => count++, 20)
    await new Promise((resolve) => setTimeout(resolve, 75))
    stop()
    const seen = count
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(seen).toBeGreaterThanOrEqual(2)
    expect(count).toBe(seen)
  })
})

describe('findEndedSessionIds', () => {
  it('answers for many ids at once: missing ones returned, expired ones ended, live ones left alone', async () => {
    const services = app.core.services!
    const alice = services.accounts.findAccountByUsername('alice')!.id
    const live = Array.from({ length: 600 }, () => services.sessions.createSession(alice, { origin: 'api', device: FAKE_DEVICE }).session.id)
    now += 11 * HOUR
    const fresh = services.sessions.createSession(alice, { origin: 'cli', device: FAKE_DEVICE }).session.id
    services.sessions.invalidateSession(live[599]!, 'revoked')
    expect(services.sessions.findEndedSessionIds([...live.slice(0, 599), 'missing-1', fresh, 'missing-1'])).toEqual(['missing-1'])
    now += 2 * HOUR // the 600 older ones are now idle for 13 h; the fresh one for 2 h
    expect(services.sessions.findEndedSessionIds([...live.slice(0, 599), fresh, live[599]!])).toEqual([live[599]])
    expect(countSessions()).toBe(1)
    expect(services.sessions.findEndedSessionIds([])).toEqual([])
  })
})
