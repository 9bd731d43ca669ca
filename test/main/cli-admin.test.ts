import { execFileSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sshKeySchema, tokenSchema } from '../../src-main/http/schemas.ts'
import { cliOutput, cliRefusal, createCliJsonHarness } from '../fixtures/cli-json.ts'
import { runCli } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * The phase-2 commands of the `keystead` command line (2fa, ssh-keys, tokens, api-key,
 * accounts delete, signin with a second factor, export contributions), each run as a
 * child process against a temp data directory, valid and invalid, with --json checked.
 * Independent runs go in parallel: each process start costs 1-4 s on a busy machine.
 */
vi.setConfig({ testTimeout: 120_000 })
const PASSWORD = 'wonderland 1'
let dir: ReturnType<typeof makeTempDir>
let data: string

const { cli, query, idOf } = createCliJsonHarness(() => data)
const out = cliOutput
const refusal = cliRefusal
const totp = (secret: string, offsetSeconds = 0): string =>
  execFileSync('oathtool', ['--totp', '-b', ...(offsetSeconds ? ['--now', `now + ${offsetSeconds} seconds`] : []), secret], { encoding: 'utf8' }).trim()
const keygen = (name: string, type = 'ed25519'): string => {
  const path = join(dir.path, name)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `${name}@host`, '-f', path])
  return path
}

beforeAll(async () => {
  dir = makeTempDir('keystead-cli-admin-')
  data = join(dir.path, 'data')
  const created = await runCli(data, ['accounts', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'], { stdin: `${PASSWORD}\n` })
  expect(created.code, created.stderr).toBe(0)
  const more = await Promise.all(
    ['bob', 'carol', 'dave'].map((name) => runCli(data, ['accounts', 'create', '--username', name, '--password-stdin'], { stdin: `${PASSWORD}\n` })),
  )
  expect(more.map((run) => run.code)).toEqual([0, 0, 0])
}, 90_000)
afterAll(() => dir.remove())

describe('2fa and signin with a second factor', () => {
  it('enroll -> oathtool -> confirm writes an owner-only codes file; signin needs the TOTP code or a recovery code (once)', async () => {
    const qr = join(dir.path, 'alice-qr.png')
    const enroll = out<{ account: string; secret: string; uri: string; qrPngFile: string }>(await cli(['2fa', 'enroll', 'alice', '--qr-png', qr]))
    expect(Object.keys(enroll).sort()).toEqual(['account', 'qrPngFile', 'secret', 'uri'])
    expect(enroll.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(enroll.uri).toBe(`otpauth://totp/Keystead:alice?secret=${enroll.secret}&issuer=Keystead&algorithm=SHA1&digits=6&period=30`)
    expect(statSync(qr).mode & 0o777).toBe(0o600)
    expect(readFileSync(qr).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    expect(execFileSync('zbarimg', ['-q', '--raw', qr], { encoding: 'utf8' }).trim()).toBe(enroll.uri)
    // Nothing is on yet: a wrong code is refused, the pending secret is sealed in the database.
    const wrong = refusal(await cli(['2fa', 'confirm', 'alice', '--code', totp(enroll.secret) === '000000' ? '111111' : '000000']))
    expect(wrong.reason).toBe('twoFactor.invalidCode')
    expect(query<{ enabled_at: number | null }>('SELECT enabled_at FROM two_factor WHERE account_id = 1')).toEqual([{ enabled_at: null }])
    expect(JSON.stringify(query('SELECT * FROM two_factor'))).not.toContain(enroll.secret)

    const codesFile = join(dir.path, 'alice-codes.txt')
    const confirmed = out(await cli(['2fa', 'confirm', 'alice', '--code', totp(enroll.secret), '--recovery-codes-file', codesFile]))
    expect(confirmed).toEqual({ account: 'alice', enabled: true, recoveryCodesFile: codesFile, recoveryCodesLeft: 10 })
    expect(statSync(codesFile).mode & 0o777).toBe(0o600)
    const [header, ...codes] = readFileSync(codesFile, 'utf8').trimEnd().split('\n')
    expect(header).toMatch(/^# Keystead recovery codes for alice \(/)
    expect(codes).toHaveLength(10)
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/)
    expect(new Set(codes).size).toBe(10)

    const [noCode, badCode, both, status] = await Promise.all([
      cli(['signin', 'alice', '--password-stdin'], `${PASSWORD}\n`),
      cli(['signin', 'alice', '--password-stdin', '--code', '12345x'], `${PASSWORD}\n`),
      cli(['signin', 'alice', '--password-stdin', '--code', '123456', '--recovery-code', codes[0]!], `${PASSWORD}\n`),
      cli(['2fa', 'status', 'alice']),
    ])
    expect(refusal(noCode).reason).toBe('twoFactor.codeRequired')
    expect(refusal(badCode).reason).toBe('twoFactor.invalidCode')
    expect(refusal(both, 2).code).toBe('USAGE')
    expect(out(status)).toMatchObject({ account: 'alice', enabled: true, recoveryCodesLeft: 10 })

    // The confirm used this time step; the next step's code (within the tolerance) signs in.
    const withTotp = out<{ sessionId: string }>(await cli(['signin', 'alice', '--password-stdin', '--code', totp(enroll.secret, 30)], `${PASSWORD}\n`))
    expect(Object.keys(withTotp).sort()).toEqual(['account', 'expiresAt', 'sessionId'])
    expect(query('SELECT origin FROM sessions WHERE id = ?', withTotp.sessionId)).toEqual([{ origin: 'cli' }])

    const withRecovery = out(await cli(['signin', 'alice', '--password-stdin', '--recovery-code', codes[3]!.toUpperCase()], `${PASSWORD}\n`))
    expect(withRecovery).toMatchObject({ account: 'alice', recoveryCodesLeft: 9 })
    const [reused, wrongPassword] = await Promise.all([
      cli(['signin', 'alice', '--password-stdin', '--recovery-code', codes[3]!], `${PASSWORD}\n`),
      cli(['signin', 'alice', '--password-stdin', '--recovery-code', codes[4]!], 'not the password 9\n'),
    ])
    expect(refusal(reused)).toMatchObject({ reason: 'twoFactor.invalidCode', field: 'recoveryCode' })
    expect(refusal(wrongPassword).reason).toBe('signIn.invalid')
    expect(query<{ n: number }>('SELECT count(*) AS n FROM recovery_codes WHERE account_id = 1 AND used_at IS NULL')[0]!.n).toBe(9)

    // Export carries 2FA on/off and the codes left, never the secret or a code.
    const exportFile = join(dir.path, 'alice-export.json')
    out(await cli(['export', 'alice', '--file', exportFile]))
    const exported = readFileSync(exportFile, 'utf8')
    expect(JSON.parse(exported).twoFactor).toMatchObject({ enabled: true, recoveryCodesLeft: 9 })
    expect(exported).not.toContain(enroll.secret)
    for (const code of codes) expect(exported).not.toContain(code)

    // New codes: the old ones stop working; printed on stdout when no file is given.
    const regenerated = out<{ recoveryCodes: string[]; recoveryCodesLeft: number }>(await cli(['2fa', 'regenerate-codes', 'alice']))
    expect(regenerated.recoveryCodes).toHaveLength(10)
    expect(regenerated.recoveryCodesLeft).toBe(10)
    const [oldCode, newCode, existingFile] = await Promise.all([
      cli(['signin', 'alice', '--password-stdin', '--recovery-code', codes[5]!], `${PASSWORD}\n`),
      cli(['signin', 'alice', '--password-stdin', '--recovery-code', regenerated.recoveryCodes[0]!], `${PASSWORD}\n`),
      cli(['2fa', 'regenerate-codes', 'alice', '--recovery-codes-file', codesFile]),
    ])
    expect(refusal(oldCode).reason).toBe('twoFactor.invalidCode')
    expect(out(newCode)).toMatchObject({ recoveryCodesLeft: 9 })
    // An existing file is refused BEFORE new codes are made (none are lost).
    expect(refusal(existingFile).reason).toBe('cli.fileExists')
    expect(query<{ n: number }>('SELECT count(*) AS n FROM recovery_codes WHERE account_id = 1 AND used_at IS NULL')[0]!.n).toBe(9)
    // Every one of the new codes signs in, once.
    for (const [index, code] of regenerated.recoveryCodes.slice(1).entries()) {
      expect(out(await cli(['signin', 'alice', '--password-stdin', '--recovery-code', code], `${PASSWORD}\n`))).toMatchObject({ recoveryCodesLeft: 8 - index })
    }
    expect(refusal(await cli(['signin', 'alice', '--password-stdin', '--recovery-code', regenerated.recoveryCodes[9]!], `${PASSWORD}\n`)).reason).toBe('twoFactor.invalidCode')

    const disabled = out(await cli(['2fa', 'disable', 'alice']))
    expect(disabled).toEqual({ account: 'alice', enabled: false, wasEnabled: true })
    const plain = out(await cli(['signin', 'alice', '--password-stdin'], `${PASSWORD}\n`))
    expect(plain).toMatchObject({ account: 'alice' })
    const kinds = query<{ kind: string }>('SELECT kind FROM security_log WHERE account_id = 1 ORDER BY id').map((r) => r.kind)
    expect(kinds).toEqual(expect.arrayContaining(['twofactor.enabled', 'twofactor.recovery.regenerated', 'twofactor.disabled', 'twofactor.recovery.used']))
  })

  it('refuses confirm without enroll, codes when 2FA is off, a code for an account without 2FA, unknown users and a missing --code', async () => {
    const [confirm, regenerate, codeWithout2fa, unknown, missingCode, badFolder] = await Promise.all([
      cli(['2fa', 'confirm', 'bob', '--code', '123456']),
      cli(['2fa', 'regenerate-codes', 'bob']),
      cli(['signin', 'bob', '--password-stdin', '--code', '123456'], `${PASSWORD}\n`),
      cli(['2fa', 'enroll', 'nobody']),
      cli(['2fa', 'confirm', 'bob']),
      cli(['2fa', 'enroll', 'bob', '--qr-png', join(dir.path, 'no-such-folder', 'qr.png')]),
    ])
    expect(refusal(confirm).reason).toBe('twoFactor.noSetup')
    expect(refusal(regenerate).reason).toBe('twoFactor.notEnabled')
    expect(refusal(codeWithout2fa).reason).toBe('twoFactor.notEnabled')
    expect(refusal(unknown).reason).toBe('account.notFound')
    expect(refusal(missingCode, 2).message).toContain("required option '--code <code>'")
    expect(refusal(badFolder).reason).toBe('cli.fileUnwritable')
    expect(query('SELECT account_id FROM two_factor WHERE account_id = ?', idOf('bob'))).toEqual([])
    expect(query('SELECT id FROM sessions WHERE account_id = ?', idOf('bob'))).toEqual([])
  })
})

describe('ssh-keys', () => {
  it('add (file and stdin), list, export (stdout and file), remove by fingerprint', async () => {
    const laptop = keygen('laptop')
    const server = keygen('server', 'rsa')
    const [fromFile, fromStdin] = await Promise.all([
      cli(['ssh-keys', 'add', 'bob', '--title', 'Laptop', '--key-file', `${laptop}.pub`, '--expires', '2031-01-31']),
      cli(['ssh-keys', 'add', 'bob', '--title', '', '--key-stdin'], readFileSync(`${server}.pub`, 'utf8')),
    ])
    const added = out<{ account: string; key: unknown }>(fromFile)
    expect(added.account).toBe('bob')
    const laptopKey = sshKeySchema.parse(added.key)
    const expected = execFileSync('ssh-keygen', ['-lf', `${laptop}.pub`], { encoding: 'utf8' }).split(' ')[1]
    expect(laptopKey).toMatchObject({ title: 'Laptop', type: 'ssh-ed25519', fingerprintSHA256: expected, expiresOn: '2031-01-31' })
    const serverKey = sshKeySchema.parse(out<{ key: unknown }>(fromStdin).key)
    expect(serverKey).toMatchObject({ title: 'server@host', type: 'ssh-rsa', bits: 3072 })

    const [list, exported] = await Promise.all([cli(['ssh-keys', 'list', 'bob']), runCli(data, ['ssh-keys', 'export', 'bob'])])
    const listed = out<{ account: string; keys: unknown[] }>(list)
    expect(listed.keys.map((k) => sshKeySchema.parse(k).title).sort()).toEqual(['Laptop', 'server@host'])
    // Newest first, as the README and --help say (two added in the same millisecond: the higher id first).
    const order = listed.keys.map((k) => sshKeySchema.parse(k)).map((k) => ({ createdAt: k.createdAt, id: k.id }))
    expect(order).toEqual([...order].sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : b.createdAt.localeCompare(a.createdAt))))
    expect(exported.code).toBe(0)
    const lines = exported.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines.find((l) => l.includes('laptop@host'))).toMatch(/^expiry-time="20310201" ssh-ed25519 /)

    const file = join(dir.path, 'bob_authorized_keys')
    expect(out(await cli(['ssh-keys', 'export', 'bob', '--file', file]))).toEqual({ account: 'bob', file, keys: 2 })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).trim().split('\n')).toHaveLength(2)

    const removed = out(await cli(['ssh-keys', 'remove', 'bob', laptopKey.fingerprintSHA256]))
    expect(removed).toEqual({ account: 'bob', removed: { id: laptopKey.id, title: 'Laptop', fingerprintSHA256: laptopKey.fingerprintSHA256 } })
    const [again, byMd5] = await Promise.all([
      cli(['ssh-keys', 'remove', 'bob', laptopKey.fingerprintSHA256]),
      cli(['ssh-keys', 'remove', 'bob', serverKey.fingerprintMD5]),
    ])
    expect(refusal(again).reason).toBe('sshKeys.notFound')
    expect(out(byMd5)).toMatchObject({ removed: { title: 'server@host' } })
    expect(query('SELECT id FROM ssh_keys WHERE account_id = ?', idOf('bob'))).toEqual([])
  })

  it('refuses a private key, a duplicate, a bad expiry, a missing file, and neither or both key sources, adding nothing', async () => {
    const key = keygen('carol-key')
    out(await cli(['ssh-keys', 'add', 'carol', '--title', 'First', '--key-file', `${key}.pub`]))
    const junk = join(dir.path, 'junk.pub')
    writeFileSync(junk, 'ssh-ed25519 not-base64!!\n')
    const runs = await Promise.all([
      cli(['ssh-keys', 'add', 'carol', '--title', 'Private', '--key-file', key]),
      cli(['ssh-keys', 'add', 'carol', '--title', 'Again', '--key-file', `${key}.pub`]),
      cli(['ssh-keys', 'add', 'carol', '--title', 'Past', '--key-stdin', '--expires', '2020-01-01'], readFileSync(`${keygen('p')}.pub`, 'utf8')),
      cli(['ssh-keys', 'add', 'carol', '--title', 'Bad date', '--key-stdin', '--expires', '2031-02-30'], readFileSync(`${keygen('q')}.pub`, 'utf8')),
      cli(['ssh-keys', 'add', 'carol', '--title', 'Missing', '--key-file', join(dir.path, 'nope.pub')]),
      cli(['ssh-keys', 'add', 'carol', '--title', 'Junk', '--key-file', junk]),
      cli(['ssh-keys', 'add', 'carol', '--title', 'Empty', '--key-stdin'], ''),
      cli(['ssh-keys', 'add', 'carol', '--title', 'None']),
      cli(['ssh-keys', 'add', 'carol', '--title', 'Both', '--key-stdin', '--key-file', `${key}.pub`]),
    ])
    const reasons = runs.slice(0, 7).map((run) => refusal(run).reason)
    expect(reasons[0]).toMatch(/^sshKeys\./)
    expect(reasons.slice(1, 4)).toEqual(['sshKeys.alreadyAdded', 'sshKeys.expiryInPast', 'sshKeys.expiryInvalid'])
    expect(reasons[4]).toMatch(/^sshKeys\./)
    expect(reasons[5]).toMatch(/^sshKeys\./)
    expect(reasons[6]).toBe('cli.secretEmpty')
    expect(refusal(runs[7]!, 2).message).toContain('exactly one of --key-file')
    expect(refusal(runs[8]!, 2).code).toBe('USAGE')
    expect(query<{ title: string }>('SELECT title FROM ssh_keys WHERE account_id = ?', idOf('carol'))).toEqual([{ title: 'First' }])
    expect(runs[0]!.stderr).not.toContain('PRIVATE KEY')
  })
})

describe('tokens and api-key', () => {
  it('create prints the token once; list never shows it; enable/disable/delete; verify says whose it is', async () => {
    const [write, read, off] = await Promise.all([
      cli(['tokens', 'create', 'dave', '--title', 'deploy', '--expires-in-days', '30']),
      cli(['tokens', 'create', 'dave', '--title', 'monitor', '--scope', 'read']),
      cli(['tokens', 'create', 'dave', '--title', 'spare', '--disabled', '--expires-on', '2031-12-31']),
    ])
    const created = out<{ account: string; token: string; summary: unknown }>(write)
    expect(Object.keys(created).sort()).toEqual(['account', 'summary', 'token'])
    expect(created.token).toMatch(/^kst_[A-Za-z0-9]{42}$/)
    const summary = tokenSchema.parse(created.summary)
    expect(summary).toMatchObject({ title: 'deploy', scope: 'read-write', isEnabled: true, displayPrefix: created.token.slice(0, 12) })
    expect(Date.parse(summary.expiresAt!) - Date.parse(summary.createdAt)).toBe(30 * 86_400_000)
    const readToken = out<{ token: string; summary: { scope: string } }>(read)
    expect(readToken.summary.scope).toBe('read-only')
    const spare = out<{ token: string; summary: { id: number; isEnabled: boolean; expiresAt: string } }>(off)
    expect(spare.summary.isEnabled).toBe(false)
    expect(spare.summary.expiresAt).toMatch(/^2031-12-31T23:59:59\.999Z$/)

    const list = await cli(['tokens', 'list', 'dave'])
    const tokens = out<{ account: string; tokens: unknown[] }>(list).tokens.map((t) => tokenSchema.parse(t))
    expect(tokens.map((t) => t.title).sort()).toEqual(['deploy', 'monitor', 'spare'])
    for (const token of [created.token, readToken.token, spare.token]) expect(list.stdout).not.toContain(token.slice(12))
    expect(JSON.stringify(query('SELECT * FROM access_tokens'))).not.toContain(created.token.slice(12))

    const [validWrite, validRead, disabled, malformed, empty] = await Promise.all([
      cli(['tokens', 'verify', '--token-stdin'], `${created.token}\n`),
      cli(['tokens', 'verify', '--token-stdin'], `${readToken.token}\n`),
      cli(['tokens', 'verify', '--token-stdin'], `${spare.token}\n`),
      cli(['tokens', 'verify', '--token-stdin'], 'kst_nonsense\n'),
      cli(['tokens', 'verify', '--token-stdin'], ''),
    ])
    expect(out(validWrite)).toEqual({ valid: true, account: 'dave', accountId: idOf('dave'), kind: 'token', scope: 'read-write', tokenId: summary.id })
    expect(out(validRead)).toMatchObject({ valid: true, scope: 'read-only' })
    expect(refusal(disabled)).toMatchObject({ code: 'INVALID_CREDENTIALS', reason: 'credential.disabled' })
    expect(refusal(malformed).reason).toBe('credential.malformed')
    expect(refusal(empty)).toMatchObject({ reason: 'cli.secretEmpty', message: 'No token or API key arrived on standard input.' })

    const enabled = out<{ token: { isEnabled: boolean } }>(await cli(['tokens', 'enable', 'dave', String(spare.summary.id)]))
    expect(enabled.token.isEnabled).toBe(true)
    expect(out(await cli(['tokens', 'verify', '--token-stdin'], `${spare.token}\n`))).toMatchObject({ valid: true })
    expect(out<{ token: { isEnabled: boolean } }>(await cli(['tokens', 'disable', 'dave', String(spare.summary.id)])).token.isEnabled).toBe(false)
    expect(out(await cli(['tokens', 'delete', 'dave', String(summary.id)]))).toEqual({ account: 'dave', deleted: summary.id })
    const [deleted, deleteAgain, otherAccount] = await Promise.all([
      cli(['tokens', 'verify', '--token-stdin'], `${created.token}\n`),
      cli(['tokens', 'delete', 'dave', String(summary.id)]),
      cli(['tokens', 'disable', 'carol', String(spare.summary.id)]),
    ])
    expect(refusal(deleted).reason).toBe('credential.unknown')
    expect(refusal(deleteAgain).reason).toBe('tokens.notFound')
    expect(refusal(otherAccount).reason).toBe('tokens.notFound')
    const kinds = query<{ kind: string }>('SELECT kind FROM security_log WHERE account_id = ?', idOf('dave')).map((r) => r.kind)
    expect(kinds).toEqual(expect.arrayContaining(['token.created', 'token.enabled', 'token.disabled', 'token.deleted']))
  })

  it('refuses bad token input: duplicate title, empty title, odd lifetimes and scopes, a token in argv, bad ids', async () => {
    const before = query<{ n: number }>('SELECT count(*) AS n FROM access_tokens')[0]!.n
    const runs = await Promise.all([
      cli(['tokens', 'create', 'dave', '--title', 'MONITOR']),
      cli(['tokens', 'create', 'dave', '--title', '   ']),
      cli(['tokens', 'create', 'dave', '--title', 'x', '--expires-on', '2020-01-01']),
      cli(['tokens', 'create', 'dave', '--title', 'x', '--expires-in-days', '5']),
      cli(['tokens', 'create', 'dave', '--title', 'x', '--scope', 'admin']),
      cli(['tokens', 'create', 'dave', '--title', 'x', '--expires-in-days', '7', '--expires-on', '2031-01-01']),
      cli(['tokens', 'verify', '--token', 'kst_x']),
      cli(['tokens', 'enable', 'dave', 'abc']),
      cli(['tokens', 'delete', 'dave', '999999']),
    ])
    expect(runs.slice(0, 3).map((run) => refusal(run).reason)).toEqual(['tokens.titleTaken', 'tokens.titleRequired', 'tokens.expiryPast'])
    for (const run of runs.slice(3, 8)) expect(refusal(run, 2).code).toBe('USAGE')
    expect(refusal(runs[8]!).reason).toBe('tokens.notFound')
    expect(query<{ n: number }>('SELECT count(*) AS n FROM access_tokens')[0]!.n).toBe(before)
  })

  it('api-key show is masked unless --reveal; regenerate --yes replaces it (old one invalid); without --yes nothing changes', async () => {
    const [masked, revealed, noYes] = await Promise.all([
      cli(['api-key', 'show', 'carol']),
      cli(['api-key', 'show', 'carol', '--reveal']),
      cli(['api-key', 'regenerate', 'carol']),
    ])
    const shown = out<{ maskedKey: string; createdAt: string; lastUsedAt: string | null; apiKey?: string }>(masked)
    expect(Object.keys(shown).sort()).toEqual(['account', 'createdAt', 'lastUsedAt', 'maskedKey'])
    const full = out<{ apiKey: string; maskedKey: string }>(revealed)
    expect(full.apiKey).toMatch(/^ksk_[A-Za-z0-9]{42}$/)
    expect(shown.maskedKey.endsWith(full.apiKey.slice(-4))).toBe(true)
    expect(masked.stdout).not.toContain(full.apiKey)
    expect(refusal(noYes, 2).message).toContain("required option '--yes'")
    expect(out(await cli(['tokens', 'verify', '--token-stdin'], `${full.apiKey}\n`))).toEqual({ valid: true, account: 'carol', accountId: idOf('carol'), kind: 'api-key', scope: 'read-write', tokenId: null })

    const regenerated = out<{ apiKey: string; maskedKey: string }>(await cli(['api-key', 'regenerate', 'carol', '--yes']))
    expect(regenerated.apiKey).not.toBe(full.apiKey)
    const [oldKey, newKey, text] = await Promise.all([
      cli(['tokens', 'verify', '--token-stdin'], `${full.apiKey}\n`),
      cli(['tokens', 'verify', '--token-stdin'], `${regenerated.apiKey}\n`),
      runCli(data, ['api-key', 'show', 'carol']),
    ])
    expect(refusal(oldKey).reason).toBe('credential.unknown')
    expect(out(newKey)).toMatchObject({ account: 'carol', kind: 'api-key' })
    expect(text.stdout).toMatch(/^ksk_•+[A-Za-z0-9]{4} {2}\(created /)
    expect(text.stdout).toContain('--reveal')
  })
})

describe('export contributions and accounts delete', () => {
  it("export holds each domain's part (profile, SSH keys, token metadata, API key dates, 2FA) and no secret", async () => {
    const file = join(dir.path, 'carol-export.json')
    out(await cli(['export', 'carol', '--file', file]))
    const text = readFileSync(file, 'utf8')
    const exported = JSON.parse(text) as Record<string, unknown>
    expect(Object.keys(exported)).toEqual(['format', 'version', 'exportedAt', 'account', 'sessions', 'securityLog', 'profile', 'sshKeys', 'accessTokens', 'apiKey', 'twoFactor'])
    expect(exported.profile).toMatchObject({ username: 'carol', hasPicture: false })
    expect((exported.sshKeys as unknown[]).map((k) => sshKeySchema.parse(k).title)).toEqual(['First'])
    expect(exported.accessTokens).toEqual([])
    expect(Object.keys(exported.apiKey as object).sort()).toEqual(['createdAt', 'lastUsedAt'])
    expect(exported.twoFactor).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 })
    expect(text).not.toMatch(/ksk_|kst_|scrypt|hash/i)
  })

  it('accounts delete needs --yes, refuses unknown names, and removes the account with everything it owns', async () => {
    const [noYes, unknown] = await Promise.all([cli(['accounts', 'delete', 'carol']), cli(['accounts', 'delete', 'nobody', '--yes'])])
    expect(refusal(noYes, 2).message).toContain("required option '--yes'")
    expect(refusal(unknown).reason).toBe('account.notFound')
    out(await cli(['signin', 'carol', '--password-stdin'], `${PASSWORD}\n`))
    const carolId = idOf('carol')
    expect(query('SELECT id FROM ssh_keys WHERE account_id = ?', carolId)).toHaveLength(1)
    const deleted = out(await cli(['accounts', 'delete', 'CAROL', '--yes']))
    expect(deleted).toEqual({ account: 'carol', id: carolId, deleted: true, sessionsEnded: 1 })
    for (const table of ['accounts WHERE id = ?', 'ssh_keys WHERE account_id = ?', 'api_keys WHERE account_id = ?', 'sessions WHERE account_id = ?', 'security_log WHERE account_id = ?']) {
      expect(query(`SELECT * FROM ${table}`, carolId), table).toEqual([])
    }
    expect(query('SELECT username FROM accounts ORDER BY username')).toEqual([{ username: 'alice' }, { username: 'bob' }, { username: 'dave' }])
    const [show, signin] = await Promise.all([cli(['accounts', 'show', 'carol']), cli(['signin', 'carol', '--password-stdin'], `${PASSWORD}\n`)])
    expect(refusal(show).reason).toBe('account.notFound')
    expect(refusal(signin).reason).toBe('signIn.invalid')
  })
})
