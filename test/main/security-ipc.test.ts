import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { SignInOutcome } from '../../src-preload/contract/auth.ts'
import { securityChannels } from '../../src-preload/contract/security.ts'
import type { RecoveryCodesBatch, SecurityOverview, TwoFactorSetupInfo } from '../../src-preload/contract/security.ts'
import { generateTOTP } from '../../src-main/services/totp.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let now: number
const PASSWORD = 'wonderland 1'

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  test = await startTestCore({ dataDir: dir.path, clock: () => now })
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

async function ok<T>(pending: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const result = await pending
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`)
  return result.value as T
}
const codeNow = (secret: string) => generateTOTP(secret, Math.floor(now / 1000))
const secretOf = (setup: TwoFactorSetupInfo) => setup.secretGroups.replace(/ /g, '')
const count = (table: string) => (test.core.services!.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

async function signUpAndEnable(windowId = 1): Promise<{ secret: string; batch: RecoveryCodesBatch }> {
  await ok(test.call(authChannels.createAccount, { username: 'alice', password: PASSWORD }, windowId))
  const setup = await ok<TwoFactorSetupInfo>(test.call(securityChannels.beginTwoFactorSetup, null, windowId))
  const secret = secretOf(setup)
  const batch = await ok<RecoveryCodesBatch>(test.call(securityChannels.confirmTwoFactorSetup, { code: await codeNow(secret) }, windowId))
  now += 60_000
  return { secret, batch }
}

describe('security IPC', () => {
  it('setup answers the URI, grouped secret and a QR data URL; the overview reports the key file', async () => {
    await ok(test.call(authChannels.createAccount, { username: 'alice', password: PASSWORD }))
    const setup = await ok<TwoFactorSetupInfo>(test.call(securityChannels.beginTwoFactorSetup))
    expect(setup.secretGroups).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/)
    expect(setup.uri).toBe(`otpauth://totp/Keystead:alice?secret=${secretOf(setup)}&issuer=Keystead&algorithm=SHA1&digits=6&period=30`)
    expect(setup.qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/)
    // The QR code the window shows, read by an independent decoder, is exactly the URI.
    const qrFile = join(dir.path, 'setup-qr.png')
    writeFileSync(qrFile, Buffer.from(setup.qrCodeDataUrl.slice(setup.qrCodeDataUrl.indexOf(',') + 1), 'base64'))
    expect(execFileSync('zbarimg', ['--raw', '-q', qrFile], { encoding: 'utf8' })).toBe(`${setup.uri}\n`)
    expect(await ok<SecurityOverview>(test.call(securityChannels.getOverview))).toEqual({
      twoFactor: { enabled: false, enabledAt: null, recoveryCodesLeft: 0 },
      secretStorage: 'key-file',
    })
    await ok(test.call(securityChannels.confirmTwoFactorSetup, { code: await codeNow(secretOf(setup)) }))
    expect(await ok<SecurityOverview>(test.call(securityChannels.getOverview))).toEqual({
      twoFactor: { enabled: true, enabledAt: new Date(now).toISOString(), recoveryCodesLeft: 10 },
      secretStorage: 'key-file',
    })
  })

  it('never saves recovery codes through a link at the chosen path (the file it points to stays as it was)', async () => {
    await signUpAndEnable()
    const victim = join(dir.path, 'victim')
    writeFileSync(victim, 'precious')
    const target = join(dir.path, 'codes.txt')
    symlinkSync(victim, target)
    test.platform.nextSavePaths.push(target)
    expect(await test.call(securityChannels.downloadRecoveryCodes)).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'secretFile.symlink' } })
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(lstatSync(target).isSymbolicLink()).toBe(true)
  })

  it('downloads the exact recovery-code file, owner-only, through the save dialog; copy puts the same text', async () => {
    const { batch } = await signUpAndEnable()
    const target = join(dir.path, 'saved codes.txt')
    test.platform.nextSavePaths.push(null)
    expect(await ok(test.call(securityChannels.downloadRecoveryCodes))).toEqual({ saved: false })
    test.platform.nextSavePaths.push(target)
    expect(await ok(test.call(securityChannels.downloadRecoveryCodes))).toEqual({ saved: true, fileName: 'saved codes.txt' })
    expect(test.platform.saveRequests.map((r) => r.defaultFileName)).toEqual(['keystead-recovery-codes-alice.txt', 'keystead-recovery-codes-alice.txt'])
    const expected = [
      'Keystead recovery codes',
      '',
      'Account: alice',
      'Created: 2026-11-23 12:00 UTC',
      '',
      ...batch.codes.map((code, i) => `${String(i + 1).padStart(2, ' ')}. ${code}`),
      '',
      'How to use them:',
      '- When you cannot use your authenticator app, sign in with your password, choose',
      '  "Use a recovery code" and type one of the codes above.',
      '- Each code works once. Making new codes on the Security screen ends all of these.',
      '- Keep this file private, like a password (for example in a password manager or on paper).',
      '',
    ].join('\n')
    expect(readFileSync(target, 'utf8')).toBe(expected)
    expect(statSync(target).mode & 0o777).toBe(0o600)
    await ok(test.call(securityChannels.copyRecoveryCodes))
    expect(test.platform.clipboardText).toBe(expected)

    // After "Done" main forgets them: copy/download refuse, nothing written.
    await ok(test.call(securityChannels.finishRecoveryCodes))
    const gone = await test.call(securityChannels.copyRecoveryCodes)
    expect(gone).toMatchObject({ ok: false, error: { reason: 'twoFactor.codesGone' } })
    // Another window of the same account never sees this window's batch.
    expect(await test.call(securityChannels.downloadRecoveryCodes, null, 2)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('two-step sign-in keeps the half-signed-in state in main, per window, for 5 minutes', async () => {
    const { secret, batch } = await signUpAndEnable()
    await ok(test.call(authChannels.signOut))
    expect(await ok(test.call(authChannels.signIn, { username: 'alice', password: PASSWORD }))).toEqual({ status: 'second-factor-required' })
    expect(test.core.windows.get(1)).toBeUndefined()
    // Window 2 has no pending sign-in of its own.
    expect(await test.call(authChannels.completeSignIn, { code: await codeNow(secret) }, 2)).toMatchObject({ ok: false, error: { reason: 'signIn.secondStepExpired' } })
    expect(await test.call(authChannels.completeSignIn, { code: '000000' })).toMatchObject({ ok: false, error: { reason: 'twoFactor.invalidCode', field: 'code' } })
    const outcome = await ok<SignInOutcome>(test.call(authChannels.completeSignIn, { code: await codeNow(secret) }))
    expect(outcome).toMatchObject({ status: 'signed-in', account: { username: 'alice' } })
    expect(outcome).not.toHaveProperty('recoveryCodesLeft')
    expect(test.core.windows.get(1)).toBeDefined()

    // Recovery code in window 3; the answer says how many are left.
    await ok(test.call(authChannels.signIn, { username: 'alice', password: PASSWORD }, 3))
    const viaCode = await ok<SignInOutcome>(test.call(authChannels.completeSignIn, { recoveryCode: batch.codes[0] }, 3))
    expect(viaCode).toMatchObject({ status: 'signed-in', recoveryCodesLeft: 9 })

    // Expiry: 5 minutes after the password.
    await ok(test.call(authChannels.signIn, { username: 'alice', password: PASSWORD }, 4))
    now += 5 * 60_000
    expect(await test.call(authChannels.completeSignIn, { code: await codeNow(secret) }, 4)).toMatchObject({ ok: false, error: { reason: 'signIn.secondStepExpired' } })
  })

  it('regenerating needs a recent password; disabling needs the password and a code', async () => {
    const { secret, batch } = await signUpAndEnable()
    now += 11 * 60_000
    expect(await test.call(securityChannels.regenerateRecoveryCodes)).toMatchObject({ ok: false, error: { code: 'REAUTH_REQUIRED' } })
    await ok(test.call(authChannels.reauthenticate, { password: PASSWORD }))
    const fresh = await ok<RecoveryCodesBatch>(test.call(securityChannels.regenerateRecoveryCodes))
    expect(fresh.codes.some((c) => batch.codes.includes(c))).toBe(false)

    expect(await test.call(securityChannels.disableTwoFactor, { password: 'wrong 1', code: await codeNow(secret) })).toMatchObject({ ok: false, error: { field: 'password' } })
    expect(await test.call(securityChannels.disableTwoFactor, { password: PASSWORD, code: '' })).toMatchObject({ ok: false, error: { reason: 'twoFactor.codeRequired' } })
    expect(await test.call(securityChannels.disableTwoFactor, { password: PASSWORD, code: batch.codes[0] })).toMatchObject({ ok: false, error: { reason: 'twoFactor.invalidCode' } })
    expect(count('two_factor')).toBe(1)
    await ok(test.call(securityChannels.disableTwoFactor, { password: PASSWORD, code: fresh.codes[1] }))
    expect(count('two_factor')).toBe(0)
    expect(count('recovery_codes')).toBe(0)
  })

  it('refuses bad payloads with a clear error and changes nothing', async () => {
    await ok(test.call(authChannels.createAccount, { username: 'alice', password: PASSWORD }))
    const hashBefore = test.core.services!.db.prepare('SELECT password_hash FROM accounts').get()
    const bad: Array<[string, unknown]> = [
      [securityChannels.changePassword, { currentPassword: PASSWORD, newPassword: 'x1'.repeat(600) }],
      [securityChannels.changePassword, { currentPassword: PASSWORD, newPassword: 'abc', newPasswordRepeat: 'abc', extra: 1 }],
      [securityChannels.changePassword, 'hello'],
      [securityChannels.confirmTwoFactorSetup, { code: 123456 }],
      [securityChannels.confirmTwoFactorSetup, { code: '1'.repeat(41) }],
      [securityChannels.disableTwoFactor, { password: PASSWORD }],
      [securityChannels.getOverview, { any: 1 }],
      [authChannels.completeSignIn, { code: '123456', recoveryCode: 'abcde-fghjk' }],
      [authChannels.completeSignIn, {}],
      [authChannels.completeSignIn, { recoveryCode: 'x'.repeat(41) }],
    ]
    for (const [channel, payload] of bad) {
      expect(await test.call(channel, payload), channel).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'input.invalid' } })
    }
    // A wrong code for a setup that was never begun, and a new password that breaks the rules.
    expect(await test.call(securityChannels.confirmTwoFactorSetup, { code: '123456' })).toMatchObject({ ok: false, error: { reason: 'twoFactor.noSetup' } })
    expect(await test.call(securityChannels.changePassword, { currentPassword: PASSWORD, newPassword: 'password1', newPasswordRepeat: 'password1' })).toMatchObject({
      ok: false,
      error: { field: 'newPassword', reason: 'password.common' },
    })
    expect(test.core.services!.db.prepare('SELECT password_hash FROM accounts').get()).toEqual(hashBefore)
    expect(count('two_factor') + count('recovery_codes') + count('sign_in_throttle')).toBe(0)
  })

  it('after using every feature, the database file and its WAL hold no secret in clear', async () => {
    const tokens: string[] = []
    const keep = (windowId: number) => tokens.push(test.core.windows.get(windowId)!.token)
    const { secret, batch } = await signUpAndEnable()
    keep(1)
    test.platform.nextSavePaths.push(join(dir.path, 'codes.txt'))
    await ok(test.call(securityChannels.downloadRecoveryCodes))
    await ok(test.call(securityChannels.copyRecoveryCodes))
    await ok(test.call(securityChannels.finishRecoveryCodes))
    await ok(test.call(authChannels.signIn, { username: 'alice', password: PASSWORD }, 2))
    await ok(test.call(authChannels.completeSignIn, { code: await codeNow(secret) }, 2))
    keep(2)
    await ok(test.call(authChannels.signIn, { username: 'alice', password: PASSWORD }, 3))
    await ok(test.call(authChannels.completeSignIn, { recoveryCode: batch.codes[0] }, 3))
    keep(3)
    await test.call(authChannels.signIn, { username: 'alice', password: 'wrong password 9' }, 4)
    const NEW_PASSWORD = 'through the looking glass 2'
    await ok(test.call(securityChannels.changePassword, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, newPasswordRepeat: NEW_PASSWORD }))
    await ok(test.call(authChannels.reauthenticate, { password: NEW_PASSWORD }))
    const fresh = await ok<RecoveryCodesBatch>(test.call(securityChannels.regenerateRecoveryCodes))
    now += 60_000
    const second = await ok<TwoFactorSetupInfo>(test.call(securityChannels.getOverview)).then(() => null)
    void second
    await ok(test.call(securityChannels.disableTwoFactor, { password: NEW_PASSWORD, code: await codeNow(secret) }))
    const setup2 = await ok<TwoFactorSetupInfo>(test.call(securityChannels.beginTwoFactorSetup))
    const batch2 = await ok<RecoveryCodesBatch>(test.call(securityChannels.confirmTwoFactorSetup, { code: await codeNow(secretOf(setup2)) }))

    const dbPath = test.core.databasePath
    const bytes = Buffer.concat([readFileSync(dbPath), existsSync(`${dbPath}-wal`) ? readFileSync(`${dbPath}-wal`) : Buffer.alloc(0)])
    expect(bytes.length).toBeGreaterThan(4096)
    const secrets = [secret, secretOf(setup2)]
    const needles: Array<[string, Buffer]> = [
      ['old password', Buffer.from(PASSWORD)],
      ['new password', Buffer.from(NEW_PASSWORD)],
      ['wrong password', Buffer.from('wrong password 9')],
      ...secrets.flatMap((s): Array<[string, Buffer]> => [
        ['TOTP secret (base32)', Buffer.from(s)],
        ['TOTP secret (raw)', base32Decode(s)],
      ]),
      ...[...batch.codes, ...fresh.codes, ...batch2.codes].flatMap((c): Array<[string, Buffer]> => [
        ['recovery code', Buffer.from(c)],
        ['recovery code (compact)', Buffer.from(c.replace('-', ''))],
      ]),
      ...tokens.flatMap((t): Array<[string, Buffer]> => [
        ['session token', Buffer.from(t)],
        ['session token (raw)', Buffer.from(t, 'base64url')],
      ]),
    ]
    expect(needles.length).toBeGreaterThan(70)
    for (const [what, needle] of needles) expect(bytes.includes(needle), what).toBe(false)
    // The search itself works: the username is there in clear.
    expect(bytes.includes(Buffer.from('alice'))).toBe(true)
  })
})

function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const char of input) bits += alphabet.indexOf(char).toString(2).padStart(5, '0')
  const out: number[] = []
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(out)
}
