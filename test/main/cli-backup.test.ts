import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli, queryDataDir } from '../fixtures/run-cli.ts'
import type { CliRun } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/** `keystead backup ...` as child processes against temp data folders, --json checked, refusals change nothing. */
vi.setConfig({ testTimeout: 120_000 })
const PASSWORD = 'wonderland 1'
const PASSPHRASE = 'a long backup passphrase'
let dir: ReturnType<typeof makeTempDir>
let data: string
let fresh: string

const out = <T = Record<string, unknown>>(run: CliRun): T => {
  expect(run.code, run.stderr).toBe(0)
  return JSON.parse(run.stdout) as T
}
const refusal = (run: CliRun, code = 1): { code: string; reason?: string; message: string } => {
  expect(run.code, run.stdout + run.stderr).toBe(code)
  expect(run.stdout).toBe('')
  const lines = run.stderr.trim().split('\n')
  return (JSON.parse(lines[lines.length - 1]!) as { error: { code: string; reason?: string; message: string } }).error
}
const usernames = (folder: string): string[] => queryDataDir<{ username: string }>(folder, 'SELECT username FROM accounts ORDER BY username').map((row) => row.username)

beforeAll(async () => {
  dir = makeTempDir('keystead-cli-backup-')
  data = join(dir.path, 'data')
  fresh = join(dir.path, 'fresh')
  for (const username of ['alice', 'bob']) out(await runCli(data, ['--json', 'accounts', 'create', '--username', username, '--password-stdin'], { stdin: `${PASSWORD}\n` }))
})
afterAll(() => dir.remove())

describe('keystead backup', () => {
  const file = (): string => join(dir.path, 'one.age')
  const keyFile = (): string => join(dir.path, 'backup-key.txt')

  it('key create writes an identity 0600 and prints its recipient; age-keygen -y agrees', async () => {
    const made = out<{ identityFile: string; recipient: string }>(await runCli(null, ['--json', 'backup', 'key', 'create', '--out', keyFile()]))
    expect(made.identityFile).toBe(keyFile())
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600)
    expect(execFileSync('age-keygen', ['-y', keyFile()], { encoding: 'utf8' }).trim()).toBe(made.recipient)
    // Never replaced without --force.
    expect(refusal(await runCli(null, ['--json', 'backup', 'key', 'create', '--out', keyFile()]))).toMatchObject({
      reason: 'secretFile.exists',
      message: `${keyFile()} already exists; choose another file or add --force.`,
    })
  })

  it('create (passphrase), verify, and the manifest counts', async () => {
    const made = out<{ file: string; manifest: { counts: { accounts: number }; format: string } }>(
      await runCli(data, ['--json', 'backup', 'create', '--out', file(), '--passphrase-stdin'], { stdin: `${PASSPHRASE}\n` }),
    )
    expect(made.manifest).toMatchObject({ format: 'keystead-backup', counts: { accounts: 2 } })
    expect(statSync(file()).mode & 0o777).toBe(0o600)
    const verified = out<{ ok: boolean; manifest: unknown }>(await runCli(null, ['--json', 'backup', 'verify', file(), '--passphrase-stdin'], { stdin: `${PASSPHRASE}\n` }))
    expect(verified).toMatchObject({ ok: true, manifest: made.manifest })
    expect(refusal(await runCli(null, ['--json', 'backup', 'verify', file(), '--passphrase-stdin'], { stdin: 'wrong passphrase!\n' })).reason).toBe('backup.wrongPassphrase')
  })

  it('create to a recipient; restore into an empty folder with the identity (moving to a new computer)', async () => {
    const recipient = execFileSync('age-keygen', ['-y', keyFile()], { encoding: 'utf8' }).trim()
    const keyed = join(dir.path, 'keyed.age')
    out(await runCli(data, ['--json', 'backup', 'create', '--out', keyed, '--recipient', recipient]))
    expect(execFileSync('sh', ['-c', `age -d -i "${keyFile()}" "${keyed}" | tar -tf -`], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.json', 'data-key', 'keystead.db'])
    const restored = out<{ restored: boolean; replacedExisting: boolean }>(await runCli(fresh, ['--json', 'backup', 'restore', keyed, '--identity', keyFile()]))
    expect(restored).toMatchObject({ restored: true, replacedExisting: false })
    expect(usernames(fresh)).toEqual(['alice', 'bob'])
    out(await runCli(fresh, ['--json', 'signin', 'alice', '--password-stdin'], { stdin: `${PASSWORD}\n` }))
  })

  it('restore over data needs --yes; refusals change nothing', async () => {
    out(await runCli(fresh, ['--json', 'accounts', 'create', '--username', 'carol', '--password-stdin'], { stdin: `${PASSWORD}\n` }))
    const before = readFileSync(join(fresh, 'keystead.db'))
    expect(refusal(await runCli(fresh, ['--json', 'backup', 'restore', file(), '--passphrase-stdin'], { stdin: `${PASSPHRASE}\n` })).reason).toBe('backup.confirmRequired')
    expect(refusal(await runCli(fresh, ['--json', 'backup', 'restore', file(), '--yes', '--identity', keyFile()])).reason).toBe('backup.needsPassphrase')
    expect(readFileSync(join(fresh, 'keystead.db')).equals(before)).toBe(true)
    const done = out<{ replacedExisting: boolean }>(await runCli(fresh, ['--json', 'backup', 'restore', file(), '--yes', '--passphrase-stdin'], { stdin: `${PASSPHRASE}\n` }))
    expect(done.replacedExisting).toBe(true)
    expect(usernames(fresh)).toEqual(['alice', 'bob'])
  })

  it('restore keeps the data folder rules: a folder others can write to is refused, a refused restore leaves no new folder', async () => {
    const open = join(dir.path, 'open-to-all')
    mkdirSync(open)
    chmodSync(open, 0o777)
    const refused = refusal(await runCli(open, ['--json', 'backup', 'restore', file(), '--passphrase-stdin'], { stdin: `${PASSPHRASE}\n` }))
    expect(refused.code).toBe('DB_OPEN_FAILED')
    expect(refused.message).toContain('chmod 700')
    expect(readdirSync(open)).toEqual([])
    const typo = join(dir.path, 'no-such-folder')
    expect(refusal(await runCli(typo, ['--json', 'backup', 'restore', file(), '--passphrase-stdin'], { stdin: 'wrong passphrase!\n' })).reason).toBe('backup.wrongPassphrase')
    expect(existsSync(typo)).toBe(false)
  })

  it('refuses bad options and inputs with exit codes 1 and 2', async () => {
    expect(refusal(await runCli(data, ['--json', 'backup', 'create', '--out', join(dir.path, 'x.age')]), 2).code).toBe('USAGE')
    expect(refusal(await runCli(data, ['--json', 'backup', 'create', '--out', join(dir.path, 'x.age'), '--passphrase-stdin', '--recipient', 'age1x']), 2).code).toBe('USAGE')
    expect(refusal(await runCli(data, ['--json', 'backup', 'create', '--out', join(dir.path, 'x.age'), '--recipient', 'age1notarecipient'])).reason).toBe('backup.recipientInvalid')
    expect(refusal(await runCli(data, ['--json', 'backup', 'create', '--out', join(dir.path, 'x.age'), '--passphrase-stdin'], { stdin: 'short\n' })).reason).toBe('backup.passphraseTooShort')
    writeFileSync(join(dir.path, 'not-a-key.txt'), 'hello\n')
    expect(refusal(await runCli(null, ['--json', 'backup', 'verify', file(), '--identity', join(dir.path, 'not-a-key.txt')])).reason).toBe('backup.identityInvalid')
    expect(refusal(await runCli(data, ['--json', 'backup', 'create', '--out', file(), '--passphrase-stdin'], { stdin: `${PASSPHRASE}\n` }))).toMatchObject({
      reason: 'secretFile.exists',
      message: `${file()} already exists; choose another file or add --force.`,
    })
    expect(existsSync(join(dir.path, 'x.age'))).toBe(false)
  })
})
