import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SecurityLogPage } from '../../src-preload/contract/audit.ts'
import { auditChannels } from '../../src-preload/contract/audit.ts'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { sessionsChannels } from '../../src-preload/contract/sessions.ts'
import { escapeCSVField, formatSecurityEventsCSV, formatSecurityEventsJSON, neutralizeFormula } from '../../src-main/services/audit-service.ts'
import type { DescribedSecurityEvent } from '../../src-main/services/audit-service.ts'
import type { SecurityLogRow } from '../../src-main/db/repositories/security-log-repo.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

let dir: ReturnType<typeof makeTempDir>
let now: number
let app: TestCore
let aliceId: number

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 10, 23, 9, 0, 0)
  app = await startTestCore({ dataDir: dir.path, clock: () => now, scheduleSessionCheck: () => () => {} })
  aliceId = (await app.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })).id
  await app.core.services!.accounts.createAccount({ username: 'bob', password: 'builder 42' })
})
afterEach(() => {
  app.core.close()
  dir.remove()
})

const step = () => (now += 1000)
const signIn = (windowId: number, password = 'wonderland 1', username = 'alice') => app.call(authChannels.signIn, { username, password }, windowId)
const logRowCount = () => (app.core.services!.db.prepare('SELECT count(*) AS n FROM security_log').get() as { n: number }).n
async function listEvents(payload: unknown, windowId = 1): Promise<SecurityLogPage> {
  const result = await app.call<SecurityLogPage>(auditChannels.listEvents, payload, windowId)
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

/** The flows that exist today, each one step apart on the clock. */
async function runFlows(): Promise<void> {
  step()
  await signIn(1, 'wrong password 1')
  step()
  await signIn(1)
  step()
  await signIn(2)
  step()
  await app.call(authChannels.reauthenticate, { password: 'not it 9' }, 1)
  step()
  await app.call(authChannels.reauthenticate, { password: 'wonderland 1' }, 1)
  step()
  await app.call(sessionsChannels.close, { sessionId: app.core.windows.get(2)!.sessionId }, 1)
  step()
  await signIn(3)
  step()
  await app.call(sessionsChannels.closeOthers, null, 1)
  step()
  await signIn(4)
  step()
  await app.call(authChannels.signOut, null, 4)
}

describe('what the log records', () => {
  it('records every flow there is now, with the time, the session and its device, newest first', async () => {
    await runFlows()
    const page = await listEvents({}, 1)
    expect(page.entries.map((e) => e.kind)).toEqual([
      'signout',
      'signin',
      'session.closedOthers',
      'signin',
      'session.closed',
      'reauth',
      'reauth.failed',
      'signin',
      'signin',
      'signin.failed',
      'account.created',
    ])
    const window1 = app.core.windows.get(1)!.sessionId
    const reauth = page.entries.find((e) => e.kind === 'reauth')!
    expect(reauth).toMatchObject({ sessionId: window1, device: 'Keystead test (Electron 45.0.0, Chromium 140.0.0.0) on Linux 6.1.0-test (x64)' })
    expect(reauth.at).toBe(new Date(Date.UTC(2026, 10, 23, 9, 0, 5)).toISOString())
    expect(page.entries.find((e) => e.kind === 'signin.failed')).toMatchObject({ sessionId: null, device: expect.stringContaining('Linux'), detail: { origin: 'app' } })
    expect(page.entries.find((e) => e.kind === 'session.closedOthers')).toMatchObject({ sessionId: window1, detail: { count: 1 } })
    expect(page.total).toBe(11)
    expect(page.kinds).toEqual(['account.created', 'reauth', 'reauth.failed', 'session.closed', 'session.closedOthers', 'signin', 'signin.failed', 'signout'])
  })

  it('never holds a secret: no password, no session token, no token hash', async () => {
    await signIn(1)
    const tokens = [app.core.windows.get(1)!.token]
    await runFlows()
    for (const id of [1, 3]) if (app.core.windows.get(id)) tokens.push(app.core.windows.get(id)!.token)
    const dump = JSON.stringify(app.core.services!.db.prepare('SELECT * FROM security_log').all())
    for (const secret of ['wonderland 1', 'wrong password 1', 'not it 9', ...tokens]) expect(dump).not.toContain(secret)
    const hashes = app.core.services!.db.prepare('SELECT hex(token_hash) AS h FROM sessions').all() as Array<{ h: string }>
    for (const { h } of hashes) expect(dump.toUpperCase()).not.toContain(h)
  })

  it("shows only the caller's own account", async () => {
    await signIn(1)
    await signIn(2, 'builder 42', 'bob')
    const page = await listEvents({}, 2)
    expect(page.entries.map((e) => e.kind)).toEqual(['signin', 'account.created'])
  })
})

describe('the log view: filter, paging', () => {
  beforeEach(async () => {
    await signIn(1)
    for (let i = 0; i < 30; i++) {
      step()
      app.core.services!.audit.recordSecurityEvent({ accountId: aliceId, kind: i % 3 === 0 ? 'token.created' : 'signin', detail: { n: i } })
    }
  })

  it('pages newest first', async () => {
    const first = await listEvents({ pageSize: 10 })
    expect(first).toMatchObject({ total: 32, page: 1, pageSize: 10 })
    expect(first.entries.map((e) => e.detail.n)).toEqual([29, 28, 27, 26, 25, 24, 23, 22, 21, 20])
    const last = await listEvents({ page: 4, pageSize: 10 })
    expect(last.entries.map((e) => e.kind)).toEqual(['signin', 'account.created'])
    expect((await listEvents({ page: 5, pageSize: 10 })).entries).toEqual([])
    expect((await listEvents({})).pageSize).toBe(25)
  })

  it('filters by kind, including kinds this version has no name for', async () => {
    const page = await listEvents({ kinds: ['token.created'], pageSize: 5 })
    expect(page.total).toBe(10)
    expect(page.entries.map((e) => e.detail.n)).toEqual([27, 24, 21, 18, 15])
    expect(page.kinds).toContain('token.created')
    const two = await listEvents({ kinds: ['token.created', 'account.created'], page: 3, pageSize: 5 })
    expect(two.entries.map((e) => e.kind)).toEqual(['account.created'])
    expect((await listEvents({ kinds: ['no.such.kind'] })).total).toBe(0)
  })

  it.each([
    ['page 0', { page: 0 }],
    ['a page size of 1000', { pageSize: 1000 }],
    ['a fractional page', { page: 1.5 }],
    ['a kind that is not a string', { kinds: [1] }],
    ['a kind too long', { kinds: ['x'.repeat(101)] }],
    ['too many kinds', { kinds: Array.from({ length: 51 }, (_, i) => `k${i}`) }],
    ['an account id', { accountId: 2 }],
    ['nothing', null],
  ])('refuses %s with a validation error and changes nothing', async (_label, payload) => {
    const before = logRowCount()
    expect(await app.call(auditChannels.listEvents, payload, 1)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(logRowCount()).toBe(before)
  })

  it('needs a session', async () => {
    expect(await app.call(auditChannels.listEvents, {}, 7)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })
})

describe('the log view on a long log: keyset pages and a total counted in slices', () => {
  const LONG = 12_345 // more than two counting slices (5,000 index entries each)
  let expected: Array<{ id: number; kind: string }>
  beforeEach(async () => {
    await signIn(1)
    const db = app.core.services!.db
    const insert = db.prepare("INSERT INTO security_log (account_id, at, kind, detail) VALUES (?, ?, ?, '{}')")
    db.transaction(() => {
      // Many entries share a time stamp: a page boundary inside a run of equal times must lose or repeat none.
      for (let i = 0; i < LONG; i++) insert.run(aliceId, now - Math.floor(i / 9) * 1000, i % 4 === 0 ? 'signin.failed' : 'signin')
    })()
    expected = db.prepare('SELECT id, kind FROM security_log WHERE account_id = ? ORDER BY at DESC, id DESC').all(aliceId) as Array<{ id: number; kind: string }>
  })

  it('walks every entry once, newest first, by cursor; a page asked for by number is the same page', async () => {
    const seen: number[] = []
    let query: Record<string, unknown> = { pageSize: 100 }
    let pages = 0
    for (;;) {
      const page = await listEvents(query)
      pages++
      expect(page.total).toBe(expected.length)
      seen.push(...page.entries.map((e) => e.id))
      if (!page.nextCursor) break
      query = { pageSize: 100, page: page.page + 1, cursor: page.nextCursor }
    }
    expect(pages).toBe(Math.ceil(expected.length / 100))
    expect(seen).toEqual(expected.map((e) => e.id))
    const deep = await listEvents({ pageSize: 100, page: 77 })
    expect(deep.entries.map((e) => e.id)).toEqual(expected.slice(7600, 7700).map((e) => e.id))
    expect(deep.nextCursor).not.toBeNull()
    const beyond = await listEvents({ pageSize: 100, page: 500 })
    expect(beyond).toMatchObject({ entries: [], nextCursor: null, total: expected.length })
    expect(beyond.kinds).toEqual(['account.created', 'signin', 'signin.failed'])
  })

  it('counts in slices with the event loop free between them, and exactly, filtered or not', async () => {
    let settled = false
    const listing = app.call<SecurityLogPage>(auditChannels.listEvents, { pageSize: 10 }, 1).then((result) => ((settled = true), result))
    // Counting 12,000 entries in one piece would be over before the event loop turned once.
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    expect(await listing).toMatchObject({ ok: true, value: { total: expected.length } })
    const failed = expected.filter((e) => e.kind === 'signin.failed')
    const filtered = await listEvents({ kinds: ['signin.failed'], pageSize: 100, page: 2 })
    expect(filtered.total).toBe(failed.length)
    expect(filtered.entries.map((e) => e.id)).toEqual(failed.slice(100, 200).map((e) => e.id))
    const next = await listEvents({ kinds: ['signin.failed'], pageSize: 100, page: 3, cursor: filtered.nextCursor })
    expect(next.entries.map((e) => e.id)).toEqual(failed.slice(200, 300).map((e) => e.id))
    expect((await listEvents({ kinds: ['signin.failed', 'account.created'], pageSize: 5 })).total).toBe(failed.length + 1)
  })

  it.each([
    ['a made-up cursor', { cursor: 'bm90IGEgY3Vyc29y' }, 'audit.cursorInvalid'],
    ['a cursor of the wrong shape', { cursor: Buffer.from('[1,"x"]').toString('base64url') }, 'audit.cursorInvalid'],
    ['a huge cursor', { cursor: 'x'.repeat(201) }, 'input.invalid'],
    ['an empty cursor', { cursor: '' }, 'input.invalid'],
  ])('refuses %s and changes nothing', async (_label, payload, reason) => {
    const before = logRowCount()
    expect(await app.call(auditChannels.listEvents, payload, 1)).toMatchObject({ ok: false, error: { reason } })
    expect(logRowCount()).toBe(before)
  })
})

describe('export formats', () => {
  const words = (name: string, sentence: string) => ({ name, sentence, group: null, actor: '', deviceText: '', link: null })
  const events: DescribedSecurityEvent[] = [
    {
      id: 2,
      at: '2026-11-23T09:00:02.000Z',
      kind: 'session.closed',
      sessionId: 'abc',
      device: 'Electron 45, Chromium 140 on "Linux" (x64)',
      detail: { closedSessionId: 'def', note: 'line one\nline two' },
      ...words('Session closed', 'The session on X was closed — in this window'),
    },
    { id: 1, at: '2026-11-23T09:00:01.000Z', kind: 'signin.failed', sessionId: null, device: '=HYPERLINK("http://x")', detail: {}, ...words('Failed sign-in', '=1+1') },
  ]

  it('writes CSV exactly (RFC 4180 quoting, CRLF, formula cells neutralized)', () => {
    expect(formatSecurityEventsCSV(events)).toBe(
      'time,kind,session,device,detail,event,sentence\r\n' +
        '2026-11-23T09:00:02.000Z,session.closed,abc,"Electron 45, Chromium 140 on ""Linux"" (x64)","{""closedSessionId"":""def"",""note"":""line one\\nline two""}",Session closed,The session on X was closed — in this window\r\n' +
        `2026-11-23T09:00:01.000Z,signin.failed,,"'=HYPERLINK(""http://x"")",{},Failed sign-in,'=1+1\r\n`,
    )
  })

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' padded ', '" padded "'],
    ['-Ab3_x', '-Ab3_x'],
    ['', ''],
  ])('escapes %j as %j', (value, expected) => {
    expect(escapeCSVField(value)).toBe(expected)
  })

  it.each([
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['Electron 45', 'Electron 45'],
  ])('neutralizes a formula in free text: %j as %j', (value, expected) => {
    expect(neutralizeFormula(value)).toBe(expected)
  })

  it('keeps a session id that begins with "-" as it is', () => {
    const csv = formatSecurityEventsCSV([{ id: 1, at: '2026-11-23T09:00:00.000Z', kind: 'signin', sessionId: '-abc_12', device: '-', detail: {}, ...words('Signed in', 'Signed in') }])
    expect(csv.split('\r\n')[1]).toBe("2026-11-23T09:00:00.000Z,signin,-abc_12,'-,{},Signed in,Signed in")
  })

  it('writes JSON exactly', () => {
    expect(JSON.parse(formatSecurityEventsJSON(events))).toEqual([
      { time: '2026-11-23T09:00:02.000Z', kind: 'session.closed', session: 'abc', device: 'Electron 45, Chromium 140 on "Linux" (x64)', detail: { closedSessionId: 'def', note: 'line one\nline two' }, event: 'Session closed', sentence: 'The session on X was closed — in this window' },
      { time: '2026-11-23T09:00:01.000Z', kind: 'signin.failed', session: null, device: '=HYPERLINK("http://x")', detail: {}, event: 'Failed sign-in', sentence: '=1+1' },
    ])
    expect(formatSecurityEventsJSON([])).toBe('[]\n')
  })
})

describe('export through the save dialog', () => {
  beforeEach(async () => {
    step()
    await signIn(1, 'wrong one 1')
    step()
    await signIn(1)
  })

  it('writes the exact CSV file where the user chose, owner-only, and logs the export', async () => {
    const path = join(dir.path, 'log.csv')
    app.platform.nextSavePaths.push(path)
    const sessionId = app.core.windows.get(1)!.sessionId
    expect(await app.call(auditChannels.exportEvents, { format: 'csv' }, 1)).toEqual({ ok: true, value: { status: 'saved', path, count: 3 } })
    expect(app.platform.saveRequests).toEqual([{ title: 'Export the security log', defaultFileName: 'keystead-security-log-2026-11-23.csv', filters: [{ name: 'CSV', extensions: ['csv'] }] }])
    const device = 'Keystead test (Electron 45.0.0, Chromium 140.0.0.0) on Linux 6.1.0-test (x64)'
    expect(readFileSync(path, 'utf8')).toBe(
      'time,kind,session,device,detail,event,sentence\r\n' +
        `2026-11-23T09:00:02.000Z,signin,${sessionId},"${device}","{""origin"":""app""}",Signed in,Signed in — in this window\r\n` +
        `2026-11-23T09:00:01.000Z,signin.failed,,"${device}","{""origin"":""app""}",Failed sign-in,A sign-in was refused: wrong username or password — at the sign-in of the app\r\n` +
        '2026-11-23T09:00:00.000Z,account.created,,,{},Account created,The account was created — by Keystead\r\n',
    )
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect((await listEvents({ pageSize: 1 })).entries[0]).toMatchObject({ kind: 'log.exported', detail: { format: 'csv', count: 3 } })
  })

  it('writes the filtered JSON file', async () => {
    const path = join(dir.path, 'log.json')
    app.platform.nextSavePaths.push(path)
    expect(await app.call(auditChannels.exportEvents, { format: 'json', kinds: ['signin.failed'] }, 1)).toMatchObject({ ok: true, value: { status: 'saved', count: 1 } })
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([
      { time: '2026-11-23T09:00:01.000Z', kind: 'signin.failed', session: null, device: 'Keystead test (Electron 45.0.0, Chromium 140.0.0.0) on Linux 6.1.0-test (x64)', detail: { origin: 'app' }, event: 'Failed sign-in', sentence: 'A sign-in was refused: wrong username or password — at the sign-in of the app' },
    ])
  })

  it('exports a long log a page at a time: the same bytes as in one piece, other windows answered meanwhile, later entries left out', async () => {
    const db = app.core.services!.db
    const insert = db.prepare('INSERT INTO security_log (account_id, at, kind, session_id, device, detail) VALUES (?, ?, ?, ?, ?, ?)')
    db.transaction(() => {
      // 1,234 entries, many sharing a time stamp (the page boundary must not lose or repeat one), some with text to escape.
      for (let i = 0; i < 1234; i++) insert.run(aliceId, now - Math.floor(i / 7) * 1000, i % 5 === 0 ? 'signin.failed' : 'signin', null, i % 3 === 0 ? '=cmd, "quoted"' : 'Linux', JSON.stringify({ n: i }))
    })()
    const logNow = () => app.core.services!.audit.describeSecurityEvents(aliceId, db.prepare('SELECT * FROM security_log WHERE account_id = ? ORDER BY at DESC, id DESC').all(aliceId) as SecurityLogRow[])
    const failed = (events: DescribedSecurityEvent[]) => events.filter((event) => event.kind === 'signin.failed')
    for (const [format, kinds, expectedOf] of [
      ['csv', undefined, (events: DescribedSecurityEvent[]) => formatSecurityEventsCSV(events)],
      ['json', undefined, (events: DescribedSecurityEvent[]) => formatSecurityEventsJSON(events)],
      ['json', ['signin.failed'], (events: DescribedSecurityEvent[]) => formatSecurityEventsJSON(failed(events))],
      ['json', ['no.such.kind'], () => formatSecurityEventsJSON([])],
    ] as const) {
      const before = logNow()
      const expected = expectedOf(before)
      const chunks: string[] = []
      let settled = false
      const done = app.core.services!.audit.exportSecurityEvents(aliceId, format, kinds ? [...kinds] : undefined).writeTo(async (chunk) => void chunks.push(chunk))
      void done.then(() => (settled = true))
      if (!kinds) {
        await new Promise((resolve) => setImmediate(resolve))
        expect(settled).toBe(false)
        // An entry written while the export runs is newer than its first page: it is not in this file.
        expect(await signIn(7, 'wrong again 1')).toMatchObject({ ok: false })
      }
      const { count } = await done
      expect(chunks.join('')).toBe(expected)
      expect(count).toBe(kinds?.[0] === 'no.such.kind' ? 0 : kinds ? failed(before).length : before.length)
      if (!kinds) expect(chunks.length).toBeGreaterThan(3)
    }
    expect(() => app.core.services!.audit.exportSecurityEvents(aliceId, 'xlsx' as never)).toThrow(/CSV or JSON/)

    // Through the window, to a file: the same bytes.
    const path = join(dir.path, 'long.json')
    app.platform.nextSavePaths.push(path)
    const saved = await app.call<{ count: number }>(auditChannels.exportEvents, { format: 'json' }, 1)
    expect(saved).toMatchObject({ ok: true, value: { status: 'saved' } })
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveLength(saved.ok ? saved.value.count : -1)
    expect(saved.ok && saved.value.count).toBeGreaterThan(1234)
  })

  it('writes nothing when the user cancels', async () => {
    const before = logRowCount()
    app.platform.nextSavePaths.push(null)
    expect(await app.call(auditChannels.exportEvents, { format: 'csv' }, 1)).toEqual({ ok: true, value: { status: 'cancelled' } })
    expect(logRowCount()).toBe(before)
  })

  it('says so when the file cannot be written', async () => {
    app.platform.nextSavePaths.push(join(dir.path, 'no-such-folder', 'log.csv'))
    expect(await app.call(auditChannels.exportEvents, { format: 'csv' }, 1)).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', reason: 'audit.writeFailed' } })
    expect((await listEvents({ pageSize: 1 })).entries[0]!.kind).not.toBe('log.exported')
  })

  it('never writes through a link at the chosen path, and records no export', async () => {
    const victim = join(dir.path, 'victim')
    writeFileSync(victim, 'precious')
    const path = join(dir.path, 'log.csv')
    symlinkSync(victim, path)
    const before = logRowCount()
    app.platform.nextSavePaths.push(path)
    expect(await app.call(auditChannels.exportEvents, { format: 'csv' }, 1)).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'secretFile.symlink' } })
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
    expect(logRowCount()).toBe(before)
  })

  it.each([
    ['an unknown format', { format: 'xlsx' }],
    ['no format', {}],
    ['a path from the page', { format: 'csv', path: '/etc/passwd' }],
    ['nothing', null],
  ])('refuses %s without opening a dialog or writing anything', async (_label, payload) => {
    const before = logRowCount()
    expect(await app.call(auditChannels.exportEvents, payload, 1)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(app.platform.saveRequests).toEqual([])
    expect(logRowCount()).toBe(before)
    expect(existsSync('/etc/passwd.csv')).toBe(false)
  })
})
