import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SecurityActivityDay, SecurityLogVerification } from '../../src-preload/contract/audit.ts'
import { auditChannels } from '../../src-preload/contract/audit.ts'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { Reminder } from '../../src-preload/contract/reminders.ts'
import { remindersChannels } from '../../src-preload/contract/reminders.ts'
import { runAsSecurityActor } from '../../src-main/services/audit-service.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

const DAY = 86_400_000
let dir: ReturnType<typeof makeTempDir>
let now: number
let app: TestCore
let aliceId: number

async function value<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const result = await promise
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}
/** Moves the clock; sessions idle that long have ended, so window 1 signs in again. */
async function advance(ms: number): Promise<void> {
  now += ms
  expect((await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, 1)).ok).toBe(true)
}
const day = (offset: number): string => new Date(now + offset * DAY).toISOString().slice(0, 10)

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 11, 1, 9, 0, 0)
  app = await startTestCore({ dataDir: dir.path, clock: () => now, scheduleSessionCheck: () => () => {}, scheduleReminderCheck: () => () => {} })
  const services = app.core.services!
  aliceId = (await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })).id
  services.db.prepare("UPDATE accounts SET timezone = 'Europe/Berlin', language = 'de' WHERE id = ?").run(aliceId)
  services.tokens.createToken(aliceId, { title: 'Soon', isEnabled: true, scope: 'read-only', expiry: { kind: 'date', date: day(3) } })
  services.tokens.createToken(aliceId, { title: 'Later', isEnabled: true, scope: 'read-only', expiry: { kind: 'date', date: day(40) } })
  services.tokens.createToken(aliceId, { title: 'Forever', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } })
  services.sshKeys.addKey(aliceId, { title: 'Laptop', publicKey: buildEd25519Line('k@host'), expiresOn: day(6) })
  expect((await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, 1)).ok).toBe(true)
})
afterEach(() => {
  app.core.close()
  dir.remove()
})

describe('reminders', () => {
  it('lists tokens and SSH keys expiring within 7 days, then the ones expired in the last 7, never the others', async () => {
    const soon = await value<Reminder[]>(app.call(remindersChannels.list, null, 1))
    expect(soon.map((r) => [r.id.split(':')[0], r.title, r.isExpired])).toEqual([
      ['token', 'Soon', false],
      ['ssh-key', 'Laptop', false],
    ])
    await advance(5 * DAY)
    expect((await value<Reminder[]>(app.call(remindersChannels.list, null, 1))).map((r) => [r.title, r.isExpired])).toEqual([
      ['Soon', true],
      ['Laptop', false],
    ])
    await advance(10 * DAY)
    expect(await value<Reminder[]>(app.call(remindersChannels.list, null, 1))).toEqual([])
  })

  it('dismisses one for a week, and refuses an unknown id without changing anything', async () => {
    const [token] = await value<Reminder[]>(app.call(remindersChannels.list, null, 1))
    expect((await value<Reminder[]>(app.call(remindersChannels.dismiss, { id: token!.id }, 1))).map((r) => r.title)).toEqual(['Laptop'])
    expect(await app.call(remindersChannels.dismiss, { id: 'token:999' }, 1)).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'reminders.unknown' } })
    expect(await app.call(remindersChannels.dismiss, { id: '' }, 1)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(await app.call(remindersChannels.list, null, 99)).toMatchObject({ ok: false })
    await advance(2 * DAY)
    expect((await value<Reminder[]>(app.call(remindersChannels.list, null, 1))).map((r) => r.title)).toEqual(['Laptop'])
  })

  it('shows an OS notification once per item per day while Keystead runs, in the account’s language', () => {
    expect(app.core.checkReminders()).toBe(2)
    expect(app.platform.notificationsShown.map((n) => n.body)).toEqual([
      expect.stringMatching(/^Zugriffstoken „Soon“ läuft ab am /),
      expect.stringMatching(/^SSH-Schlüssel „Laptop“ läuft ab am /),
    ])
    expect(app.platform.notificationsShown[0]!.title).toBe('Keystead-Erinnerung')
    expect(app.core.checkReminders()).toBe(0)
    now += DAY
    expect(app.core.checkReminders()).toBe(2)
  })
})

describe('the Security log screen’s check and activity', () => {
  it('names the local API and its token as the actor of what it did', async () => {
    app.core.services!.db.prepare("UPDATE accounts SET language = 'en' WHERE id = ?").run(aliceId)
    const { summary } = app.core.services!.tokens.createToken(aliceId, { title: 'Deploy', isEnabled: true, scope: 'read-write', expiry: { kind: 'never' } })
    runAsSecurityActor({ origin: 'api', credential: 'token', tokenId: summary.id }, () =>
      app.core.services!.sshKeys.addKey(aliceId, { title: 'CI key', publicKey: buildEd25519Line('ci@host') }),
    )
    const page = await value<{ entries: Array<{ sentence: string }> }>(app.call(auditChannels.listEvents, { kinds: ['sshKey.added'], pageSize: 1 }, 1))
    expect(page.entries[0]!.sentence).toMatch(/^SSH key “CI key” added \(ssh-ed25519, SHA256:.{12}…\) — through the local API with token “Deploy”$/)
  })

  it('says the log is intact, then names the first broken entry', async () => {
    expect(await value<SecurityLogVerification>(app.call(auditChannels.verifyLog, null, 1))).toEqual({ isIntact: true, count: 6, headPosition: 6, breaks: [], firstBroken: null })
    app.core.services!.db.prepare("UPDATE security_log SET detail = replace(detail, 'Later', 'Later!') WHERE kind = 'token.created'").run()
    const broken = await value<SecurityLogVerification>(app.call(auditChannels.verifyLog, null, 1))
    expect(broken).toMatchObject({ isIntact: false, breaks: [{ type: 'changed', position: 3, count: 1 }], firstBroken: { name: 'Zugriffstoken erstellt' } })
  })

  it('counts sign-ins, failed sign-ins and failed second factors per day of the account’s zone, 30 days', async () => {
    // 23:30 UTC is already the next day in Berlin.
    now = Date.UTC(2026, 11, 3, 23, 30)
    await app.call(authChannels.signIn, { username: 'alice', password: 'wrong one 1' }, 2)
    await app.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, 2)
    const days = await value<SecurityActivityDay[]>(app.call(auditChannels.getActivity, null, 2))
    expect(days).toHaveLength(30)
    expect(days.at(-1)).toEqual({ date: '2026-12-04', signIns: 1, failedSignIns: 1, failedSecondFactors: 0 })
    expect(days.find((d) => d.date === '2026-12-01')).toEqual({ date: '2026-12-01', signIns: 1, failedSignIns: 0, failedSecondFactors: 0 })
    expect(days[0]!.date).toBe('2026-11-05')
  })
})
