import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DB } from '../../src-main/db/database.ts'
import { createPasswordHasher, TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import type { Services } from '../../src-main/services/index.ts'
import { SessionOrigin } from '../../src-main/services/session-service.ts'
import { THROTTLE_SUBJECT_MAX_LENGTH } from '../../src-main/services/throttle-service.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'

const PASSWORD = 'wonderland 1'
let dirs: Array<ReturnType<typeof makeTempDir>> = []
let dbs: DB[] = []
let now: number

async function open(): Promise<Services> {
  const dir = makeTempDir()
  dirs.push(dir)
  const { db, services } = await openTestServices(dir.path, () => now)
  dbs.push(db)
  return services
}

beforeEach(() => {
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
})
afterEach(() => {
  for (const db of dbs) db.close()
  for (const dir of dirs) dir.remove()
  dirs = []
  dbs = []
})

async function outcomeOf(pending: Promise<unknown>): Promise<string> {
  try {
    await pending
    return 'ok'
  } catch (error) {
    const e = error as { code?: string; params?: Record<string, unknown> }
    return `${e.code}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`
  }
}

const signInAs = (services: Services, username: string, password: string) =>
  services.auth.signIn({ username, password, origin: SessionOrigin.App, device: FAKE_DEVICE })

describe('one throttled password verifier', () => {
  it('20 wrong guesses through account deletion are throttled exactly as sign-in is (same answers, same waits)', async () => {
    const start = now
    const viaSignIn = await open()
    await viaSignIn.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const signInOutcomes: string[] = []
    for (let i = 0; i < 20; i += 1) {
      signInOutcomes.push(await outcomeOf(signInAs(viaSignIn, 'alice', `wrong guess ${i}`)))
      now += 4_000
    }

    now = start
    const viaDeletion = await open()
    const account = await viaDeletion.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const { session } = viaDeletion.sessions.createSession(account.id, { origin: SessionOrigin.App, device: FAKE_DEVICE })
    const deletionOutcomes: string[] = []
    for (let i = 0; i < 20; i += 1) {
      deletionOutcomes.push(await outcomeOf(viaDeletion.profile.deleteAccount(session, { password: `wrong guess ${i}`, confirmUsername: 'alice' })))
      now += 4_000
    }
    expect(signInOutcomes.slice(0, 5)).toEqual(Array(5).fill('INVALID_CREDENTIALS'))
    expect(signInOutcomes.filter((o) => o.startsWith('THROTTLED')).length).toBeGreaterThan(10)
    expect(deletionOutcomes.map((o) => o.replace('INVALID_CREDENTIALS', 'wrong'))).toEqual(signInOutcomes.map((o) => o.replace('INVALID_CREDENTIALS', 'wrong')))
    // The same counter: after those guesses even the right password at the sign-in screen must wait.
    expect(await outcomeOf(signInAs(viaDeletion, 'alice', PASSWORD))).toMatch(/^THROTTLED/)
    expect(viaDeletion.accounts.findAccountByUsername('alice')).toBeDefined()
  })

  it('checks the typed username before the password: a mismatch answers the same for a right and a wrong password and costs no guess', async () => {
    const services = await open()
    const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const { session } = services.sessions.createSession(account.id, { origin: SessionOrigin.App, device: FAKE_DEVICE })
    const verify = vi.spyOn(services.hasher, 'verifyPassword')
    const right = await outcomeOf(services.profile.deleteAccount(session, { password: PASSWORD, confirmUsername: 'bob' }))
    const wrong = await outcomeOf(services.profile.deleteAccount(session, { password: 'not it 1', confirmUsername: 'bob' }))
    expect(right).toBe(wrong)
    expect(right).toBe('VALIDATION')
    expect(verify).not.toHaveBeenCalled()
    for (let i = 0; i < 20; i += 1) await outcomeOf(services.profile.deleteAccount(session, { password: 'not it 1', confirmUsername: 'bob' }))
    expect(services.throttle.nextAttemptAt('alice')).toBe(0)
  })

  it('password change, re-authentication and 2FA off share the one counter with sign-in', async () => {
    const services = await open()
    const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const { session } = services.sessions.createSession(account.id, { origin: SessionOrigin.App, device: FAKE_DEVICE })
    await outcomeOf(services.passwords.changePassword(session, { currentPassword: 'nope 1', newPassword: 'looking glass 2', newPasswordRepeat: 'looking glass 2' }))
    await outcomeOf(services.auth.reauthenticate(session, 'nope 2'))
    await outcomeOf(services.auth.requireAccountPassword(session, 'nope 3', { action: 'twoFactor.disable' }))
    await outcomeOf(signInAs(services, 'ALICE', 'nope 4'))
    await outcomeOf(services.profile.deleteAccount(session, { password: 'nope 5', confirmUsername: 'alice' }))
    expect(await outcomeOf(services.auth.reauthenticate(session, PASSWORD))).toMatch(/^THROTTLED/)
  })

  it('an unknown user costs the same hashing as a known one, from the first call (same KDF parameters, salt and key sizes)', async () => {
    const hasher = createPasswordHasher(TEST_ONLY_SCRYPT_PARAMS)
    const calls: unknown[] = []
    const probe = createPasswordHasher(TEST_ONLY_SCRYPT_PARAMS, {
      derive: (password, salt, params, length) => {
        calls.push({ saltLength: salt.length, params, length })
        return Promise.resolve(Buffer.alloc(length))
      },
    })
    const stored = await hasher.hashPassword(PASSWORD)
    calls.length = 0
    await probe.verifyDummy('anything 1') // the very first call: nothing made lazily
    await probe.verifyPassword(stored, 'anything 1')
    expect(calls).toHaveLength(2)
    expect(calls[0]).toEqual(calls[1])
  })

  it('stores long names hashed, and a flood of made-up names cannot grow the table past its cap', async () => {
    const dir = makeTempDir()
    dirs.push(dir)
    const { db, services: base } = await openTestServices(dir.path, () => now)
    dbs.push(db)
    const { createThrottleService } = await import('../../src-main/services/throttle-service.ts')
    const throttle = createThrottleService(db, () => now, { ...base.throttle.policy, maxRows: 50 })
    const huge = 'a'.repeat(120_000)
    throttle.recordFailure(huge)
    const subjects = db.prepare('SELECT subject FROM sign_in_throttle').all() as Array<{ subject: string }>
    expect(subjects).toHaveLength(1)
    expect(subjects[0]!.subject.length).toBeLessThanOrEqual(THROTTLE_SUBJECT_MAX_LENGTH + 7)
    expect(throttle.nextAttemptAt(huge)).toBe(0)
    // A real streak that blocks: 5 failures for alice.
    for (let i = 0; i < 5; i += 1) throttle.recordFailure('alice')
    for (let i = 0; i < 500; i += 1) {
      now += 1
      throttle.reserveAttempt(`made-up-${i}`).failed()
    }
    expect((db.prepare('SELECT count(*) AS n FROM sign_in_throttle').get() as { n: number }).n).toBe(50)
    // The flood evicted its own rows, not alice's blocking streak.
    expect(throttle.nextAttemptAt('alice')).toBeGreaterThan(now)
  })
})
