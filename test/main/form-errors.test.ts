import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { accountsChannels } from '../../src-preload/contract/accounts.ts'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { ApiError, Result } from '../../src-preload/contract/errors.ts'
import { profileChannels } from '../../src-preload/contract/profile.ts'
import { securityChannels } from '../../src-preload/contract/security.ts'
import { settingsChannels } from '../../src-preload/contract/settings.ts'
import { tokensChannels } from '../../src-preload/contract/tokens.ts'
import { checkFields, validationError } from '../../src-main/services/errors.ts'
import { generateTOTP } from '../../src-main/services/totp.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

/**
 * Forms show every error at once, at its field, in the main process's words: main checks every field and answers one
 * refusal with `fields` (additive to the typed error: `field`/`reason`/`message` still name the first).
 */
let dir: ReturnType<typeof makeTempDir>
let test: TestCore
const now = Date.UTC(2026, 10, 23, 12, 0, 0)

beforeEach(async () => {
  dir = makeTempDir()
  test = await startTestCore({ dataDir: dir.path, clock: () => now })
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

function failure(result: Result<unknown>): ApiError {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`)
  return result.error
}
/** field -> reason, for comparing a refusal's fields. */
const reasonsOf = (error: ApiError) => Object.fromEntries(Object.entries(error.fields ?? {}).map(([field, refusal]) => [field, refusal.reason]))
const db = () => test.core.services!.db
const snapshot = () => ['accounts', 'access_tokens', 'security_log', 'sign_in_throttle'].map((table) => db().prepare(`SELECT * FROM ${table}`).all())
const failedConfirmations = () => (db().prepare("SELECT count(*) AS n FROM security_log WHERE kind = 'reauth.failed'").get() as { n: number }).n

async function signUp(): Promise<void> {
  const created = await test.call(authChannels.createAccount, { username: 'alice', password: 'wonderland 1' })
  expect(created.ok).toBe(true)
}

describe('checkFields', () => {
  it('runs every check and refuses all failing fields in one error; other errors pass through', () => {
    expect(checkFields({ a: () => 1, b: () => 'x' })).toEqual({ a: 1, b: 'x' })
    try {
      checkFields({
        a: () => 1,
        b: () => {
          throw validationError('b', 'b.bad', 'B is bad.')
        },
        c: () => {
          throw validationError('c', 'c.bad', 'C is bad.', { max: 3 })
        },
      })
      expect.unreachable()
    } catch (error) {
      expect((error as { toApiError(): ApiError }).toApiError()).toEqual({
        code: 'VALIDATION',
        message: 'B is bad.',
        field: 'b',
        reason: 'b.bad',
        fields: { b: { message: 'B is bad.', reason: 'b.bad' }, c: { message: 'C is bad.', reason: 'c.bad', params: { max: 3 } } },
      })
    }
    expect(() =>
      checkFields({
        a: () => {
          throw new TypeError('a bug')
        },
      }),
    ).toThrow(TypeError)
  })
})

describe('every field at once', () => {
  it('create account: username, e-mail, the one password policy and the repeated password together', async () => {
    const before = snapshot()
    const error = failure(await test.call(authChannels.createAccount, { username: '1bad', email: 'not an address', password: 'password1', confirmPassword: 'password2' }))
    expect(reasonsOf(error)).toEqual({ username: 'username.noLeadingDigit', email: 'email.invalid', password: 'password.common', confirmPassword: 'password.confirmDiffers' })
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'username', reason: 'username.noLeadingDigit' })
    expect(snapshot()).toEqual(before)
    // The same policy as a password change: a common password is refused at sign-up too (CLI and API use the same service).
    expect(failure(await test.call(authChannels.createAccount, { username: 'alice', password: 'password1' }))).toMatchObject({ field: 'password', reason: 'password.common' })
  })

  it('Accounts screen: create account refuses username, full name, e-mail and a chosen temporary password together', async () => {
    await signUp()
    const before = snapshot()
    const error = failure(await test.call(accountsChannels.createAccount, { username: '1bad', fullName: 'n'.repeat(101), email: 'a@', password: 'password1', role: 'member' }))
    expect(reasonsOf(error)).toEqual({ username: 'username.noLeadingDigit', fullName: 'fullName.tooLong', email: 'email.invalid', password: 'password.common' })
    // A taken username (any case) is refused with the others too.
    expect(reasonsOf(failure(await test.call(accountsChannels.createAccount, { username: 'ALICE', password: 'carolcarol1', email: 'x' })))).toEqual({
      username: 'username.taken',
      email: 'email.invalid',
    })
    expect(snapshot()).toEqual(before)
  })

  it('profile: bad username, 101-character name, bad e-mail and 532-character description in one refusal', async () => {
    await signUp()
    const before = snapshot()
    const error = failure(
      await test.call(profileChannels.updateProfile, { username: 'bad name', fullName: 'n'.repeat(101), email: 'a@', description: 'd'.repeat(532), language: 'en', timezone: 'UTC' }),
    )
    expect(reasonsOf(error)).toEqual({ username: 'username.noSpaces', fullName: 'fullName.tooLong', email: 'email.invalid', description: 'description.tooLong' })
    expect(error.fields!.description!.params).toEqual({ max: 500 })
    expect(snapshot()).toEqual(before)
  })

  it('profile: checkOnly checks a new username (taken included) and saves nothing', async () => {
    await signUp()
    expect((await test.call(authChannels.createAccount, { username: 'bob', password: 'builder 12 x' }, 2)).ok).toBe(true)
    const base = { fullName: '', email: '', description: '', language: 'en', timezone: 'UTC', checkOnly: true }
    expect(reasonsOf(failure(await test.call(profileChannels.updateProfile, { ...base, username: 'BOB' })))).toEqual({ username: 'username.taken' })
    const before = snapshot()
    const checked = await test.call(profileChannels.updateProfile, { ...base, username: 'alicia', fullName: 'Alice' })
    expect(checked).toMatchObject({ ok: true, value: { username: 'alice', fullName: '' } })
    expect(snapshot()).toEqual(before)
  })

  it('new token: missing title and a past date together', async () => {
    await signUp()
    const error = failure(await test.call(tokensChannels.createToken, { title: '', isEnabled: true, scope: 'read-only', expiry: { kind: 'date', date: '2020-05-01' } }))
    expect(reasonsOf(error)).toEqual({ title: 'tokens.titleRequired', expiry: 'tokens.expiryPast' })
  })

  it('settings: 1000 idle hours and 1.5 days are both flagged, each with its range', async () => {
    await signUp()
    const error = failure(await test.call(settingsChannels.updateSettings, { sessionLifetimes: { idleTimeoutHours: 1000, absoluteTimeoutDays: 1.5 } }))
    expect(reasonsOf(error)).toEqual({ 'sessionLifetimes.idleTimeoutHours': 'settings.lifetimeRange', 'sessionLifetimes.absoluteTimeoutDays': 'settings.lifetimeRange' })
    expect(error.fields!['sessionLifetimes.absoluteTimeoutDays']!.message).toMatch(/whole number from 1 to/)
    // Text that is no number at all reaches the same rule (the form sends NaN).
    expect(reasonsOf(failure(await test.call(settingsChannels.updateSettings, { sessionLifetimes: { idleTimeoutHours: Number.NaN, absoluteTimeoutDays: 0 } })))).toEqual({
      'sessionLifetimes.idleTimeoutHours': 'settings.lifetimeRange',
      'sessionLifetimes.absoluteTimeoutDays': 'settings.lifetimeRange',
    })
  })

  it('change password: empty current password, common new one and a different repeat together; nothing counted', async () => {
    await signUp()
    const before = snapshot()
    const error = failure(await test.call(securityChannels.changePassword, { currentPassword: '', newPassword: 'password1', newPasswordRepeat: 'password2' }))
    expect(reasonsOf(error)).toEqual({ currentPassword: 'password.required', newPassword: 'password.common', newPasswordRepeat: 'password.repeatDiffers' })
    expect(snapshot()).toEqual(before)
  })

  it('delete account: an empty password, a missing code (2FA on) and a mistyped username together, and no attempt logged', async () => {
    await signUp()
    const account = test.core.services!.accounts.findAccountByUsername('alice')!
    const { secret } = test.core.services!.twoFactor.beginTwoFactorSetup(account)
    await test.core.services!.twoFactor.confirmTwoFactorSetup(account, await generateTOTP(secret, now / 1000))
    const before = snapshot()
    const error = failure(await test.call(profileChannels.deleteAccount, { password: '', confirmUsername: 'Alice' }))
    expect(reasonsOf(error)).toEqual({ password: 'password.required', code: 'twoFactor.codeRequired', confirmUsername: 'profile.confirmUsernameMismatch' })
    expect(snapshot()).toEqual(before)
    expect(failedConfirmations()).toBe(0)
  })

  it('turn off 2FA and confirm password: an empty password is a form error, not a logged attempt', async () => {
    await signUp()
    const account = test.core.services!.accounts.findAccountByUsername('alice')!
    const { secret } = test.core.services!.twoFactor.beginTwoFactorSetup(account)
    await test.core.services!.twoFactor.confirmTwoFactorSetup(account, await generateTOTP(secret, now / 1000))
    const before = snapshot()
    expect(reasonsOf(failure(await test.call(securityChannels.disableTwoFactor, { password: '', code: '' })))).toEqual({ password: 'password.required', code: 'twoFactor.codeRequired' })
    expect(failure(await test.call(authChannels.reauthenticate, { password: '' }))).toMatchObject({ code: 'VALIDATION', field: 'password', reason: 'password.required' })
    expect(snapshot()).toEqual(before)
    expect(failedConfirmations()).toBe(0)
    // A wrong password still is an attempt, and is logged.
    expect(failure(await test.call(authChannels.reauthenticate, { password: 'wrong one 1' }))).toMatchObject({ code: 'INVALID_CREDENTIALS' })
    expect(failedConfirmations()).toBe(1)
  })

  it('a schema refusal names every refused field too', async () => {
    const error = failure(await test.call(authChannels.createAccount, { username: 5, password: null }))
    expect(error).toMatchObject({ code: 'VALIDATION', reason: 'input.invalid', field: 'username' })
    expect(Object.keys(error.fields ?? {}).sort()).toEqual(['password', 'username'])
  })
})
