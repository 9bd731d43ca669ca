import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { cliOutput, cliRefusal, createCliJsonHarness } from '../fixtures/cli-json.ts'
import { runCli } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/** The administration commands of issue 15, run as child processes: --json, exit codes, the security log. */
vi.setConfig({ testTimeout: 120_000 })
const PASSWORD = 'wonderland 1'
let dir: ReturnType<typeof makeTempDir>
let data: string

const { cli, query } = createCliJsonHarness(() => data)
const out = cliOutput
const refusal = cliRefusal

beforeAll(async () => {
  dir = makeTempDir('keystead-cli-roles-')
  data = join(dir.path, 'data')
  for (const name of ['alice', 'bob']) {
    const created = await runCli(data, ['accounts', 'create', '--username', name, '--password-stdin'], { stdin: `${PASSWORD}\n` })
    expect(created.code, created.stderr).toBe(0)
  }
}, 90_000)
afterAll(() => dir.remove())

describe('accounts promote / demote', () => {
  it('the first account is the administrator; the last one cannot be demoted (exit 1, nothing changes)', async () => {
    expect(query('SELECT username, role FROM accounts ORDER BY id')).toEqual([
      { username: 'alice', role: 'administrator' },
      { username: 'bob', role: 'member' },
    ])
    expect(refusal(await cli(['accounts', 'demote', 'alice']))).toMatchObject({ code: 'CONFLICT', reason: 'admin.lastDemote' })
    expect(out(await cli(['accounts', 'promote', 'bob']))).toEqual({ account: 'bob', role: 'administrator', locked: false, mustChangePassword: false })
    expect(out(await cli(['accounts', 'demote', 'bob']))).toMatchObject({ account: 'bob', role: 'member' })
    expect(query("SELECT kind, detail FROM security_log WHERE kind = 'account.roleChanged' ORDER BY id")).toEqual([
      { kind: 'account.roleChanged', detail: JSON.stringify({ role: 'administrator', previousRole: 'member', origin: 'cli' }) },
      { kind: 'account.roleChanged', detail: JSON.stringify({ role: 'member', previousRole: 'administrator', origin: 'cli' }) },
    ])
    expect(refusal(await cli(['accounts', 'promote']), 2).code).toBe('USAGE')
    expect(refusal(await cli(['accounts', 'promote', 'nobody'])).reason).toBe('account.notFound')
  })
})

describe('accounts lock / unlock and tokens verify', () => {
  it("refuses a locked account's API key in `tokens verify` until it is unlocked", async () => {
    const key = out<{ apiKey: string }>(await cli(['api-key', 'show', 'bob', '--reveal'])).apiKey
    expect(out(await cli(['tokens', 'verify', '--token-stdin'], `${key}\n`))).toMatchObject({ valid: true, account: 'bob' })
    expect(out(await cli(['accounts', 'lock', 'bob']))).toMatchObject({ account: 'bob', locked: true, sessionsEnded: 0 })
    expect(refusal(await cli(['tokens', 'verify', '--token-stdin'], `${key}\n`))).toMatchObject({ code: 'INVALID_CREDENTIALS', reason: 'credential.locked' })
    expect(refusal(await cli(['accounts', 'lock', 'alice']))).toMatchObject({ reason: 'admin.lastLock' })
    expect(out(await cli(['accounts', 'unlock', 'bob']))).toMatchObject({ account: 'bob', locked: false })
    expect(out(await cli(['tokens', 'verify', '--token-stdin'], `${key}\n`))).toMatchObject({ valid: true })
  })

  it('require-password-change sets the flag; 2fa reset turns 2FA off and is logged', async () => {
    expect(out(await cli(['accounts', 'require-password-change', 'bob']))).toMatchObject({ account: 'bob', mustChangePassword: true })
    // show and list print the role, locked and the required change (text and --json).
    const [show, list, text, table] = await Promise.all([
      cli(['accounts', 'show', 'bob']),
      cli(['accounts', 'list']),
      runCli(data, ['accounts', 'show', 'alice']),
      runCli(data, ['accounts', 'list']),
    ])
    expect(out(show)).toMatchObject({ username: 'bob', role: 'member', locked: false, mustChangePassword: true })
    expect(out<{ accounts: unknown[] }>(list).accounts).toEqual([
      { id: 1, username: 'alice', fullName: '', role: 'administrator', locked: false, mustChangePassword: false },
      { id: 2, username: 'bob', fullName: '', role: 'member', locked: false, mustChangePassword: true },
    ])
    expect(text.stdout).toMatch(/^Role: {7}administrator$/m)
    expect(text.stdout).toMatch(/^Locked: {5}no$/m)
    expect(text.stdout).toMatch(/^Must change password: no$/m)
    expect(table.stdout.split('\n')[0]).toMatch(/^USERNAME\s+FULL NAME\s+ID\s+ROLE\s+LOCKED$/)
    expect(table.stdout).toMatch(/^bob\s+2\s+member\s+no$/m)
    expect(out(await cli(['2fa', 'reset', 'bob']))).toEqual({ account: 'bob', enabled: false, wasEnabled: false })
    expect(query<{ detail: string }>("SELECT detail FROM security_log WHERE kind = 'twofactor.reset'")).toEqual([{ detail: JSON.stringify({ wasEnabled: false, origin: 'cli' }) }])
  })
})
