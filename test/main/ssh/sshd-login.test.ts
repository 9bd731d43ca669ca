import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findUnsafeFolder } from '../../../src-main/cli/commands/ssh-install.ts'
import type { DB } from '../../../src-main/db/database.ts'
import type { Services } from '../../../src-main/services/index.ts'
import { findFreePort } from '../../fixtures/free-port.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { openTestServices } from '../../fixtures/test-services.ts'

/**
 * The proof with a real sshd (Debian's openssh-server): sshd on 127.0.0.1 with a temporary config whose
 * AuthorizedKeysCommand is the wrapper `keystead ssh install-command` installed (root-owned folder chain,
 * not under /tmp), for system users made for the test. `ssh -i KEY user@127.0.0.1 true` logs in with a key
 * registered in Keystead, and is refused after the key is deleted, after it expires, with another
 * account's key and after the account is deleted.
 *
 * Needs root, /usr/sbin/sshd, ssh and useradd; elsewhere it is skipped with the reason printed.
 * KEYSTEAD_REQUIRE_SSHD=1 (set by .ci/run) turns a skip into a failure, so CI cannot skip it silently.
 */
const SSHD = '/usr/sbin/sshd'
const WRAPPER_PARENT = '/usr/local/lib'

function whyNot(): string | null {
  if (process.platform !== 'linux') return 'not Linux'
  if (process.getuid?.() !== 0) return 'not running as root (sshd, useradd and the root-owned wrapper need it)'
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`
  for (const tool of ['ssh', 'ssh-keygen', 'useradd', 'userdel', 'usermod']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing`
  }
  const unsafe = findUnsafeFolder(WRAPPER_PARENT)
  if (unsafe) return `sshd would refuse a command under ${WRAPPER_PARENT}: ${unsafe}`
  return null
}

const reason = whyNot()
if (reason) {
  if (process.env.KEYSTEAD_REQUIRE_SSHD === '1') throw new Error(`The real-sshd test must run here (KEYSTEAD_REQUIRE_SSHD=1) but cannot: ${reason}`)
  console.warn(`sshd-login.test.ts skipped: ${reason}`)
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`)
  return result.stdout
}

describe.skipIf(reason !== null)('SSH logins through sshd with Keystead as AuthorizedKeysCommand', () => {
  const suffix = randomBytes(4).toString('hex').replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)
  const users = { main: `kst${suffix}`, other: `kso${suffix}` }
  const wrapperDir = join(WRAPPER_PARENT, `keystead-test-${suffix}`)
  const wrapper = join(wrapperDir, 'keystead-authorized-keys')
  let dir: ReturnType<typeof makeTempDir>
  let db: DB
  let services: Services
  let sshd: ChildProcess | null = null
  let sshdLog = ''
  let port = 0
  const accountIds: Record<string, number> = {}
  const made: string[] = []

  const keyFile = (name: string) => join(dir.path, 'client', name)
  const publicKeyOf = (name: string) => readFileSync(`${keyFile(name)}.pub`, 'utf8').trim()

  function login(user: string, key: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        'ssh',
        [
          '-i', keyFile(key), '-p', String(port),
          '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'StrictHostKeyChecking=no',
          '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=60',
          `${user}@127.0.0.1`, 'true',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      )
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stderr }))
    })
  }

  async function expectLogin(user: string, key: string, allowed: boolean): Promise<void> {
    const outcome = await login(user, key)
    if (allowed) expect(outcome, `${key} as ${user}; sshd said:\n${sshdLog.slice(-2000)}`).toEqual({ code: 0, stderr: '' })
    else {
      expect(outcome.code, `${key} as ${user} must be refused`).toBe(255)
      expect(outcome.stderr).toMatch(/Permission denied \(publickey\)/)
    }
  }

  beforeAll(async () => {
    dir = makeTempDir('keystead-sshd-')
    ;({ db, services } = await openTestServices(dir.path, () => Date.now()))
    for (const [role, name] of Object.entries(users)) {
      run('useradd', ['-m', '-s', '/bin/sh', name])
      made.push(name)
      // '*' (no password, key logins allowed), not '!' (locked: sshd refuses every login).
      run('usermod', ['-p', '*', name])
      accountIds[role] = (await services.accounts.createAccount({ username: name, password: 'correct horse 1' })).id
    }
    mkdirSync(join(dir.path, 'client'))
    for (const key of ['laptop', 'desk', 'expiring', 'other', 'unregistered']) run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', keyFile(key)])
    services.sshKeys.addKey(accountIds.main!, { title: 'laptop', publicKey: publicKeyOf('laptop') })
    services.sshKeys.addKey(accountIds.main!, { title: 'desk', publicKey: publicKeyOf('desk') })
    services.sshKeys.addKey(accountIds.main!, { title: 'expiring', publicKey: publicKeyOf('expiring'), expiresOn: '2099-12-31' })
    services.sshKeys.addKey(accountIds.other!, { title: 'other', publicKey: publicKeyOf('other') })

    // The wrapper, installed by the real command (as root: into a root-owned folder, mode 0755).
    mkdirSync(wrapperDir, { mode: 0o755 })
    const install = await runCli(dir.path, ['--json', 'ssh', 'install-command', '--path', wrapper, '--user', 'root', '--cache-dir', join(dir.path, 'compile-cache')])
    expect(install.code, install.stderr).toBe(0)
    const installed = JSON.parse(install.stdout) as { installed: boolean; sshdConfig: string }
    expect(installed.installed).toBe(true)
    expect(statSync(wrapper)).toMatchObject({ uid: 0, gid: 0 })
    expect(statSync(wrapper).mode & 0o777).toBe(0o755)

    port = await findFreePort()
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir.path, 'host_key')])
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
    const config = join(dir.path, 'sshd_config')
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir.path, 'host_key')}`,
        `PidFile ${join(dir.path, 'sshd.pid')}`,
        'AuthorizedKeysFile none',
        installed.sshdConfig.trim(),
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'PermitRootLogin no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    )
    run(SSHD, ['-t', '-f', config])
    sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start: ${sshdLog}`)), 30_000)
      sshd!.stderr!.setEncoding('utf8').on('data', (text: string) => {
        sshdLog += text
        if (sshdLog.includes('Server listening')) {
          clearTimeout(timer)
          resolve()
        }
      })
      sshd!.on('exit', (code) => reject(new Error(`sshd exited (${code}): ${sshdLog}`)))
    })
  }, 180_000)

  afterAll(() => {
    sshd?.kill('SIGTERM')
    for (const name of made) spawnSync('userdel', ['-r', name], { stdio: 'ignore' })
    rmSync(wrapperDir, { recursive: true, force: true })
    db?.close()
    dir?.remove()
  })

  it('the installed command line is the one the sshd_config lines name', () => {
    expect(readFileSync(wrapper, 'utf8')).toContain(`--data-dir '${dir.path}' ssh authorized-keys -- "$@"`)
  })

  it('logs in with a key registered in Keystead, and refuses a key of another account or no account', { timeout: 180_000 }, async () => {
    await expectLogin(users.main, 'laptop', true)
    await expectLogin(users.main, 'other', false)
    await expectLogin(users.main, 'unregistered', false)
    await expectLogin(users.other, 'other', true)
  })

  it('refuses a key once it is deleted in Keystead, at once', { timeout: 180_000 }, async () => {
    await expectLogin(users.main, 'desk', true)
    const desk = services.sshKeys.listKeys(accountIds.main!).find((key) => key.title === 'desk')!
    services.sshKeys.deleteKey(accountIds.main!, desk.id)
    await expectLogin(users.main, 'desk', false)
    await expectLogin(users.main, 'laptop', true)
  })

  it('refuses a key once it has expired', { timeout: 180_000 }, async () => {
    await expectLogin(users.main, 'expiring', true)
    // Time passing, in the database: the key's last valid day is now behind us.
    db.prepare("UPDATE ssh_keys SET expires_on = '2020-01-01' WHERE title = 'expiring'").run()
    await expectLogin(users.main, 'expiring', false)
  })

  it('refuses every key of an account while it is locked, and again once unlocked', { timeout: 180_000 }, async () => {
    services.administration.lockAccount({ kind: 'cli' }, accountIds.other!)
    await expectLogin(users.other, 'other', false)
    services.administration.unlockAccount({ kind: 'cli' }, accountIds.other!)
    await expectLogin(users.other, 'other', true)
  })

  it('refuses every key of an account once the account is deleted', { timeout: 180_000 }, async () => {
    await services.profile.deleteAccountAsAdmin(accountIds.other!, 'cli')
    await expectLogin(users.other, 'other', false)
  })
})
