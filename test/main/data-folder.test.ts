import { spawn } from 'node:child_process'
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { DATA_FILE_MODE, openDatabase } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { migrations } from '../../src-main/db/migrations/index.ts'
import type { Logger } from '../../src-main/log.ts'
import { CLI_ENTRY } from '../fixtures/run-cli.ts'
import type { CliRun } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'

/**
 * Files only the owner can read: with umask 000 and a data folder that already exists 0755, every file
 * Keystead leaves in it (database, -wal, -shm, the before-migration copy, the key file) is 0600 and every
 * folder 0700, after create, serve and migrate; a folder others can write is refused; the copy taken
 * before a migration is wiped once the migrated file passes its quick check, and by account deletion.
 */
vi.setConfig({ testTimeout: 120_000 })
const PASSWORD = 'wonderland 1'
const BACKUP = 'keystead.db.before-migration'
let dir: ReturnType<typeof makeTempDir>
let data: string
let umask: number

beforeEach(() => {
  dir = makeTempDir('keystead-data-folder-')
  data = join(dir.path, 'data')
  umask = process.umask(0o000)
  mkdirSync(data, { mode: 0o755 })
  chmodSync(data, 0o755)
})
afterEach(() => {
  process.umask(umask)
  dir.remove()
})

/** Every entry below `root` (itself included) with its mode, e.g. `keystead.db 600`. */
function modes(root: string): string[] {
  const found = [`. ${(statSync(root).mode & 0o777).toString(8)}`]
  for (const name of readdirSync(root, { recursive: true }) as string[]) found.push(`${name} ${(statSync(join(root, name)).mode & 0o777).toString(8)}`)
  return found.sort()
}
function expectOwnerOnly(root: string): void {
  for (const line of modes(root)) {
    const [name, mode] = line.split(' ')
    const isFolder = statSync(join(root, name!)).isDirectory()
    expect(`${name} ${mode}`).toBe(`${name} ${isFolder ? '700' : '600'}`)
  }
}

/** The CLI as a child process started with umask 000 (through sh), the cheap test KDF on. */
function runCliWithUmask000(args: string[], stdin = '', onStdout?: (text: string, kill: () => void) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, CLI_ENTRY, '--data-dir', data, '--json', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KEYSTEAD_INSECURE_TEST_KDF: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      onStdout?.(stdout, () => child.kill('SIGTERM'))
    })
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

/** A database at schema 6 (before tokens' listing indexes) the way an older Keystead left it: 0644 files. */
async function makeOlderDatabase(): Promise<void> {
  const db = openDatabase(join(data, 'keystead.db'))
  await migrateDatabase(db, { migrations: migrations.filter((m) => m.version <= 6) })
  db.close()
  chmodSync(join(data, 'keystead.db'), 0o644)
}

describe('the data folder (umask 000, a folder that exists 0755)', () => {
  it('the app core: the folder is tightened with a warning; database, -wal, -shm and key file are 0600 after sign-up', async () => {
    const said: string[] = []
    const log: Logger = { info: (message) => said.push(message), error: (message) => said.push(`ERROR ${message}`) }
    const test = await startTestCore({ dataDir: data, log })
    expect(test.core.status().state).toBe('ready')
    expect(said.join('\n')).toContain('was readable by other users (mode 0755); it is now 0700')
    expect((await test.call(authChannels.createAccount, { username: 'alice', password: PASSWORD })).ok).toBe(true)
    expect(readdirSync(data)).toEqual(expect.arrayContaining(['keystead.db', 'keystead.db-wal', 'keystead.db-shm', 'keystead.key']))
    expectOwnerOnly(data)
    test.core.close()
  })

  it('a folder others can write to is refused with a clear message, and nothing is created in it', async () => {
    chmodSync(data, 0o777)
    const test = await startTestCore({ dataDir: data })
    expect(test.core.status()).toMatchObject({ state: 'error', code: 'DB_OPEN_FAILED' })
    const status = test.core.status() as { message: string }
    expect(status.message).toContain('can be written by other users (mode 0777)')
    expect(status.message).toContain(`chmod 700 '${data}'`)
    expect(readdirSync(data)).toEqual([])
    test.core.close()
    const cli = await runCliWithUmask000(['accounts', 'create', '--username', 'alice', '--password-stdin'], `${PASSWORD}\n`)
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain('can be written by other users')
    expect(readdirSync(data)).toEqual([])
  })

  it('the command line: create and serve leave only 0600 files and 0700 folders', async () => {
    const created = await runCliWithUmask000(['accounts', 'create', '--username', 'alice', '--password-stdin'], `${PASSWORD}\n`)
    expect(created.code, created.stderr).toBe(0)
    expect(created.stderr).toContain('it is now 0700')
    expectOwnerOnly(data)

    const served = await runCliWithUmask000(['serve', '--port', '0'], '', (stdout, kill) => {
      if (stdout.includes('"port"')) kill()
    })
    expect(served.stdout).toContain('"port"')
    expectOwnerOnly(data)
  })

  it('a migration by the command line: the copy is made 0600, then wiped once the migrated file passes its quick check', async () => {
    await makeOlderDatabase()
    chmodSync(data, 0o755)
    const listed = await runCliWithUmask000(['accounts', 'list'])
    expect(listed.code, listed.stderr).toBe(0)
    expect(existsSync(join(data, BACKUP))).toBe(false)
    expectOwnerOnly(data)
  })
})

describe('the electron-store files (settings, window state, kept session)', () => {
  it('are written 0600 under umask 000 by the store backend with the mode every store of the app passes', async () => {
    const { default: Conf } = await import('conf')
    const store = new Conf<Record<string, unknown>>({ projectName: 'keystead-test', cwd: data, configName: 'settings', configFileMode: DATA_FILE_MODE })
    store.set('theme', 'dark')
    expect(statSync(join(data, 'settings.json')).mode & 0o777).toBe(0o600)
    // Every electron-store the app makes in the data folder passes that mode (the Electron shell cannot run here).
    const shell = ['src-main/index.ts', 'src-main/platform/electron-platform.ts'].map((file) => readFileSync(join(import.meta.dirname, '../..', file), 'utf8')).join('\n')
    const stores = shell.match(/new Store[^(]*\(\{[^}]*\}\)/g) ?? []
    expect(stores).toHaveLength(3)
    for (const made of stores) expect(made).toContain('configFileMode: DATA_FILE_MODE')
  })
})

describe('keystead.db.before-migration', () => {
  it('is 0600 while it exists, and the first quick check wipes it (overwritten with zeros, then removed)', async () => {
    await makeOlderDatabase()
    const test = await startTestCore({ dataDir: data })
    expect(test.core.status().state).toBe('ready')
    const backup = join(data, BACKUP)
    expect(statSync(backup).mode & 0o777).toBe(0o600)
    // A second name for the same file shows what the wipe did to its content.
    const witness = join(dir.path, 'witness')
    linkSync(backup, witness)
    const size = statSync(witness).size
    expect(readFileSync(witness).some((byte) => byte !== 0)).toBe(true)
    expect((await test.core.checkIntegrity()).state).toBe('ready')
    expect(existsSync(backup)).toBe(false)
    expect(readFileSync(witness)).toEqual(Buffer.alloc(size))
    test.core.close()
  })

  it('deleting an account deletes it at once (it holds the account as it was)', async () => {
    await makeOlderDatabase()
    const test = await startTestCore({ dataDir: data })
    expect(existsSync(join(data, BACKUP))).toBe(true)
    expect((await test.call(authChannels.createAccount, { username: 'alice', password: PASSWORD })).ok).toBe(true)
    test.core.close()
    const deleted = await runCliWithUmask000(['accounts', 'delete', 'alice', '--yes'])
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(existsSync(join(data, BACKUP))).toBe(false)
  })

  it('a file at that path that is not a database does not break start-up', async () => {
    await makeOlderDatabase()
    writeFileSync(join(data, BACKUP), 'this is not a database\n')
    const test = await startTestCore({ dataDir: data })
    expect(test.core.status().state).toBe('ready')
    expect((await test.core.checkIntegrity()).state).toBe('ready')
    expect(existsSync(join(data, BACKUP))).toBe(false)
    test.core.close()
    // Also when no migration is due: the stray file is wiped by the quick check.
    writeFileSync(join(data, BACKUP), 'still not a database\n')
    const again = await startTestCore({ dataDir: data })
    expect(again.core.status().state).toBe('ready')
    expect((await again.core.checkIntegrity()).state).toBe('ready')
    expect(existsSync(join(data, BACKUP))).toBe(false)
    again.core.close()
  })
})
