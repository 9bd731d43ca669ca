import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DB } from '../../../src-main/db/database.ts'
import { parseAuthorizedKeysArguments } from '../../../src-main/cli/ssh-authorized-keys.ts'
import type { Services } from '../../../src-main/services/index.ts'
import { parseSSHLoginMap, resolveKeysteadUsername } from '../../../src-main/services/ssh/login-map.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { openTestServices } from '../../fixtures/test-services.ts'
import { buildSkEd25519Line } from '../../fixtures/ssh-keys.ts'

/**
 * `keystead ssh authorized-keys`, run as sshd runs it: a fresh process of bin/keystead.js (the lean path),
 * against a data folder that the test's own connection (like the app) holds open.
 */
vi.setConfig({ testTimeout: 60_000 })
const LAUNCHER = join(import.meta.dirname, '../../../bin/keystead.js')

function lookup(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, '--data-dir', dataDir, 'ssh', 'authorized-keys', ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const keyLine = (seed: number): string => buildSkEd25519Line(`key-${seed}`)
const typeAndBase64 = (line: string): [string, string] => line.split(' ').slice(0, 2) as [string, string]

let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
const keys = { alice1: keyLine(1), alice2: keyLine(2), bob: keyLine(3) }

beforeAll(async () => {
  dir = makeTempDir('keystead-ssh-lookup-')
  ;({ db, services } = await openTestServices(dir.path, () => Date.now()))
  const alice = await services.accounts.createAccount({ username: 'Alice', password: 'wonderland 1' })
  const bob = await services.accounts.createAccount({ username: 'bob', password: 'builder 123' })
  services.sshKeys.addKey(alice.id, { title: 'laptop', publicKey: keys.alice1 })
  services.sshKeys.addKey(alice.id, { title: 'desk', publicKey: keys.alice2, expiresOn: '2099-12-31' })
  services.sshKeys.addKey(bob.id, { title: 'bob', publicKey: keys.bob })
})
afterAll(() => {
  db.close()
  dir.remove()
})

describe('keystead ssh authorized-keys', () => {
  it('prints every usable key of the same-named account, with expiry-time for an expiring key, and nothing else', async () => {
    const run = await lookup(dir.path, ['alice'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toBe(`${keys.alice1}\nexpiry-time="21000101" ${keys.alice2}\n`)
  })

  it('given the offered key, prints only that key’s line; another account’s key or a malformed key prints nothing (exit 0)', async () => {
    const only = await lookup(dir.path, ['--', 'alice', ...typeAndBase64(keys.alice2)])
    expect(only).toMatchObject({ code: 0, stderr: '', stdout: `expiry-time="21000101" ${keys.alice2}\n` })
    for (const args of [
      ['alice', ...typeAndBase64(keys.bob)],
      ['alice', 'ssh-ed25519', typeAndBase64(keys.alice1)[1]],
      ['alice', typeAndBase64(keys.alice1)[0], 'not*base64'],
      ['bob', ...typeAndBase64(keys.alice1)],
    ]) {
      expect(await lookup(dir.path, args), args.join(' ')).toEqual({ code: 0, stdout: '', stderr: '' })
    }
  })

  it('prints nothing for an unknown account, root, an invalid system user name and an expired key', async () => {
    for (const user of ['carol', 'root', 'Alice', '../alice']) expect(await lookup(dir.path, ['--', user]), user).toEqual({ code: 0, stdout: '', stderr: '' })
    const before = (await lookup(dir.path, ['bob'])).stdout
    expect(before).toBe(`${keys.bob}\n`)
    db.prepare("UPDATE ssh_keys SET expires_on = '2020-01-01' WHERE title = 'bob'").run()
    expect(await lookup(dir.path, ['bob'])).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(await lookup(dir.path, ['bob', ...typeAndBase64(keys.bob)])).toEqual({ code: 0, stdout: '', stderr: '' })
    db.prepare("UPDATE ssh_keys SET expires_on = NULL WHERE title = 'bob'").run()
  })

  it('prints nothing for a locked account (every key, or the offered one), and its keys again once unlocked', async () => {
    const bob = services.accounts.findAccountByUsername('bob')!
    services.administration.lockAccount({ kind: 'cli' }, bob.id)
    expect(await lookup(dir.path, ['bob'])).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(await lookup(dir.path, ['bob', ...typeAndBase64(keys.bob)])).toEqual({ code: 0, stdout: '', stderr: '' })
    services.administration.unlockAccount({ kind: 'cli' }, bob.id)
    expect((await lookup(dir.path, ['bob'])).stdout).toBe(`${keys.bob}\n`)
  })

  it('opens read-only: works while another connection holds the write lock, and changes no byte of the files', async () => {
    // Hashed by another process: closing a file this process has open would drop its connection's POSIX locks.
    const digest = () =>
      spawnSync('sha256sum', ['keystead.db', 'keystead.db-wal', 'settings.json'].map((name) => join(dir.path, name)).filter(existsSync), { encoding: 'utf8' }).stdout
    const before = digest()
    db.exec('BEGIN IMMEDIATE')
    try {
      const run = await lookup(dir.path, ['alice'])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(2)
    } finally {
      db.exec('ROLLBACK')
    }
    expect(before).toMatch(/keystead\.db-wal/)
    expect(digest()).toEqual(before)
  })

  it('an unreadable data folder is an error on stderr only (exit 1), never output sshd would read', async () => {
    const run = await lookup(join(dir.path, 'missing'), ['alice'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^keystead: ssh authorized-keys: Cannot open the database/)
  })

  it('follows the mapping in settings.json (keystead ssh map / unmap / same-name); a malformed file prints nothing and fails', async () => {
    const map = await runCli(dir.path, ['ssh', 'map', 'deploy', 'ALICE'])
    expect(map).toMatchObject({ code: 0, stdout: "Alice's keys may now log in as the system user deploy.\n" })
    expect(JSON.parse(readFileSync(join(dir.path, 'settings.json'), 'utf8'))).toEqual({ sshLogins: { sameName: true, users: { deploy: 'Alice' } } })
    expect((await lookup(dir.path, ['deploy'])).stdout.split('\n').filter(Boolean)).toHaveLength(2)
    // Mapped elsewhere: no longer reachable by its own name.
    expect((await lookup(dir.path, ['alice'])).stdout).toBe('')
    const refused = await runCli(dir.path, ['ssh', 'map', 'Deploy', 'alice'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/system user name/)
    const unknown = await runCli(dir.path, ['ssh', 'map', 'ops', 'nobody'])
    expect(unknown.code).toBe(1)
    const off = await runCli(dir.path, ['--json', 'ssh', 'same-name', 'off'])
    expect(JSON.parse(off.stdout)).toEqual({ sameName: false })
    expect((await lookup(dir.path, ['bob'])).stdout).toBe('')
    expect((await lookup(dir.path, ['deploy'])).stdout).not.toBe('')
    expect((await runCli(dir.path, ['ssh', 'same-name', 'on'])).code).toBe(0)
    const unmap = await runCli(dir.path, ['--json', 'ssh', 'unmap', 'deploy'])
    expect(JSON.parse(unmap.stdout)).toEqual({ systemUser: 'deploy', removed: true, nowUses: 'deploy' })
    expect((await lookup(dir.path, ['alice'])).stdout).not.toBe('')
    const settings = join(dir.path, 'settings.json')
    writeFileSync(settings, '{"sshLogins": {"sameName": "yes"}}')
    expect(await lookup(dir.path, ['alice'])).toMatchObject({ code: 1, stdout: '' })
    writeFileSync(settings, '{}')
  })

  it('writes settings.json through the one secret-file writer: 0600, never through a symlink, never over another user\'s file', async () => {
    const settings = join(dir.path, 'settings.json')
    writeFileSync(settings, '{"theme":"dark"}', { mode: 0o644 })
    chmodSync(settings, 0o644)
    expect((await runCli(dir.path, ['ssh', 'map', 'deploy', 'alice'])).code).toBe(0)
    expect(statSync(settings).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ theme: 'dark', sshLogins: { sameName: true, users: { deploy: 'Alice' } } })
    const elsewhere = join(dir.path, 'elsewhere.json')
    writeFileSync(elsewhere, '{}')
    rmSync(settings)
    symlinkSync(elsewhere, settings)
    const linked = await runCli(dir.path, ['ssh', 'map', 'ops', 'alice'])
    expect(linked.code).toBe(1)
    expect(linked.stderr).toMatch(/symbolic link/)
    expect(readFileSync(elsewhere, 'utf8')).toBe('{}')
    expect(lstatSync(settings).isSymbolicLink()).toBe(true)
    rmSync(settings)
    writeFileSync(settings, '{}')
  })

  it.skipIf(process.getuid?.() !== 0)("refuses to replace a settings.json of another user (uid 65534; needs root to chown)", async () => {
    const settings = join(dir.path, 'settings.json')
    writeFileSync(settings, '{}')
    chownSync(settings, 65534, 65534)
    const theirs = await runCli(dir.path, ['ssh', 'map', 'ops', 'alice'])
    expect(theirs.code).toBe(1)
    expect(theirs.stderr).toMatch(/belongs to another user/)
    expect(readFileSync(settings, 'utf8')).toBe('{}')
    expect(statSync(settings).uid).toBe(65534)
    rmSync(settings)
    writeFileSync(settings, '{}')
  })
})

describe('the lean command line and the mapping rules', () => {
  it('routes only the exact lookup command line to the lean path', () => {
    expect(parseAuthorizedKeysArguments(['--data-dir', '/d', 'ssh', 'authorized-keys', '--', 'u', 't', 'k'])).toEqual({ dataDir: '/d', systemUser: 'u', keyType: 't', keyBase64: 'k' })
    expect(parseAuthorizedKeysArguments(['ssh', 'authorized-keys', 'u'])).toEqual({ dataDir: undefined, systemUser: 'u' })
    for (const argv of [['ssh', 'authorized-keys', '--help'], ['ssh', 'authorized-keys', 'u', 't'], ['--json', 'ssh', 'authorized-keys', 'u'], ['ssh', 'map']]) {
      expect(parseAuthorizedKeysArguments(argv), argv.join(' ')).toBeNull()
    }
  })

  it('maps by name by default, never root, moves explicitly mapped accounts, and refuses malformed settings', () => {
    const map = parseSSHLoginMap({ sshLogins: { users: { deploy: 'alice', admin: 'root' } } })
    expect(resolveKeysteadUsername('deploy', map)).toBe('alice')
    expect(resolveKeysteadUsername('alice', map)).toBeNull()
    expect(resolveKeysteadUsername('bob', map)).toBe('bob')
    expect(resolveKeysteadUsername('root', map)).toBeNull()
    expect(resolveKeysteadUsername('admin', map)).toBe('root')
    expect(resolveKeysteadUsername('bob', parseSSHLoginMap({ sshLogins: { sameName: false } }))).toBeNull()
    for (const bad of [[], { sshLogins: [] }, { sshLogins: { users: { 'Bad Name': 'alice' } } }, { sshLogins: { users: { ok: 7 } } }]) {
      expect(() => parseSSHLoginMap(bad), JSON.stringify(bad)).toThrow()
    }
  })
})

describe('keystead ssh install-command', () => {
  it.skipIf(process.getuid?.() !== 0)('installs nothing when the lookup fails as the command user (nobody cannot read this data folder; needs root)', async () => {
    // A root-owned folder sshd would accept (mkdtemp makes it 0700), as the real-sshd test uses.
    const parent = mkdtempSync('/usr/local/lib/keystead-probe-')
    const wrapper = join(parent, 'keystead-authorized-keys')
    const cache = join(parent, 'compile-cache')
    try {
      const refused = await runCli(dir.path, ['ssh', 'install-command', '--path', wrapper, '--user', 'nobody', '--cache-dir', cache])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/sshd would run the lookup as nobody, and it fails there: .+ nothing was installed\./s)
      expect(existsSync(wrapper)).toBe(false)
      expect(existsSync(cache)).toBe(false)
      // As the data folder's owner (root here) the same lookup works, and the wrapper is installed.
      const installed = await runCli(dir.path, ['--json', 'ssh', 'install-command', '--path', wrapper, '--user', 'root', '--cache-dir', cache])
      expect(installed.code, installed.stderr).toBe(0)
      expect(JSON.parse(installed.stdout)).toMatchObject({ installed: true, path: wrapper })
      expect(statSync(wrapper).mode & 0o777).toBe(0o755)
    } finally {
      rmSync(parent, { recursive: true, force: true })
    }
  })
})
