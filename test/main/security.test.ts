import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import type { AccountRow } from '../../src-main/db/repositories/accounts-repo.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { DEFAULT_SCRYPT_PARAMS, TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { isCommonPassword } from '../../src-main/services/password-policy.ts'
import {
  generateRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_BITS,
  RECOVERY_CODE_COST_BELOW_PASSWORD,
} from '../../src-main/services/recovery-codes.ts'
import { createDataKeySecretBox, createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import type { KeyStore } from '../../src-main/services/os-keyring.ts'
import { generateTOTP } from '../../src-main/services/totp.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let now: number
const PASSWORD = 'wonderland 1'

function start(): Services {
  return createServices({
    db,
    secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')),
    clock: () => now,
    scryptParams: TEST_ONLY_SCRYPT_PARAMS,
  })
}

beforeEach(async () => {
  dir = makeTempDir()
  db = openDatabase(join(dir.path, 'keystead.db'))
  await migrateDatabase(db)
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  services = start()
})
afterEach(() => {
  db.close()
  dir.remove()
})

async function errorOf(promise: Promise<unknown> | (() => unknown)): Promise<KeysteadError> {
  const error = await (typeof promise === 'function' ? Promise.resolve().then(promise) : promise).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(KeysteadError)
  return error as KeysteadError
}

const signIn = (username: string, password: string) => services.auth.signIn({ username, password, origin: 'app', device: FAKE_DEVICE })
const codeNow = (secret: string, offsetSeconds = 0) => generateTOTP(secret, Math.floor(now / 1000) + offsetSeconds)
const tableCount = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

async function enableTwoFactor(account: AccountRow): Promise<{ secret: string; codes: string[] }> {
  const setup = services.twoFactor.beginTwoFactorSetup(account)
  const codes = await services.twoFactor.confirmTwoFactorSetup(account, await codeNow(setup.secret))
  return { secret: setup.secret, codes }
}

describe('recovery codes', () => {
  it('are readable, at least 50 bits, and normalize what people type', () => {
    expect(RECOVERY_CODE_BITS).toBeGreaterThanOrEqual(50)
    for (let i = 0; i < 200; i += 1) expect(generateRecoveryCode()).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/)
    expect(normalizeRecoveryCode(' K7FQ2-9XV4M ')).toBe('k7fq29xv4m')
    expect(normalizeRecoveryCode('k7fq2 9xv4m')).toBe('k7fq29xv4m')
    expect(normalizeRecoveryCode('abcdo-il000')).toBe('abcd011000')
    expect(normalizeRecoveryCode('k7fq2-9xv4')).toBeNull()
    expect(normalizeRecoveryCode('k7fq2-9xv4u')).toBeNull()
    expect(normalizeRecoveryCode('123456')).toBeNull()
  })
})

describe('two-factor setup', () => {
  it('turns on only after a right code, seals the secret, and gives 10 unique codes', async () => {
    const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const first = services.twoFactor.beginTwoFactorSetup(account)
    const second = services.twoFactor.beginTwoFactorSetup(account)
    expect(second.secret).not.toBe(first.secret)
    expect(second.uri).toBe(`otpauth://totp/Keystead:alice?secret=${second.secret}&issuer=Keystead&algorithm=SHA1&digits=6&period=30`)
    expect(services.twoFactor.getTwoFactorStatus(account.id)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 })

    // A code from the first (replaced) secret and a wrong code are refused; nothing turns on.
    expect((await errorOf(services.twoFactor.confirmTwoFactorSetup(account, await codeNow(first.secret)))).reason).toBe('twoFactor.invalidCode')
    expect((await errorOf(services.twoFactor.confirmTwoFactorSetup(account, 'abc'))).reason).toBe('twoFactor.invalidCode')
    expect(services.twoFactor.isTwoFactorEnabled(account.id)).toBe(false)
    expect(tableCount('recovery_codes')).toBe(0)

    const codes = await services.twoFactor.confirmTwoFactorSetup(account, await codeNow(second.secret, -30))
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    expect(services.twoFactor.getTwoFactorStatus(account.id)).toEqual({ enabled: true, enabledAt: now, recoveryCodesLeft: 10 })
    const row = db.prepare('SELECT * FROM two_factor').get() as { secret_sealed: Buffer; recovery_cost: number }
    // Recovery-code hashes cost two steps below the password hasher (2^15 by default; cheap here in tests).
    expect(row.recovery_cost).toBe(TEST_ONLY_SCRYPT_PARAMS.costLog2 - RECOVERY_CODE_COST_BELOW_PASSWORD)
    expect(DEFAULT_SCRYPT_PARAMS.costLog2 - RECOVERY_CODE_COST_BELOW_PASSWORD).toBe(15)
    expect(row.secret_sealed.includes(Buffer.from(second.secret))).toBe(false)
    expect(services.secretBox.open(row.secret_sealed)).toBe(second.secret)
    expect((await errorOf(() => services.twoFactor.beginTwoFactorSetup(account))).reason).toBe('twoFactor.alreadyEnabled')
    const kinds = (db.prepare('SELECT kind FROM security_log').all() as Array<{ kind: string }>).map((r) => r.kind)
    expect(kinds).toContain('twofactor.enabled')
  })
})

describe('sign-in with two-factor authentication', () => {
  let account: AccountRow
  let secret: string
  let codes: string[]
  beforeEach(async () => {
    account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    ;({ secret, codes } = await enableTwoFactor(account))
    now += 60_000
  })

  it('asks for the second factor after the right password and makes no session before it', async () => {
    expect(await signIn('Alice', PASSWORD)).toEqual({ status: 'second-factor-required', accountId: account.id })
    expect(tableCount('sessions')).toBe(0)
    const done = await services.auth.completeSignIn({ accountId: account.id, secondFactor: { code: await codeNow(secret) }, origin: 'app', device: FAKE_DEVICE })
    expect(done.status).toBe('signed-in')
    expect(done.recoveryCodesLeft).toBeUndefined()
    expect(services.sessions.validateSessionToken(done.token).ok).toBe(true)
  })

  it('accepts a TOTP code once: the same step again is a replay', async () => {
    const code = await codeNow(secret)
    await services.auth.completeSignIn({ accountId: account.id, secondFactor: { code }, origin: 'app', device: FAKE_DEVICE })
    const replay = await errorOf(services.auth.completeSignIn({ accountId: account.id, secondFactor: { code }, origin: 'app', device: FAKE_DEVICE }))
    expect(replay.reason).toBe('twoFactor.invalidCode')
    // An older step (still inside the window) is refused too; the next step works.
    expect((await errorOf(services.auth.completeSignIn({ accountId: account.id, secondFactor: { code: await codeNow(secret, -30) }, origin: 'app', device: FAKE_DEVICE }))).reason).toBe('twoFactor.invalidCode')
    now += 30_000
    await services.auth.completeSignIn({ accountId: account.id, secondFactor: { code: await codeNow(secret) }, origin: 'app', device: FAKE_DEVICE })
    expect(tableCount('sessions')).toBe(2)
  })

  it('accepts a recovery code once, in any case and spacing, and counts what is left', async () => {
    const typed = ` ${codes[3]!.toUpperCase().replace('-', ' ')} `
    const done = await services.auth.completeSignIn({ accountId: account.id, secondFactor: { recoveryCode: typed }, origin: 'app', device: FAKE_DEVICE })
    expect(done.recoveryCodesLeft).toBe(9)
    const again = await errorOf(services.auth.completeSignIn({ accountId: account.id, secondFactor: { recoveryCode: codes[3]! }, origin: 'app', device: FAKE_DEVICE }))
    expect(again).toMatchObject({ reason: 'twoFactor.invalidCode', field: 'recoveryCode' })
    expect(services.twoFactor.getTwoFactorStatus(account.id).recoveryCodesLeft).toBe(9)
  })

  it('regenerating recovery codes ends the old ones at once', async () => {
    const fresh = await services.twoFactor.regenerateRecoveryCodes(account)
    expect(fresh.filter((code) => codes.includes(code))).toEqual([])
    await errorOf(services.auth.completeSignIn({ accountId: account.id, secondFactor: { recoveryCode: codes[0]! }, origin: 'app', device: FAKE_DEVICE }))
    const done = await services.auth.completeSignIn({ accountId: account.id, secondFactor: { recoveryCode: fresh[0]! }, origin: 'app', device: FAKE_DEVICE })
    expect(done.recoveryCodesLeft).toBe(9)
  })

  it('requireSecondFactor: needs a code when on, takes a TOTP or recovery code', async () => {
    expect(await errorOf(services.auth.requireSecondFactor(account.id, undefined))).toMatchObject({ field: 'code', reason: 'twoFactor.codeRequired' })
    expect((await errorOf(services.auth.requireSecondFactor(account.id, '000000'))).reason).toBe('twoFactor.invalidCode')
    await services.auth.requireSecondFactor(account.id, await codeNow(secret))
    await services.auth.requireSecondFactor(account.id, codes[0]!)
    expect(services.twoFactor.getTwoFactorStatus(account.id).recoveryCodesLeft).toBe(9)
    const other = await services.accounts.createAccount({ username: 'bob', password: PASSWORD })
    await services.auth.requireSecondFactor(other.id, undefined) // 2FA off: nothing to check
  })

  it('disabling removes the secret and codes; sign-in is one step again', async () => {
    services.twoFactor.disableTwoFactor(account)
    expect(tableCount('two_factor')).toBe(0)
    expect(tableCount('recovery_codes')).toBe(0)
    expect((await signIn('alice', PASSWORD)).status).toBe('signed-in')
  })
})

describe('throttling', () => {
  it('delays after 5 failures, blocks for 15 minutes after 10, and survives a restart', async () => {
    await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    for (let i = 0; i < 5; i += 1) expect((await errorOf(signIn('alice', 'wrong 1'))).reason).toBe('signIn.invalid')
    // The 6th try, even with the right password, must wait 15 s.
    const wait = await errorOf(signIn('alice', PASSWORD))
    expect(wait).toMatchObject({ code: 'THROTTLED', reason: 'throttle.seconds', params: { seconds: 15 } })
    now += 15_000
    await errorOf(signIn('ALICE', 'wrong 1')) // 6th failure: now 30 s
    now += 29_000
    expect((await errorOf(signIn('alice', PASSWORD))).params).toEqual({ seconds: 1 })

    // A restart (new services on the same file) keeps the count.
    services = start()
    now += 1_000
    for (const delay of [60_000, 120_000, 240_000]) {
      expect((await errorOf(signIn('alice', 'wrong 1'))).reason).toBe('signIn.invalid') // failures 7, 8, 9
      expect((await errorOf(signIn('alice', PASSWORD))).code).toBe('THROTTLED')
      expect(services.throttle.nextAttemptAt('alice') - now).toBe(delay)
      now += delay
    }
    // The 10th failure blocks for 15 minutes.
    expect((await errorOf(signIn('alice', 'wrong 1'))).reason).toBe('signIn.invalid')
    const blocked = await errorOf(signIn('alice', PASSWORD))
    expect(blocked).toMatchObject({ code: 'THROTTLED', reason: 'throttle.minutes', params: { minutes: 15 } })
    now += 15 * 60_000 - 1
    expect((await errorOf(signIn('alice', PASSWORD))).code).toBe('THROTTLED')
    now += 1
    expect((await signIn('alice', PASSWORD)).status).toBe('signed-in')
    expect(tableCount('sign_in_throttle')).toBe(0) // success forgets the streak
  })

  it('an unknown username is throttled the same way, without creating an account', async () => {
    await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const known: unknown[] = []
    const unknown: unknown[] = []
    for (let i = 0; i < 6; i += 1) {
      known.push((await errorOf(signIn('alice', 'wrong 1'))).toApiError())
      unknown.push((await errorOf(signIn('Nobody', 'wrong 1'))).toApiError())
    }
    expect(unknown).toEqual(known)
    expect((unknown[5] as { code: string }).code).toBe('THROTTLED')
    expect(services.accounts.listAccounts().map((a) => a.username)).toEqual(['alice'])
    expect((db.prepare('SELECT subject FROM sign_in_throttle ORDER BY subject').all() as Array<{ subject: string }>).map((r) => r.subject)).toEqual(['alice', 'nobody'])
  })

  it('wrong codes count as failures too, and a block stops even the right code', async () => {
    const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const { secret } = await enableTwoFactor(account)
    now += 60_000
    for (let i = 0; i < 5; i += 1) await errorOf(services.twoFactor.verifySecondFactor(account, { code: '000000' }))
    expect((await errorOf(services.twoFactor.verifySecondFactor(account, { code: await codeNow(secret) }))).code).toBe('THROTTLED')
    expect((await errorOf(signIn('alice', PASSWORD))).code).toBe('THROTTLED')
  })

  it('re-authentication failures are throttled', async () => {
    const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const { session } = services.sessions.createSession(account.id, { origin: 'app', device: FAKE_DEVICE })
    for (let i = 0; i < 5; i += 1) expect((await errorOf(services.auth.reauthenticate(session, 'wrong 1'))).reason).toBe('reauth.invalid')
    expect((await errorOf(services.auth.reauthenticate(session, PASSWORD))).code).toBe('THROTTLED')
  })
})

describe('password change', () => {
  let account: AccountRow
  beforeEach(async () => {
    account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
  })
  const change = (session: Parameters<Services['passwords']['changePassword']>[0], currentPassword: string, newPassword: string, newPasswordRepeat = newPassword) =>
    services.passwords.changePassword(session, { currentPassword, newPassword, newPasswordRepeat })

  it('refuses bad new passwords with a field and reason, and changes nothing', async () => {
    const { session } = services.sessions.createSession(account.id, { origin: 'app', device: FAKE_DEVICE })
    const before = db.prepare('SELECT password_hash FROM accounts').get()
    const cases: Array<[string, string, string, string, string]> = [
      [PASSWORD, 'new pass 1', 'new pass 2', 'newPasswordRepeat', 'password.repeatDiffers'],
      [PASSWORD, 'short 1', 'short 1', 'newPassword', 'password.tooShort'],
      [PASSWORD, 'a1'.repeat(128) + 'x', 'a1'.repeat(128) + 'x', 'newPassword', 'password.tooLong'],
      [PASSWORD, 'no digits here', 'no digits here', 'newPassword', 'password.needsLetter'.replace('Letter', 'Digit')],
      [PASSWORD, '12345678', '12345678', 'newPassword', 'password.needsLetter'],
      [PASSWORD, 'password1', 'password1', 'newPassword', 'password.common'],
      [PASSWORD, 'Qwerty123', 'Qwerty123', 'newPassword', 'password.common'],
      [PASSWORD, PASSWORD, PASSWORD, 'newPassword', 'password.sameAsCurrent'],
      ['wrong 1', 'brand new 42', 'brand new 42', 'currentPassword', 'password.currentInvalid'],
    ]
    for (const [current, next, repeat, field, reason] of cases) {
      expect(await errorOf(change(session, current, next, repeat)), reason).toMatchObject({ field, reason })
    }
    const username = await services.accounts.createAccount({ username: 'Carol12345', password: PASSWORD })
    const carol = services.sessions.createSession(username.id, { origin: 'app', device: FAKE_DEVICE }).session
    expect(await errorOf(change(carol, PASSWORD, 'carol12345'))).toMatchObject({ field: 'newPassword', reason: 'password.isUsername' })
    expect(db.prepare('SELECT password_hash FROM accounts WHERE id = ?').get(account.id)).toEqual(before)
  })

  it('accepts 256 characters exactly, never truncated', async () => {
    const { session } = services.sessions.createSession(account.id, { origin: 'app', device: FAKE_DEVICE })
    const long = 'ab1'.repeat(85) + 'x'
    expect(long).toHaveLength(256)
    await change(session, PASSWORD, long)
    expect(await services.auth.verifyAccountPassword(services.accounts.getAccount(account.id), long)).toBe(true)
    expect(await services.auth.verifyAccountPassword(services.accounts.getAccount(account.id), long.slice(0, 255))).toBe(false)
  })

  it('signs out every other session and keeps this one', async () => {
    const mine = services.sessions.createSession(account.id, { origin: 'app', device: FAKE_DEVICE })
    const other1 = services.sessions.createSession(account.id, { origin: 'app', device: FAKE_DEVICE })
    const other2 = services.sessions.createSession(account.id, { origin: 'cli', device: FAKE_DEVICE })
    const ended: Array<{ sessionIds: string[]; reason: string }> = []
    services.events.on('sessionsEnded', (event) => void ended.push(event))
    expect(await change(mine.session, PASSWORD, 'brand new 42')).toEqual({ signedOutSessions: 2 })
    expect(ended).toEqual([{ sessionIds: expect.arrayContaining([other1.session.id, other2.session.id]), reason: 'password-changed' }])
    expect(services.sessions.validateSessionToken(mine.token).ok).toBe(true)
    expect(services.sessions.validateSessionToken(other1.token).ok).toBe(false)
    expect((await errorOf(signIn('alice', PASSWORD))).reason).toBe('signIn.invalid')
    expect((await signIn('alice', 'brand new 42')).status).toBe('signed-in')
  })

  it('the common-password list is the zxcvbn-ts one, well past 10,000 entries', async () => {
    const { dictionary } = await import('@zxcvbn-ts/language-common')
    expect(dictionary['passwords-common'].length).toBeGreaterThanOrEqual(10_000)
    expect(await isCommonPassword('dragon')).toBe(true)
    expect(await isCommonPassword(dictionary['passwords-common'][9_999]!)).toBe(true)
    expect(await isCommonPassword('brand new 42')).toBe(false)
  })
})

describe('the data key: OS keyring or key file', () => {
  function memoryKeyStore(): KeyStore & { value: string | null } {
    const store = { value: null as string | null, readKey: () => store.value, writeKey: (v: string) => void (store.value = v) }
    return store
  }

  it('keeps a new key in the keyring when one answers, and no key file is written', () => {
    const store = memoryKeyStore()
    const keyFile = join(dir.path, 'sub', 'keystead.key')
    const box = createDataKeySecretBox(keyFile, store)
    expect(box.kind).toBe('os-keyring')
    expect(Buffer.from(store.value!, 'base64')).toHaveLength(32)
    expect(() => readFileSync(keyFile)).toThrow()
    // The other face (CLI) opens the same store and reads what the app sealed.
    expect(createDataKeySecretBox(keyFile, store).open(box.seal('JBSWY3DP'))).toBe('JBSWY3DP')
  })

  it('falls back to an owner-only key file when no keyring answers', () => {
    const keyFile = join(dir.path, 'keystead.key')
    const broken: KeyStore = { readKey: () => { throw new Error('no keyring') }, writeKey: () => { throw new Error('no keyring') } }
    const box = createDataKeySecretBox(keyFile, broken)
    expect(box.kind).toBe('key-file')
    expect(createDataKeySecretBox(keyFile, null).open(box.seal('abc'))).toBe('abc')
    const forgetful: KeyStore = { readKey: () => null, writeKey: () => {} }
    expect(createDataKeySecretBox(join(dir.path, 'other.key'), forgetful).kind).toBe('key-file')
  })

  it('an install that already uses the key file keeps it even if a keyring appears later', () => {
    const keyFile = join(dir.path, 'keystead.key')
    const sealed = createDataKeySecretBox(keyFile, null).seal('secret')
    const store = memoryKeyStore()
    const box = createDataKeySecretBox(keyFile, store)
    expect(box.kind).toBe('key-file')
    expect(store.value).toBeNull()
    expect(box.open(sealed)).toBe('secret')
  })
})
