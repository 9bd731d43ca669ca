import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../fixtures/run-cli.ts'
import type { CliRun } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/** `keystead log U --verify` and `tokens|ssh-keys list --expiring`, as child processes on a temp data directory. */
vi.setConfig({ testTimeout: 120_000 })
const PASSWORD = 'wonderland 1'
let dir: ReturnType<typeof makeTempDir>
let data: string

const cli = (args: string[], stdin?: string): Promise<CliRun> => runCli(data, args, { stdin })
const sql = (statement: string): string => execFileSync('sqlite3', [join(data, 'keystead.db'), statement], { encoding: 'utf8' })
const isoDay = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  dir = makeTempDir('keystead-cli-log-')
  data = join(dir.path, 'data')
  expect((await cli(['accounts', 'create', '--username', 'alice', '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0)
  const made = await Promise.all([
    cli(['tokens', 'create', 'alice', '--title', 'Soon', '--expires-on', isoDay(3)]),
    cli(['tokens', 'create', 'alice', '--title', 'Later', '--expires-on', isoDay(60)]),
    cli(['tokens', 'create', 'alice', '--title', 'Forever']),
  ])
  expect(made.map((run) => run.stderr)).toEqual(['', '', ''])
  const key = join(dir.path, 'k')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k@host', '-f', key])
  const key2 = join(dir.path, 'k2')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k2@host', '-f', key2])
  expect((await cli(['ssh-keys', 'add', 'alice', '--title', 'Laptop', '--key-file', `${key}.pub`, '--expires', isoDay(5)])).code).toBe(0)
  expect((await cli(['ssh-keys', 'add', 'alice', '--title', 'Desk', '--key-file', `${key2}.pub`])).code).toBe(0)
}, 120_000)
afterAll(() => dir.remove())

describe('keystead log --verify', () => {
  it('exits 0 on an intact log, in text and as JSON', async () => {
    const text = await cli(['log', 'alice', '--verify'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/^alice: all 6 entries are intact \(the head at entry 6 is authenticated\)\.\n$/)
    const json = await cli(['--json', 'log', 'alice', '--verify'])
    expect(JSON.parse(json.stdout)).toEqual({ account: 'alice', isIntact: true, count: 6, headPosition: 6, breaks: [] })
  })

  it('exits 1 and lists every break by position: a changed byte, a missing middle entry, a truncated tail', async () => {
    sql("UPDATE security_log SET detail = replace(detail, 'title', 'titlE') WHERE seq = 2")
    sql('DELETE FROM security_log WHERE seq = 4')
    sql('DELETE FROM security_log WHERE seq = 6')
    const json = await cli(['--json', 'log', 'alice', '--verify'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      isIntact: false,
      breaks: [
        { type: 'changed', position: 2, count: 1 },
        { type: 'missing', position: 4, to: 4 },
        { type: 'truncated', position: 6, to: 6 },
      ],
    })
    expect(JSON.parse(json.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'CONFLICT', reason: 'cli.logBroken' } })
    const text = await cli(['log', 'alice', '--verify'])
    expect(text.code).toBe(1)
    expect(text.stdout).toContain('entry 2: changed')
    expect(text.stdout).toContain('entries 4-4: missing')
    expect(text.stdout).toContain('entries 6-6: missing at the end (truncated tail)')
    expect(text.stderr).toContain('was changed outside Keystead (3 breaks)')
  })

  it('refuses --verify with --format (usage, exit 2)', async () => {
    expect((await cli(['log', 'alice', '--verify', '--format', 'csv'])).code).toBe(2)
  })
})

describe('list --expiring', () => {
  it('lists only tokens expiring within 7 days or expired in the last 7', async () => {
    const run = await cli(['--json', 'tokens', 'list', 'alice', '--expiring'])
    expect(run.code, run.stderr).toBe(0)
    expect((JSON.parse(run.stdout) as { tokens: Array<{ title: string }> }).tokens.map((t) => t.title)).toEqual(['Soon'])
    expect((JSON.parse((await cli(['--json', 'tokens', 'list', 'alice'])).stdout) as { tokens: unknown[] }).tokens).toHaveLength(3)
  })

  it('lists only SSH keys expiring within 7 days or expired in the last 7', async () => {
    const run = await cli(['--json', 'ssh-keys', 'list', 'alice', '--expiring'])
    expect(run.code, run.stderr).toBe(0)
    expect((JSON.parse(run.stdout) as { keys: Array<{ title: string }> }).keys.map((k) => k.title)).toEqual(['Laptop'])
    expect((await cli(['ssh-keys', 'list', 'nobody', '--expiring'])).code).toBe(1)
  })
})
