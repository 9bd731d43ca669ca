import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventChannels } from '../../src-preload/contract/api.ts'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { ApiError, Result } from '../../src-preload/contract/errors.ts'
import type { Profile, PublicProfile } from '../../src-preload/contract/profile.ts'
import { profileChannels } from '../../src-preload/contract/profile.ts'
import {
  DESCRIPTION_MAX_LENGTH,
  listTimezones,
  SUPPORTED_LANGUAGES,
  validateDescription,
  validateLanguage,
  validateTimezone,
} from '../../src-main/services/account-rules.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { generateTOTP } from '../../src-main/services/totp.ts'
import { SUPPORTED_LOCALES } from '../../src-renderer/src/i18n/index.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let now: number
const MINUTE = 60_000

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  test = await startTestCore({ dataDir: dir.path, clock: () => now })
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

const db = () => test.core.services!.db
const accountRows = () => db().prepare('SELECT * FROM accounts ORDER BY id').all()
const pictureCount = () => (db().prepare('SELECT count(*) AS n FROM account_pictures').get() as { n: number }).n

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`)
  return result.value
}
function failure(result: Result<unknown>): ApiError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`)
  return result.error
}

async function createAccount(username: string, windowId = 1, extra: Record<string, string> = {}) {
  return value(await test.call(authChannels.createAccount, { username, password: 'wonderland 1', ...extra }, windowId))
}

const fields = {
  username: 'alice',
  fullName: 'Alice Liddell',
  email: 'alice@example.com',
  description: 'Curious.',
  language: 'en',
  timezone: 'Europe/Istanbul',
}
const update = (changes: Partial<typeof fields> = {}, windowId = 1) => test.call<Profile>(profileChannels.updateProfile, { ...fields, ...changes }, windowId)

describe('profile rules', () => {
  it('checks the description: trimmed, at most 500 characters, no control characters', () => {
    expect(validateDescription('  Line one\nline two\t.  ')).toBe('Line one\nline two\t.')
    expect(validateDescription('ü'.repeat(DESCRIPTION_MAX_LENGTH))).toHaveLength(500)
    expect(() => validateDescription('x'.repeat(501))).toThrow(expect.objectContaining({ reason: 'description.tooLong', params: { max: 500 } }))
    expect(() => validateDescription('bell\u0007')).toThrow(expect.objectContaining({ reason: 'description.invalid' }))
  })

  it('accepts only the offered languages, the same as the renderer offers', () => {
    expect([...SUPPORTED_LANGUAGES]).toEqual([...SUPPORTED_LOCALES])
    expect(validateLanguage('tr')).toBe('tr')
    for (const bad of ['fr', 'EN', '', 'en-US']) expect(() => validateLanguage(bad)).toThrow(KeysteadError)
  })

  it('accepts every IANA zone of Intl.supportedValuesOf, under its current name, and nothing else', () => {
    const zones = listTimezones()
    expect(zones.length).toBeGreaterThan(300)
    expect(zones).toEqual(expect.arrayContaining(['Europe/Istanbul', 'America/New_York', 'Asia/Kolkata', 'Africa/Asmara', 'Europe/Kyiv', 'UTC']))
    // The old aliases ICU still lists are offered under their current names only.
    for (const old of ['Africa/Asmera', 'Asia/Calcutta', 'Europe/Kiev', 'America/Godthab']) expect(zones).not.toContain(old)
    expect(new Set(zones).size).toBe(zones.length)
    expect(validateTimezone('Pacific/Auckland')).toBe('Pacific/Auckland')
    for (const bad of ['Mars/Olympus', 'europe/istanbul', '', '+03:00']) {
      expect(() => validateTimezone(bad)).toThrow(expect.objectContaining({ field: 'timezone', reason: 'timezone.invalid' }))
    }
    // A stored older alias stays allowed when unchanged.
    expect(validateTimezone('Legacy/Zone', 'Legacy/Zone')).toBe('Legacy/Zone')
  })
})

describe('updateProfile', () => {
  beforeEach(async () => {
    await createAccount('alice')
  })

  it('saves every field at once and returns the profile', async () => {
    const profile = value(await update({ fullName: ' Alice L ', description: 'Down the\nrabbit hole', language: 'tr', timezone: 'Asia/Tokyo' }))
    expect(profile).toMatchObject({
      username: 'alice',
      fullName: 'Alice L',
      email: 'alice@example.com',
      description: 'Down the\nrabbit hole',
      language: 'tr',
      timezone: 'Asia/Tokyo',
      pictureUrl: null,
    })
    expect(value(await test.call(authChannels.getCurrentAccount))).toMatchObject({ language: 'tr', timezone: 'Asia/Tokyo', fullName: 'Alice L' })
    const log = db().prepare("SELECT detail FROM security_log WHERE kind = 'profile.updated'").all()
    expect(log).toEqual([{ detail: JSON.stringify({ fields: 'fullName,email,description,language,timezone' }) }])
  })

  it.each([
    ['1abc', 'username.noLeadingDigit'],
    ['ab', 'username.tooShort'],
    ['a b', 'username.noSpaces'],
    ['a\tb', 'username.noSpaces'],
    ['a-b', 'username.noPunctuation'],
    ['ålice', 'username.englishOnly'],
    ['', 'username.required'],
    ['a'.repeat(33), 'username.tooLong'],
  ])('refuses the username %j (%s) and changes nothing', async (username, reason) => {
    const before = accountRows()
    expect(failure(await update({ username, fullName: 'Changed too' }))).toMatchObject({ field: 'username', reason })
    expect(accountRows()).toEqual(before)
  })

  it.each([
    [{ fullName: 'x'.repeat(101) }, 'fullName', 'fullName.tooLong'],
    [{ email: 'not an address' }, 'email', 'email.invalid'],
    [{ email: `${'a'.repeat(250)}@x.io` }, 'email', 'email.tooLong'],
    [{ description: 'x'.repeat(501) }, 'description', 'description.tooLong'],
    [{ language: 'fr' }, 'language', 'language.unsupported'],
    [{ timezone: 'Mars/Olympus' }, 'timezone', 'timezone.invalid'],
  ])('refuses %j with a field error and changes nothing', async (changes, field, reason) => {
    const before = accountRows()
    expect(failure(await update({ ...changes }))).toMatchObject({ code: 'VALIDATION', field, reason })
    expect(accountRows()).toEqual(before)
  })

  it('refuses a name or e-mail of another account regardless of case', async () => {
    await createAccount('bob', 2, { email: 'Bob@Example.com' })
    const before = accountRows()
    expect(failure(await update({ username: 'BOB' }))).toMatchObject({ code: 'CONFLICT', field: 'username', reason: 'username.taken' })
    expect(failure(await update({ email: 'bob@example.COM' }))).toMatchObject({ code: 'CONFLICT', field: 'email', reason: 'email.taken' })
    expect(accountRows()).toEqual(before)
    // The account's own e-mail in another case is fine.
    value(await update({ email: 'ALICE@example.com' }))
  })

  it('asks for the password again before a username change, and frees the old name at once', async () => {
    value(await update()) // the e-mail address is set while the confirmation is fresh (changing it is sensitive too)
    now += 11 * MINUTE
    const before = accountRows()
    expect(failure(await update({ username: 'Alicia' }))).toMatchObject({ code: 'REAUTH_REQUIRED' })
    expect(accountRows()).toEqual(before)
    // Other fields need no confirmation.
    expect(value(await update({ fullName: 'Only the name' })).fullName).toBe('Only the name')

    value(await test.call(authChannels.reauthenticate, { password: 'wonderland 1' }))
    expect(value(await update({ username: 'Alicia' })).username).toBe('Alicia')
    expect(db().prepare("SELECT detail FROM security_log WHERE kind = 'username.changed'").get()).toEqual({ detail: JSON.stringify({ from: 'alice', to: 'Alicia' }) })
    // A case-only change of one's own name is allowed; the old name can be taken by another account.
    expect(value(await update({ username: 'ALICIA' })).username).toBe('ALICIA')
    await createAccount('alice', 2)
    expect(test.core.services!.accounts.listAccounts().map((a) => a.username)).toEqual(['alice', 'ALICIA'])
  })

  it('rejects malformed payloads at the boundary and changes nothing', async () => {
    const before = accountRows()
    for (const payload of [null, { ...fields, admin: true }, { ...fields, username: 42 }, { ...fields, description: 'x'.repeat(5001) }, { username: 'alice' }]) {
      expect(failure(await test.call(profileChannels.updateProfile, payload))).toMatchObject({ code: 'VALIDATION', reason: 'input.invalid' })
    }
    expect(accountRows()).toEqual(before)
  })

  it('needs a session', async () => {
    expect(failure(await test.call(profileChannels.getProfile, null, 9))).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(failure(await update({ fullName: 'x' }, 9))).toMatchObject({ code: 'UNAUTHENTICATED' })
  })
})

describe('profile picture', () => {
  let png: Buffer
  beforeEach(async () => {
    await createAccount('alice')
    png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7' } }).png().toBuffer()
  })

  const choose = () => test.call<Profile | null>(profileChannels.choosePicture)
  const file = (name: string, bytes: Buffer | string) => {
    const path = join(dir.path, name)
    writeFileSync(path, bytes)
    return path
  }

  it('accepts a PNG renamed .jpg from the open dialog and stores only a 256x256 WebP', async () => {
    test.platform.nextOpenPaths.push(file('photo.jpg', png))
    const profile = value(await choose())!
    expect(profile.pictureUrl).toMatch(/^data:image\/webp;base64,/)
    const stored = db().prepare('SELECT media_type, image FROM account_pictures').get() as { media_type: string; image: Buffer }
    expect(stored.media_type).toBe('image/webp')
    expect(stored.image.equals(png)).toBe(false)
    expect(await sharp(stored.image).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 })
    expect(Buffer.from(profile.pictureUrl!.split(',')[1]!, 'base64').equals(stored.image)).toBe(true)
    expect(test.platform.openRequests[0]!.filters![0]!.extensions).toEqual(['png', 'jpg', 'jpeg', 'webp', 'gif'])
  })

  it('returns null and changes nothing when the dialog is cancelled', async () => {
    test.platform.nextOpenPaths.push(null)
    expect(value(await choose())).toBeNull()
    expect(pictureCount()).toBe(0)
  })

  it('refuses a text file renamed .png, a 6 MB file, a 10000x10 image and a missing file, keeping the old picture', async () => {
    value(await test.call(profileChannels.setPicture, { data: png.toString('base64') }))
    const before = db().prepare('SELECT * FROM account_pictures').all()
    const big = Buffer.alloc(6 * 1024 * 1024)
    png.copy(big)
    const wide = await sharp({ create: { width: 10000, height: 10, channels: 3, background: '#000' } }).png().toBuffer()
    const cases: Array<[string, string]> = [
      [file('notes.png', 'just some text\n'), 'picture.unsupported'],
      [file('big.png', big), 'picture.tooLarge'],
      [file('wide.png', wide), 'picture.tooManyPixels'],
      [join(dir.path, 'missing.png'), 'picture.unreadable'],
      [dir.path, 'picture.unreadable'],
    ]
    for (const [path, reason] of cases) {
      test.platform.nextOpenPaths.push(path)
      expect(failure(await choose()), path).toMatchObject({ code: 'VALIDATION', field: 'picture', reason })
    }
    expect(db().prepare('SELECT * FROM account_pictures').all()).toEqual(before)
  })

  it('takes dropped bytes as base64, refusing bad ones with nothing stored', async () => {
    const wide = await sharp({ create: { width: 10000, height: 10, channels: 3, background: '#000' } }).png().toBuffer()
    expect(failure(await test.call(profileChannels.setPicture, { data: wide.toString('base64') }))).toMatchObject({ reason: 'picture.tooManyPixels' })
    expect(failure(await test.call(profileChannels.setPicture, { data: Buffer.alloc(6 * 1024 * 1024).toString('base64') }))).toMatchObject({ reason: 'picture.tooLarge' })
    expect(failure(await test.call(profileChannels.setPicture, { data: 'not base64!' }))).toMatchObject({ reason: 'input.invalid' })
    expect(failure(await test.call(profileChannels.setPicture, { data: 'A'.repeat(13 * 1024 * 1024) }))).toMatchObject({ reason: 'input.invalid' })
    expect(pictureCount()).toBe(0)
    expect(value(await test.call<Profile>(profileChannels.setPicture, { data: png.toString('base64') })).pictureUrl).toMatch(/^data:image\/webp/)
    expect(pictureCount()).toBe(1)
  })

  it('removes the picture (back to initials)', async () => {
    value(await test.call(profileChannels.setPicture, { data: png.toString('base64') }))
    expect(value(await test.call<Profile>(profileChannels.removePicture)).pictureUrl).toBeNull()
    expect(pictureCount()).toBe(0)
    expect(db().prepare('SELECT kind FROM security_log WHERE kind LIKE ? ORDER BY id').all('picture.%')).toEqual([{ kind: 'picture.changed' }, { kind: 'picture.removed' }])
  })
})

describe('public profile and start-up language', () => {
  it('shows the public fields only', async () => {
    await createAccount('alice', 1, { email: 'alice@example.com' })
    value(await update({ description: '<b>not html</b>' }))
    const page = value(await test.call<PublicProfile>(profileChannels.getPublicProfile))
    expect(page).toEqual({ username: 'alice', fullName: 'Alice Liddell', description: '<b>not html</b>', createdAt: '2026-11-23T12:00:00.000Z', pictureUrl: null })
  })

  it('answers the last signed-in account\u2019s language, without a session', async () => {
    expect(value(await test.call(profileChannels.getStartupLanguage, null, 5))).toBe('en')
    await createAccount('alice')
    value(await update({ language: 'tr' }))
    expect(value(await test.call(profileChannels.getStartupLanguage, null, 5))).toBe('tr')
    now += MINUTE
    await createAccount('bob', 2)
    value(await update({ username: 'bob', email: 'bob@example.com', language: 'de' }, 2))
    expect(value(await test.call(profileChannels.getStartupLanguage, null, 5))).toBe('de')
    now += MINUTE
    value(await test.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, 3))
    expect(value(await test.call(profileChannels.getStartupLanguage, null, 5))).toBe('tr')
  })
})

describe('deleteAccount', () => {
  const MARKER = 'Zebra-marker-4711-description'

  beforeEach(async () => {
    await createAccount('alice', 1)
    value(await update({ description: MARKER }))
    value(await test.call(authChannels.signIn, { username: 'alice', password: 'wonderland 1' }, 2))
    const bob = await createAccount('bob', 3)
    // Alice (the first account) is an administrator; with bob one too, she is not the last one and may leave.
    test.core.services!.administration.setRole({ kind: 'cli' }, (bob as { id: number }).id, 'administrator')
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#f00' } }).png().toBuffer()
    value(await test.call(profileChannels.setPicture, { data: png.toString('base64') }, 1))
    value(await test.call(profileChannels.setPicture, { data: png.toString('base64') }, 3))
  })

  /** Every table with an account_id column (this feature's and every other one's). */
  const accountTables = () =>
    (db().prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>)
      .map((row) => row.name)
      .filter((name) => (db().prepare(`PRAGMA table_info(${name})`).all() as Array<{ name: string }>).some((column) => column.name === 'account_id'))
  const rowsOf = (accountId: number) =>
    Object.fromEntries(accountTables().map((table) => [table, (db().prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?`).get(accountId) as { n: number }).n]))

  it('makes every table that refers to an account cascade on delete', () => {
    const tables = accountTables()
    expect(tables).toEqual(expect.arrayContaining(['sessions', 'security_log', 'account_pictures']))
    for (const table of tables) {
      const keys = db().prepare(`PRAGMA foreign_key_list(${table})`).all() as Array<{ table: string; from: string; on_delete: string }>
      expect(keys.find((key) => key.from === 'account_id'), table).toMatchObject({ table: 'accounts', on_delete: 'CASCADE' })
    }
  })

  it('refuses a wrong password, a wrong typed username and bad payloads, deleting nothing', async () => {
    const before = { accounts: accountRows(), alice: rowsOf(1) }
    expect(failure(await test.call(profileChannels.deleteAccount, { password: 'wrong 1', confirmUsername: 'alice' }))).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      field: 'password',
    })
    expect(failure(await test.call(profileChannels.deleteAccount, { password: 'wonderland 1', confirmUsername: 'Alice' }))).toMatchObject({
      field: 'confirmUsername',
      reason: 'profile.confirmUsernameMismatch',
    })
    expect(failure(await test.call(profileChannels.deleteAccount, { password: 'wonderland 1' }))).toMatchObject({ reason: 'input.invalid' })
    expect(failure(await test.call(profileChannels.deleteAccount, { password: 'wonderland 1', confirmUsername: 'alice', extra: 1 }))).toMatchObject({ reason: 'input.invalid' })
    expect(accountRows()).toEqual(before.accounts)
    expect({ ...rowsOf(1), security_log: 0 }).toEqual({ ...before.alice, security_log: 0 }) // only failed-attempt log lines were added
  })

  it('removes every row of the account, ends its sessions in every window and leaves others alone', async () => {
    expect(rowsOf(1)).toMatchObject({ sessions: 2, account_pictures: 1 })
    const bobBefore = rowsOf(2)
    value(await test.call(profileChannels.deleteAccount, { password: 'wonderland 1', confirmUsername: 'alice', code: '123456' }))

    expect(Object.values(rowsOf(1)).every((n) => n === 0)).toBe(true)
    expect(test.core.services!.accounts.listAccounts().map((a) => a.username)).toEqual(['bob'])
    expect(rowsOf(2)).toEqual(bobBefore)
    expect(db().pragma('foreign_key_check')).toEqual([])
    // Both of alice's windows were told, bob's was not; both are signed out.
    const ended = test.pushed.filter((event) => event.channel === eventChannels.sessionEnded)
    expect(ended.map((event) => event.windowId).sort()).toEqual([1, 2])
    expect(ended[0]!.payload).toEqual({ reason: 'account-deleted' })
    expect(test.core.windows.get(1)).toBeUndefined()
    expect(test.core.windows.get(2)).toBeUndefined()
    expect(value(await test.call(authChannels.getCurrentAccount, null, 2))).toBeNull()
    expect(value(await test.call(authChannels.getCurrentAccount, null, 3))).toMatchObject({ username: 'bob' })
    // The name is free again.
    await createAccount('alice', 4)
  })

  it('with two-factor authentication on, also asks for a current code: none or a wrong one deletes nothing', async () => {
    const services = test.core.services!
    const alice = services.accounts.getAccount(1)
    const setup = services.twoFactor.beginTwoFactorSetup(alice)
    await services.twoFactor.confirmTwoFactorSetup(alice, await generateTOTP(setup.secret, Math.floor(now / 1000)))
    now += 30_000 // the next time step: the setup's code may not be used twice
    const before = { accounts: accountRows(), alice: rowsOf(1) }
    const request = { password: 'wonderland 1', confirmUsername: 'alice' }

    expect(failure(await test.call(profileChannels.deleteAccount, request))).toMatchObject({ field: 'code', reason: 'twoFactor.codeRequired' })
    const stale = await generateTOTP(setup.secret, Math.floor(now / 1000) - 600)
    expect(failure(await test.call(profileChannels.deleteAccount, { ...request, code: stale }))).toMatchObject({ code: 'INVALID_CREDENTIALS' })
    expect(accountRows()).toEqual(before.accounts)
    expect({ ...rowsOf(1), security_log: 0 }).toEqual({ ...before.alice, security_log: 0 })
    const failed = db().prepare("SELECT detail FROM security_log WHERE account_id = 1 AND kind = 'twofactor.failed'").all()
    expect(failed).toHaveLength(1)

    value(await test.call(profileChannels.deleteAccount, { ...request, code: await generateTOTP(setup.secret, Math.floor(now / 1000)) }))
    expect(services.accounts.listAccounts().map((a) => a.username)).toEqual(['bob'])
    expect(Object.values(rowsOf(1)).every((n) => n === 0)).toBe(true)
  })

  it('removes an account with thousands of rows in slices: the event loop answers other windows meanwhile, nothing is left', async () => {
    const ROWS = 1234 // more than two slices of each kind
    const insertSession = db().prepare("INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at) VALUES (?, 1, randomblob(32), 'app', ?, ?, ?, ?)")
    const insertToken = db().prepare("INSERT INTO access_tokens (account_id, title, title_key, token_hash, display_prefix, scope, created_at) VALUES (1, ?, ?, randomblob(32), 'kst_', 'read-only', ?)")
    const insertLog = db().prepare("INSERT INTO security_log (account_id, at, kind, detail) VALUES (1, ?, 'sign-in', '{}')")
    db().transaction(() => {
      for (let i = 0; i < ROWS; i++) {
        insertSession.run(`bulk-${i}`, now, now, now, now + 86_400_000)
        insertToken.run(`token ${i}`, `token ${i}`, now)
        insertLog.run(now)
      }
    })()
    const before = rowsOf(1)
    expect(before).toMatchObject({ sessions: ROWS + 2, access_tokens: ROWS })
    expect(before.security_log).toBeGreaterThan(ROWS)
    const bobBefore = rowsOf(2)

    let settled = false
    const deletion = test.core.services!.profile.deleteAccountAsAdmin(1, 'cli').then((result) => ((settled = true), result))
    // A deletion in one piece would be over before any timer could run.
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    // Bob's window is answered while alice's rows are going; a session alice starts meanwhile goes with the account.
    expect(value(await test.call(authChannels.getCurrentAccount, null, 3))).toMatchObject({ username: 'bob' })
    insertSession.run('late-session', now, now, now, now + 86_400_000)
    expect(settled).toBe(false)

    expect(await deletion).toEqual({ sessionsEnded: ROWS + 3 })
    expect(Object.values(rowsOf(1)).every((n) => n === 0)).toBe(true)
    expect(accountRows().map((row) => (row as { username: string }).username)).toEqual(['bob'])
    expect(rowsOf(2)).toEqual(bobBefore)
    expect(db().pragma('foreign_key_check')).toEqual([])
    // Every ended session was announced once, with the account's deletion as the reason.
    const ended = test.pushed.filter((event) => event.channel === eventChannels.sessionEnded)
    expect(ended.map((event) => event.windowId).sort()).toEqual([1, 2])
    expect(ended.every((event) => (event.payload as { reason: string }).reason === 'account-deleted')).toBe(true)
    expect(readFileSync(join(dir.path, 'keystead.db-wal')).length).toBe(0)
  })

  it('leaves no trace of the deleted profile in the database files (secure_delete + checkpoint)', async () => {
    const files = () => ['keystead.db', 'keystead.db-wal'].map((name) => join(dir.path, name)).filter(existsSync)
    expect(files().some((path) => readFileSync(path).includes(MARKER))).toBe(true)
    value(await test.call(profileChannels.deleteAccount, { password: 'wonderland 1', confirmUsername: 'alice' }))
    for (const path of files()) expect(readFileSync(path).includes(MARKER), path).toBe(false)
  })
})
