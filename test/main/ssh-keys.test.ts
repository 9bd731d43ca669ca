import { execFileSync } from 'node:child_process'
import { chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { ApiError, Result } from '../../src-preload/contract/errors.ts'
import { sshKeysChannels } from '../../src-preload/contract/ssh-keys.ts'
import type { PublicSshKey, SshKeyFileImport, SshKeyPreview, SshKeySummary } from '../../src-preload/contract/ssh-keys.ts'
import { DEFAULT_SESSION_POLICY } from '../../src-main/services/session-service.ts'
import { todayIn } from '../../src-main/services/ssh-key-service.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { buildSkEcdsaLine } from '../fixtures/ssh-keys.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
let keysDir: ReturnType<typeof makeTempDir>
const keys: Record<string, { pub: string; privatePath: string }> = {}

function makeKey(name: string, args: string[]): void {
  const path = join(keysDir.path, name)
  execFileSync('ssh-keygen', [...args, '-N', '', '-C', `${name}@laptop`, '-q', '-f', path])
  keys[name] = { pub: readFileSync(`${path}.pub`, 'utf8'), privatePath: path }
}

beforeAll(() => {
  keysDir = makeTempDir('keystead-sshkeys-')
  makeKey('ed25519', ['-t', 'ed25519'])
  makeKey('ecdsa', ['-t', 'ecdsa', '-b', '384'])
  makeKey('rsa', ['-t', 'rsa', '-b', '2048'])
}, 60_000)
afterAll(() => keysDir.remove())

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let now: number
const logged: string[] = []

beforeEach(async () => {
  dir = makeTempDir()
  logged.length = 0
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  test = await startTestCore({
    dataDir: dir.path,
    clock: () => now,
    // Tests move the clock by days; keep the session alive meanwhile.
    sessionPolicy: { ...DEFAULT_SESSION_POLICY, idleTimeoutMs: 30 * DAY },
    log: { info: (message, facts) => void logged.push(message + JSON.stringify(facts ?? {})), error: (message, error) => void logged.push(`${message} ${String(error)}`) },
  })
  await test.call(authChannels.createAccount, { username: 'alice', password: 'wonderland 1' }, 1)
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

const services = () => test.core.services!
const aliceId = () => services().accounts.findAccountByUsername('alice')!.id
const count = () => (services().db.prepare('SELECT count(*) AS n FROM ssh_keys').get() as { n: number }).n

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`)
  return result.value
}
function failure(result: Result<unknown>): ApiError {
  if (result.ok) throw new Error('expected a refusal')
  return result.error
}

const DIALOG = { dialogTitle: 'Pick a file' }
const add = (input: Record<string, unknown>, windowId = 1) => test.call<SshKeySummary>(sshKeysChannels.add, input, windowId)

describe('adding keys', () => {
  it('adds a key with its facts, defaults the title to the comment and records a security event', async () => {
    const summary = value(await add({ title: '', publicKey: keys.ed25519!.pub }))
    const facts = execFileSync('ssh-keygen', ['-lf', `${keys.ed25519!.privatePath}.pub`], { encoding: 'utf8' }).split(' ')
    expect(summary).toMatchObject({
      title: 'ed25519@laptop',
      type: 'ssh-ed25519',
      bits: 256,
      fingerprintSHA256: facts[1],
      comment: 'ed25519@laptop',
      options: '',
      createdAt: '2026-11-23T12:00:00.000Z',
      expiresOn: null,
      isExpired: false,
    })
    expect(summary.fingerprintMD5).toMatch(/^MD5:([0-9a-f]{2}:){15}[0-9a-f]{2}$/)
    expect(value(await test.call<SshKeySummary[]>(sshKeysChannels.list))).toEqual([summary])
    const events = services().db.prepare("SELECT kind, detail FROM security_log WHERE kind LIKE 'sshKey.%'").all() as Array<{ kind: string; detail: string }>
    expect(events).toEqual([{ kind: 'sshKey.added', detail: JSON.stringify({ keyId: summary.id, title: 'ed25519@laptop', type: 'ssh-ed25519', fingerprint: summary.fingerprintSHA256 }) }])
  })

  it('keeps a given title and an expiry date', async () => {
    const summary = value(await add({ title: '  Work   laptop ', publicKey: keys.rsa!.pub, expiresOn: '2027-01-31' }))
    expect(summary).toMatchObject({ title: 'Work laptop', type: 'ssh-rsa', bits: 2048, expiresOn: '2027-01-31', isExpired: false })
  })

  it('marks a key expired once its last day has passed (in the account time zone)', async () => {
    value(await add({ title: 'Soon', publicKey: keys.ed25519!.pub, expiresOn: '2026-11-24' }))
    now += DAY
    expect(value(await test.call<SshKeySummary[]>(sshKeysChannels.list))[0]!.isExpired).toBe(false)
    now += DAY
    expect(value(await test.call<SshKeySummary[]>(sshKeysChannels.list))[0]!.isExpired).toBe(true)
  })

  it('refuses the same key twice on one account, and on another account', async () => {
    value(await add({ title: 'A', publicKey: keys.ed25519!.pub }))
    expect(failure(await add({ title: 'B', publicKey: keys.ed25519!.pub }))).toMatchObject({ code: 'CONFLICT', field: 'publicKey', reason: 'sshKeys.alreadyAdded' })
    await test.call(authChannels.createAccount, { username: 'bob', password: 'builder 12' }, 2)
    // Same key with another comment and options is still the same key.
    const disguised = `no-pty ${keys.ed25519!.pub.trim().split(' ').slice(0, 2).join(' ')} other comment`
    expect(failure(await add({ title: 'C', publicKey: disguised }, 2))).toMatchObject({ code: 'CONFLICT', reason: 'sshKeys.usedByAnotherAccount' })
    expect(failure(await test.call(sshKeysChannels.inspect, { publicKey: keys.ed25519!.pub }, 2)).reason).toBe('sshKeys.usedByAnotherAccount')
    expect(count()).toBe(1)
  })

  it.each([
    [{ title: 'x'.repeat(101), publicKey: 'ED' }, 'title', 'sshKeys.titleTooLong'],
    [{ title: 'bad\u0007title', publicKey: 'ED' }, 'title', 'sshKeys.titleInvalid'],
    [{ title: '', publicKey: 'NOCOMMENT' }, 'title', 'sshKeys.titleRequired'],
    [{ title: 'T', publicKey: 'ED', expiresOn: '2026-11-22' }, 'expiresOn', 'sshKeys.expiryInPast'],
    [{ title: 'T', publicKey: 'ED', expiresOn: '2026-02-30' }, 'expiresOn', 'sshKeys.expiryInvalid'],
    [{ title: 'T', publicKey: 'ED', expiresOn: 'tomorrow' }, 'expiresOn', 'sshKeys.expiryInvalid'],
    [{ title: 'T', publicKey: 'ssh-rsa AAAA!!!' }, 'publicKey', 'sshKeys.badBase64'],
    [{ title: 'T', publicKey: 'RSA1024' }, 'publicKey', 'sshKeys.rsaTooShort'],
    [{ title: 'T', publicKey: 'total garbage here' }, 'publicKey', 'sshKeys.notAKey'],
    [{ title: 'T', publicKey: 'x'.repeat(20_001) }, 'publicKey', 'input.invalid'],
    [{ title: 'T', publicKey: 'ED', extra: 1 }, undefined, 'input.invalid'],
    [{ title: 5, publicKey: 'ED' }, 'title', 'input.invalid'],
    [{ title: 'T', publicKey: 'ED', expiresOn: 20270101 }, 'expiresOn', 'input.invalid'],
  ])('refuses bad input %j and stores nothing', async (input, field, reason) => {
    const rsa1024 = execFileSync('sh', ['-c', `ssh-keygen -t rsa -b 1024 -N '' -q -f ${dir.path}/r1024 && cat ${dir.path}/r1024.pub`], { encoding: 'utf8' })
    const [type, data] = keys.ed25519!.pub.split(' ')
    const resolved = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, v === 'ED' ? keys.ed25519!.pub : v === 'NOCOMMENT' ? `${type} ${data}` : v === 'RSA1024' ? rsa1024 : v]),
    )
    const error = failure(await add(resolved))
    expect(error.reason).toBe(reason)
    expect(error.field).toBe(field)
    expect(count()).toBe(0)
    expect(services().db.prepare("SELECT count(*) AS n FROM security_log WHERE kind LIKE 'sshKey.%'").get()).toEqual({ n: 0 })
  })

  it('refuses a pasted private key and keeps none of it in the database, the log or the error', async () => {
    const privateText = readFileSync(keys.rsa!.privatePath, 'utf8')
    const body = privateText.split('\n').filter((line) => line && !line.startsWith('-----'))
    const error = failure(await add({ title: 'oops', publicKey: privateText }))
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'publicKey', reason: 'sshKeys.privateKey' })
    expect(failure(await test.call(sshKeysChannels.inspect, { publicKey: privateText })).reason).toBe('sshKeys.privateKey')
    expect(count()).toBe(0)
    services().db.pragma('wal_checkpoint(TRUNCATE)')
    const files = readdirSync(dir.path).filter((name) => name.startsWith('keystead.db'))
    expect(files.length).toBeGreaterThan(0)
    for (const name of files) {
      const bytes = readFileSync(join(dir.path, name)).toString('latin1')
      for (const line of body.slice(1, 6)) expect(bytes.includes(line), `${name} holds a line of the private key`).toBe(false)
    }
    const everything = JSON.stringify(error) + logged.join('\n')
    for (const line of body) expect(everything.includes(line)).toBe(false)
  })

  it('asks for the password again when it was not confirmed in the last 10 minutes', async () => {
    now += 11 * MINUTE
    expect(failure(await add({ title: 'A', publicKey: keys.ed25519!.pub })).code).toBe('REAUTH_REQUIRED')
    expect(count()).toBe(0)
    value(await test.call(authChannels.reauthenticate, { password: 'wonderland 1' }))
    value(await add({ title: 'A', publicKey: keys.ed25519!.pub }))
    expect(count()).toBe(1)
  })

  it('needs a session', async () => {
    expect(failure(await test.call(sshKeysChannels.list, null, 9)).code).toBe('UNAUTHENTICATED')
    expect(failure(await add({ title: 'A', publicKey: keys.ed25519!.pub }, 9)).code).toBe('UNAUTHENTICATED')
  })

  it('previews a key without adding it', async () => {
    const line = buildSkEcdsaLine('token@desk')
    expect(value(await test.call<SshKeyPreview>(sshKeysChannels.inspect, { publicKey: line }))).toMatchObject({
      type: 'sk-ecdsa-sha2-nistp256@openssh.com',
      bits: 256,
      comment: 'token@desk',
    })
    expect(count()).toBe(0)
  })
})

describe('deleting, copying and public lists', () => {
  it('deletes a key of the caller only, with a security event', async () => {
    const mine = value(await add({ title: 'Mine', publicKey: keys.ed25519!.pub }))
    await test.call(authChannels.createAccount, { username: 'bob', password: 'builder 12' }, 2)
    const bobs = value(await add({ title: 'Bob', publicKey: keys.ecdsa!.pub }, 2))
    expect(failure(await test.call(sshKeysChannels.delete, { id: bobs.id }, 1))).toMatchObject({ code: 'NOT_FOUND', reason: 'sshKeys.notFound' })
    expect(failure(await test.call(sshKeysChannels.delete, { id: -1 }, 1)).reason).toBe('input.invalid')
    expect(count()).toBe(2)
    value(await test.call(sshKeysChannels.delete, { id: mine.id }, 1))
    expect(value(await test.call<SshKeySummary[]>(sshKeysChannels.list, null, 1))).toEqual([])
    expect(count()).toBe(1)
    const removed = services().db.prepare("SELECT detail FROM security_log WHERE kind = 'sshKey.removed'").get() as { detail: string }
    expect(JSON.parse(removed.detail)).toMatchObject({ keyId: mine.id, title: 'Mine', fingerprint: mine.fingerprintSHA256 })
  })

  it('copies the authorized_keys line to the clipboard', async () => {
    const summary = value(await add({ title: 'Mine', publicKey: `restrict,from="10.0.0.1" ${keys.ed25519!.pub}` }))
    value(await test.call(sshKeysChannels.copyPublicKey, { id: summary.id }))
    expect(test.platform.clipboardText).toBe(`restrict,from="10.0.0.1" ${keys.ed25519!.pub.trim()}`)
  })

  it('lists an account\'s public keys by username, for its profile', async () => {
    const summary = value(await add({ title: 'Laptop', publicKey: keys.rsa!.pub }))
    await test.call(authChannels.createAccount, { username: 'bob', password: 'builder 12' }, 2)
    const expected: PublicSshKey[] = [{ title: 'Laptop', type: 'ssh-rsa', bits: 2048, fingerprintSHA256: summary.fingerprintSHA256 }]
    expect(value(await test.call<PublicSshKey[]>(sshKeysChannels.listForAccount, { username: 'ALICE' }, 2))).toEqual(expected)
    expect(services().sshKeys.listPublicKeys(aliceId())).toEqual(expected)
    expect(failure(await test.call(sshKeysChannels.listForAccount, { username: 'nobody' }, 2))).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('removes the keys with their account', async () => {
    value(await add({ title: 'Laptop', publicKey: keys.rsa!.pub }))
    services().db.prepare('DELETE FROM accounts WHERE id = ?').run(aliceId())
    expect(count()).toBe(0)
  })
})

describe('import from a .pub file', () => {
  let home: string
  const originalHome = process.env.HOME
  beforeEach(() => {
    home = join(dir.path, 'home')
    mkdirSync(join(home, '.ssh'), { recursive: true })
    process.env.HOME = home
  })
  afterEach(() => {
    process.env.HOME = originalHome
  })

  it('opens the dialog in ~/.ssh and returns the key for the form', async () => {
    const path = join(home, '.ssh', 'id_ecdsa.pub')
    writeFileSync(path, keys.ecdsa!.pub)
    test.platform.nextOpenPaths.push(path)
    const imported = value(await test.call<SshKeyFileImport>(sshKeysChannels.importFromFile, DIALOG))
    expect(test.platform.openRequests[0]).toMatchObject({ title: 'Pick a file', defaultDirectory: join(home, '.ssh') })
    expect(imported).toMatchObject({ publicKey: keys.ecdsa!.pub.trim(), fileName: 'id_ecdsa.pub', preview: { type: 'ecdsa-sha2-nistp384', bits: 384, comment: 'ecdsa@laptop' } })
    expect(count()).toBe(0)
  })

  it('answers null when the dialog is cancelled, and has no default folder without ~/.ssh', async () => {
    process.env.HOME = join(dir.path, 'nohome')
    expect(value(await test.call(sshKeysChannels.importFromFile, DIALOG))).toBeNull()
    expect(test.platform.openRequests[0]!.defaultDirectory).toBeUndefined()
  })

  it.each([
    ['a private key file', () => keys.ed25519!.privatePath, 'sshKeys.privateKey'],
    ['a file that is too large', () => writeTo('big.pub', keys.ed25519!.pub + '#'.repeat(20_000)), 'sshKeys.fileTooLarge'],
    ['a binary file', () => writeTo('bin.pub', Buffer.from([0, 1, 2, 3])), 'sshKeys.fileNotText'],
    ['a folder', () => dir.path, 'sshKeys.fileUnreadable'],
    ['a missing file', () => join(dir.path, 'missing.pub'), 'sshKeys.fileUnreadable'],
  ])('refuses %s', async (_label, pathOf, reason) => {
    test.platform.nextOpenPaths.push(pathOf())
    const result = await test.call(sshKeysChannels.importFromFile, DIALOG)
    const error = failure(result)
    expect(error).toMatchObject({ field: 'publicKey', reason })
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY-----')
    expect(count()).toBe(0)
  })

  function writeTo(name: string, content: string | Buffer): string {
    const path = join(dir.path, name)
    writeFileSync(path, content)
    return path
  }
})

describe('export as authorized_keys', () => {
  it('writes every unexpired key through the save dialog; ssh-keygen reads the file', async () => {
    value(await add({ title: 'One', publicKey: keys.ed25519!.pub }))
    value(await add({ title: 'Two', publicKey: `no-pty ${keys.rsa!.pub}`, expiresOn: '2026-12-31' }))
    const [type, data] = keys.ecdsa!.pub.split(' ')
    value(await add({ title: 'Old', publicKey: `${type} ${data}`, expiresOn: '2026-11-23' }))
    now += 2 * DAY // "Old" has expired
    await test.call(authChannels.reauthenticate, { password: 'wonderland 1' })
    const target = join(dir.path, 'authorized_keys')
    test.platform.nextSavePaths.push(target)
    expect(value(await test.call(sshKeysChannels.exportAuthorizedKeys, DIALOG))).toEqual({ fileName: 'authorized_keys', count: 2 })
    expect(test.platform.saveRequests[0]).toMatchObject({ title: 'Pick a file', defaultFileName: 'authorized_keys' })
    const text = readFileSync(target, 'utf8')
    expect(text).toBe(`${keys.ed25519!.pub.trim()}\nexpiry-time="20270101",no-pty ${keys.rsa!.pub.trim()}\n`)
    expect(statSync(target).mode & 0o777).toBe(0o644)
    const listed = execFileSync('ssh-keygen', ['-lf', target], { encoding: 'utf8' }).trim().split('\n')
    expect(listed).toHaveLength(2)
    // The public form (for GET /users/{name}.keys) has no options.
    expect(services().sshKeys.exportAuthorizedKeys(aliceId(), { includeOptions: false })).toBe(`${keys.ed25519!.pub.trim()}\n${keys.rsa!.pub.trim()}\n`)
  })

  it('refuses a missing or empty dialog title and opens no dialog', async () => {
    for (const payload of [null, {}, { dialogTitle: '' }, { dialogTitle: 'x'.repeat(201) }]) {
      expect(failure(await test.call(sshKeysChannels.exportAuthorizedKeys, payload)).reason).toBe('input.invalid')
      expect(failure(await test.call(sshKeysChannels.importFromFile, payload)).reason).toBe('input.invalid')
    }
    expect(test.platform.saveRequests).toEqual([])
    expect(test.platform.openRequests).toEqual([])
  })

  it('replaces our own file (the dialog asked) but never writes through a symlink nor over another user\'s file', async () => {
    value(await add({ title: 'One', publicKey: keys.ed25519!.pub }))
    const own = join(dir.path, 'authorized_keys')
    writeFileSync(own, 'old\n', { mode: 0o600 })
    test.platform.nextSavePaths.push(own)
    expect(value(await test.call(sshKeysChannels.exportAuthorizedKeys, DIALOG))).toEqual({ fileName: 'authorized_keys', count: 1 })
    expect(readFileSync(own, 'utf8')).toBe(`${keys.ed25519!.pub.trim()}\n`)
    expect(statSync(own).mode & 0o777).toBe(0o644)

    const victim = join(dir.path, 'victim')
    writeFileSync(victim, 'precious')
    const link = join(dir.path, 'linked_keys')
    symlinkSync(victim, link)
    test.platform.nextSavePaths.push(link)
    const refused = failure(await test.call(sshKeysChannels.exportAuthorizedKeys, DIALOG))
    expect(refused).toMatchObject({ field: 'file', reason: 'secretFile.symlink' })
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)

    if (process.getuid?.() !== 0) return
    const theirs = join(dir.path, 'their_keys')
    writeFileSync(theirs, 'theirs')
    chownSync(theirs, 65534, 65534)
    test.platform.nextSavePaths.push(theirs)
    expect(failure(await test.call(sshKeysChannels.exportAuthorizedKeys, DIALOG))).toMatchObject({ field: 'file', reason: 'secretFile.notOwned' })
    expect(readFileSync(theirs, 'utf8')).toBe('theirs')
    expect(readdirSync(dir.path).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('writes nothing when the dialog is cancelled', async () => {

    value(await add({ title: 'One', publicKey: keys.ed25519!.pub }))
    expect(value(await test.call(sshKeysChannels.exportAuthorizedKeys, DIALOG))).toBeNull()
    expect(readdirSync(dir.path).includes('authorized_keys')).toBe(false)
  })
})

describe('dates', () => {
  it('knows today in a time zone', () => {
    const instant = Date.UTC(2026, 10, 23, 23, 30)
    expect(todayIn('UTC', instant)).toBe('2026-11-23')
    expect(todayIn('Europe/Istanbul', instant)).toBe('2026-11-24')
    expect(todayIn('America/New_York', instant)).toBe('2026-11-23')
  })
})
