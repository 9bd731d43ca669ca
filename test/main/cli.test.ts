import Database from 'better-sqlite3'
import type { Command } from 'commander'
import { execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { CliIO } from '../../src-main/cli/io.ts'
import { buildProgram, runCli as runProgram } from '../../src-main/cli/program.ts'
import { accountSchema, logEntrySchema, sessionSchema } from '../../src-main/http/schemas.ts'
import { CLI_ENTRY, runCli, queryDataDir } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * The `keystead` command line, run as a child process (node src-main/cli/main.ts)
 * against temp data directories. Each test states the exit code, the stdout/stderr
 * it expects and what the database holds afterwards.
 */
// Each process start costs 1-4 s on a busy 2-core machine; independent runs go in parallel.
vi.setConfig({ testTimeout: 90_000 })
const PASSWORD = 'wonderland 1'
let dir: ReturnType<typeof makeTempDir>
let data: string

const query = <T>(sql: string, ...params: unknown[]): T[] => queryDataDir<T>(data, sql, ...params)

function errorLine(stderr: string): string {
  const lines = stderr.trim().split('\n')
  return lines[lines.length - 1]!
}

beforeAll(async () => {
  dir = makeTempDir('keystead-cli-')
  data = join(dir.path, 'data')
  const created = await runCli(data, ['--json', 'accounts', 'create', '--username', 'alice', '--full-name', 'Alice Liddell', '--email', 'alice@example.com', '--password-stdin'], {
    stdin: `${PASSWORD}\n`,
  })
  expect(created.code, created.stderr).toBe(0)
}, 60_000)
afterAll(() => dir.remove())

describe('accounts', () => {
  it('create --json prints the account with its documented fields; the password is stored hashed only', async () => {
    const run = await runCli(data, ['--json', 'accounts', 'create', '--username', 'Bob', '--password-stdin'], { stdin: 'builder 123\n' })
    expect(run.code).toBe(0)
    const account = accountSchema.parse(JSON.parse(run.stdout))
    expect(Object.keys(JSON.parse(run.stdout)).sort()).toEqual(['createdAt', 'description', 'email', 'fullName', 'id', 'language', 'timezone', 'updatedAt', 'username'])
    expect(account).toMatchObject({ username: 'Bob', fullName: '', email: null })
    const [row] = query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE username_key = ?', 'bob')
    expect(row!.password_hash).toMatch(/^\$scrypt\$ln=10,/)
    expect(run.stdout + run.stderr).not.toContain('builder 123')
  })

  it('create --username 1abc exits 1 with the username rule and writes nothing (not even a database)', async () => {
    const fresh = join(dir.path, 'fresh')
    const run = await runCli(fresh, ['accounts', 'create', '--username', '1abc', '--password-stdin'], { stdin: `${PASSWORD}\n` })
    expect(run).toMatchObject({ code: 1, stdout: '' })
    expect(run.stderr).toBe('keystead: A username cannot begin with a digit.\n')
    expect(existsSync(fresh)).toBe(false)
    const json = await runCli(fresh, ['--json', 'accounts', 'create', '--username', '1abc', '--password-stdin'], { stdin: `${PASSWORD}\n` })
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'VALIDATION', message: 'A username cannot begin with a digit.', field: 'username', reason: 'username.noLeadingDigit' },
    })
  })

  it('refuses a taken username (any case), a weak password, a bad e-mail and an empty stdin, creating nothing', async () => {
    const before = query<{ n: number }>('SELECT count(*) AS n FROM accounts')[0]!.n
    const cases = await Promise.all([
      runCli(data, ['--json', 'accounts', 'create', '--username', 'ALICE', '--password-stdin'], { stdin: `${PASSWORD}\n` }),
      runCli(data, ['--json', 'accounts', 'create', '--username', 'carol', '--password-stdin'], { stdin: 'short1\n' }),
      runCli(data, ['--json', 'accounts', 'create', '--username', 'carol', '--email', 'not-an-address', '--password-stdin'], { stdin: `${PASSWORD}\n` }),
      runCli(data, ['--json', 'accounts', 'create', '--username', 'carol', '--password-stdin'], { stdin: '' }),
    ])
    expect(cases.map((run) => run.code)).toEqual([1, 1, 1, 1])
    expect(cases.map((run) => JSON.parse(errorLine(run.stderr)).error.reason)).toEqual(['username.taken', 'password.tooShort', 'email.invalid', 'cli.secretEmpty'])
    expect(query<{ n: number }>('SELECT count(*) AS n FROM accounts')[0]!.n).toBe(before)
  })

  it('never takes a secret from argv: --password is a usage error (exit 2), and so is a missing --password-stdin', async () => {
    const [withPassword, without] = await Promise.all([
      runCli(data, ['accounts', 'create', '--username', 'carol', '--password-stdin', '--password', 'x'], { stdin: `${PASSWORD}\n` }),
      runCli(data, ['--json', 'accounts', 'create', '--username', 'carol']),
    ])
    expect(withPassword.code).toBe(2)
    expect(withPassword.stderr).toMatch(/^keystead: unknown option '--password'/)
    expect(without.code).toBe(2)
    expect(JSON.parse(without.stderr)).toEqual({ error: { code: 'USAGE', message: "required option '--password-stdin' not specified (see --help)" } })
  })

  it('list and show print the documented JSON; an unknown name exits 1', async () => {
    const [list, show, missing] = await Promise.all([
      runCli(data, ['--json', 'accounts', 'list']),
      runCli(data, ['--json', 'accounts', 'show', 'ALICE']),
      runCli(data, ['--json', 'accounts', 'show', 'nobody']),
    ])
    expect(list.code).toBe(0)
    const accounts = JSON.parse(list.stdout).accounts as Array<{ id: number; username: string; fullName: string }>
    // The first fields as they always were; role, locked and mustChangePassword added after them (issue 15).
    expect(accounts.find((a) => a.username === 'alice')).toEqual({ id: 1, username: 'alice', fullName: 'Alice Liddell', role: 'administrator', locked: false, mustChangePassword: false })
    for (const account of accounts) expect(Object.keys(account)).toEqual(['id', 'username', 'fullName', 'role', 'locked', 'mustChangePassword'])
    expect(show.code).toBe(0)
    const shown = JSON.parse(show.stdout) as Record<string, unknown>
    expect(accountSchema.parse(shown)).toMatchObject({ id: 1, username: 'alice', email: 'alice@example.com' })
    expect(shown).toMatchObject({ role: 'administrator', locked: false, mustChangePassword: false })
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stderr).error).toMatchObject({ code: 'NOT_FOUND', reason: 'account.notFound' })
  })

  it('refuses to work on a data directory without Keystead data (exit 1), and creates none', async () => {
    const empty = join(dir.path, 'typo')
    const run = await runCli(empty, ['accounts', 'list'])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^keystead: There is no Keystead data in .*typo\./)
    expect(existsSync(join(empty, 'keystead.db'))).toBe(false)
  })
})

describe('signin, sessions and reset-password', () => {
  it('signin prints the session id; the session is recorded with origin cli; a wrong password exits 1', async () => {
    const good = await runCli(data, ['signin', 'alice', '--password-stdin'], { stdin: `${PASSWORD}\n` })
    expect(good.code).toBe(0)
    const sessionId = good.stdout.trim()
    expect(sessionId).toMatch(/^[0-9a-f]{24}$/)
    const json = await runCli(data, ['--json', 'signin', 'alice', '--password-stdin'], { stdin: `${PASSWORD}\n` })
    expect(Object.keys(JSON.parse(json.stdout)).sort()).toEqual(['account', 'expiresAt', 'sessionId'])
    const bad = await runCli(data, ['--json', 'signin', 'alice', '--password-stdin'], { stdin: 'wrong password 1\n' })
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stderr).error).toEqual({ code: 'INVALID_CREDENTIALS', message: 'The username or password is incorrect.', reason: 'signIn.invalid' })
    const list = await runCli(data, ['--json', 'sessions', 'list', 'alice'])
    const parsed = JSON.parse(list.stdout) as { account: string; sessions: unknown[] }
    expect(parsed.account).toBe('alice')
    const sessions = parsed.sessions.map((s) => sessionSchema.parse(s))
    expect(sessions.find((s) => s.id === sessionId)).toMatchObject({ origin: 'cli', keepSignedIn: false })
    expect(sessions.find((s) => s.id === sessionId)!.device.browser).toMatch(/^keystead CLI /)
  })

  // The tests put '--' before a session id, as a script may (a harmless habit: ids are 24 hex digits and never begin with '-').
  it('sessions revoke ends one session; revoke-others keeps one; unknown ids exit 1', async () => {
    const signIns = await Promise.all([1, 2, 3].map(() => runCli(data, ['signin', 'alice', '--password-stdin'], { stdin: `${PASSWORD}\n` })))
    const ids = signIns.map((run) => run.stdout.trim())
    const revoke = await runCli(data, ['--json', 'sessions', 'revoke', 'alice', '--', ids[0]!])
    expect(revoke.code).toBe(0)
    expect(JSON.parse(revoke.stdout)).toEqual({ account: 'alice', revoked: ids[0] })
    const [again, unknownKeep] = await Promise.all([
      runCli(data, ['--json', 'sessions', 'revoke', 'alice', '--', ids[0]!]),
      runCli(data, ['sessions', 'revoke-others', 'alice', 'no-such-session']),
    ])
    expect(again.code).toBe(1)
    expect(unknownKeep.code).toBe(1)
    expect(JSON.parse(again.stderr).error.reason).toBe('session.notFound')
    const others = await runCli(data, ['--json', 'sessions', 'revoke-others', 'alice', '--', ids[2]!])
    expect(others.code).toBe(0)
    const result = JSON.parse(others.stdout) as { sessionsEnded: number; kept: string }
    expect(result.kept).toBe(ids[2])
    expect(result.sessionsEnded).toBeGreaterThanOrEqual(1)
    expect(query<{ id: string }>('SELECT id FROM sessions WHERE account_id = 1').map((r) => r.id)).toEqual([ids[2]])
    expect(query<{ id: string }>('SELECT id FROM sessions WHERE account_id = 1')).toHaveLength(1)
  })

  it('reset-password signs out every session; the old password stops working; a weak one changes nothing', async () => {
    await runCli(data, ['signin', 'alice', '--password-stdin'], { stdin: `${PASSWORD}\n` })
    const hashBefore = query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE id = 1')[0]!.password_hash
    const weak = await runCli(data, ['--json', 'accounts', 'reset-password', 'alice', '--password-stdin'], { stdin: 'weakweak\n' })
    expect(weak.code).toBe(1)
    expect(JSON.parse(errorLine(weak.stderr)).error.reason).toBe('password.needsDigit')
    expect(query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE id = 1')[0]!.password_hash).toBe(hashBefore)

    const reset = await runCli(data, ['--json', 'accounts', 'reset-password', 'alice', '--password-stdin'], { stdin: 'looking glass 2\n' })
    expect(reset.code).toBe(0)
    expect(JSON.parse(reset.stdout)).toEqual({ account: 'alice', sessionsEnded: 2 })
    expect(query('SELECT id FROM sessions WHERE account_id = 1')).toHaveLength(0)
    const [old, fresh] = await Promise.all([
      runCli(data, ['signin', 'alice', '--password-stdin'], { stdin: `${PASSWORD}\n` }),
      runCli(data, ['signin', 'alice', '--password-stdin'], { stdin: 'looking glass 2\n' }),
    ])
    expect(old.code).toBe(1)
    expect(fresh.code).toBe(0)
    const kinds = query<{ kind: string; detail: string }>("SELECT kind, detail FROM security_log WHERE account_id = 1 AND kind = 'password.reset'")
    expect(kinds).toEqual([{ kind: 'password.reset', detail: '{"origin":"cli"}' }])
    const everything = query<{ detail: string; device: string }>('SELECT detail, device FROM security_log')
    expect(JSON.stringify(everything)).not.toMatch(/looking glass|wonderland/)
  })
})

describe('log and export', () => {
  it('log prints JSON entries, CSV with a header, and refuses a bad --limit or --format (exit 2)', async () => {
    const [json, csv, limited, badLimit, badFormat] = await Promise.all([
      runCli(data, ['--json', 'log', 'alice']),
      runCli(data, ['log', 'alice', '--format', 'csv', '--limit', '3']),
      runCli(data, ['log', 'alice', '--format', 'json', '--limit', '2']),
      runCli(data, ['log', 'alice', '--limit', '0']),
      runCli(data, ['log', 'alice', '--format', 'xml']),
    ])
    expect(json.code).toBe(0)
    const document = JSON.parse(json.stdout) as { account: string; entries: unknown[] }
    expect(document.account).toBe('alice')
    const entries = document.entries.map((entry) => logEntrySchema.parse(entry))
    expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['account.created', 'signin', 'signin.failed', 'session.revoked', 'password.reset']))
    expect(entries[entries.length - 1]!.kind).toBe('account.created')
    const lines = csv.stdout.trimEnd().split('\r\n')
    expect(lines[0]).toBe('id,at,kind,sessionId,device,detail')
    expect(lines).toHaveLength(4)
    expect(JSON.parse(limited.stdout).entries).toHaveLength(2)
    expect([badLimit.code, badFormat.code]).toEqual([2, 2])
    expect(badFormat.stderr).toMatch(/^keystead: option '--format <format>' argument 'xml' is invalid/)
  })

  it('export writes an owner-only JSON file without secrets and will not overwrite without --force', async () => {
    const file = join(dir.path, 'alice.json')
    const run = await runCli(data, ['--json', 'export', 'alice', '--file', file])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ account: 'alice', file })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const text = readFileSync(file, 'utf8')
    const exported = JSON.parse(text)
    expect(Object.keys(exported)).toEqual(['format', 'version', 'exportedAt', 'account', 'sessions', 'securityLog', 'profile', 'sshKeys', 'accessTokens', 'apiKey', 'twoFactor'])
    expect(exported).toMatchObject({ format: 'keystead-account-export', version: 1, account: { username: 'alice' } })
    expect(text).not.toMatch(/scrypt|password_hash|token_hash|passwordHash/)
    const again = await runCli(data, ['export', 'alice', '--file', file])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists')
    writeFileSync(file, 'old')
    expect((await runCli(data, ['export', 'alice', '--file', file, '--force'])).code).toBe(0)
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('keystead-account-export')
  })
})

describe('serve', () => {
  it('runs the local API on a loopback port until SIGTERM, accepting the account’s real API key', async () => {
    const revealed = await runCli(data, ['--json', 'api-key', 'show', 'alice', '--reveal'])
    const apiKey = (JSON.parse(revealed.stdout) as { apiKey: string }).apiKey
    const child = spawn(process.execPath, [CLI_ENTRY, '--data-dir', data, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    const started = await new Promise<{ address: string; port: number; openapi: string }>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        stdout += text
        try {
          resolve(JSON.parse(stdout))
        } catch {
          // wait for the rest of the document
        }
      })
      child.on('exit', (code) => reject(new Error(`serve exited ${code}`)))
    })
    expect(started.address).toBe(`http://127.0.0.1:${started.port}`)
    const spec = await fetch(started.openapi)
    expect(spec.status).toBe(200)
    expect(((await spec.json()) as { openapi: string }).openapi).toBe('3.1.1')
    const me = await fetch(`${started.address}/api/v2/users/me`, { headers: { authorization: 'Bearer nope' } })
    expect(me.status).toBe(401)
    const real = await fetch(`${started.address}/api/v2/users/me`, { headers: { authorization: `Bearer ${apiKey}` } })
    expect(real.status).toBe(200)
    expect(((await real.json()) as { username: string }).username).toBe('alice')
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 30_000)

  it('refuses a non-loopback host (exit 1) and a port below 1024 (exit 2)', async () => {
    const [host, port] = await Promise.all([runCli(data, ['serve', '--host', '0.0.0.0', '--port', '0']), runCli(data, ['serve', '--port', '80'])])
    expect(host.code).toBe(1)
    expect(host.stderr).toBe('keystead: The local API listens on 127.0.0.1 (or ::1) only.\n')
    expect(port.code).toBe(2)
  })
})

describe('usage, help and a busy database', () => {
  const commands = [
    [],
    ['accounts'],
    ['accounts', 'create'],
    ['accounts', 'list'],
    ['accounts', 'show'],
    ['accounts', 'reset-password'],
    ['accounts', 'promote'],
    ['accounts', 'demote'],
    ['accounts', 'lock'],
    ['accounts', 'unlock'],
    ['accounts', 'require-password-change'],
    ['accounts', 'delete'],
    ['signin'],
    ['2fa'],
    ['2fa', 'enroll'],
    ['2fa', 'confirm'],
    ['2fa', 'disable'],
    ['2fa', 'reset'],
    ['2fa', 'regenerate-codes'],
    ['2fa', 'status'],
    ['ssh-keys'],
    ['ssh-keys', 'add'],
    ['ssh-keys', 'list'],
    ['ssh-keys', 'remove'],
    ['ssh-keys', 'export'],
    ['ssh'],
    ['ssh', 'authorized-keys'],
    ['ssh', 'map'],
    ['ssh', 'unmap'],
    ['ssh', 'same-name'],
    ['ssh', 'install-command'],
    ['tokens'],
    ['tokens', 'create'],
    ['tokens', 'list'],
    ['tokens', 'enable'],
    ['tokens', 'disable'],
    ['tokens', 'delete'],
    ['tokens', 'verify'],
    ['api-key'],
    ['api-key', 'show'],
    ['api-key', 'regenerate'],
    ['sessions'],
    ['sessions', 'list'],
    ['sessions', 'revoke'],
    ['sessions', 'revoke-others'],
    ['log'],
    ['export'],
    ['serve'],
    ['backup'],
    ['backup', 'create'],
    ['backup', 'verify'],
    ['backup', 'restore'],
    ['backup', 'key'],
    ['backup', 'key', 'create'],
  ]
  // In-process (the same runCli the binary calls) to spare ~14 process starts; one child-process run checks the binary.
  function memoryIO(): CliIO & { out: string; err: string } {
    const io = {
      out: '',
      err: '',
      writeOut: (text: string) => void (io.out += text),
      writeErr: (text: string) => void (io.err += text),
      readStdinLine: async () => '',
      readHiddenLine: async () => '',
      readStdinAll: async () => '',
      stdinIsTTY: false,
      env: {},
      waitForStop: async () => 'SIGTERM',
    }
    return io
  }

  it('--help works on every command (exit 0, usage on stdout), and the list above names every command', async () => {
    const listed = new Set(commands.map((c) => c.join(' ')))
    const walk = (command: Command, path: string[]): string[] =>
      command.commands.flatMap((sub) => [[...path, sub.name()].join(' '), ...walk(sub, [...path, sub.name()])])
    for (const name of walk(buildProgram(memoryIO()), [])) expect(listed.has(name), name).toBe(true)
    for (const command of commands) {
      const io = memoryIO()
      expect(await runProgram([...command, '--help'], io), command.join(' ')).toBe(0)
      expect(io.out).toContain(`Usage: keystead${command.length ? ' ' + command.join(' ') : ''}`)
      expect(io.err).toBe('')
    }
    const child = await runCli(null, ['sessions', 'revoke', '--help'])
    expect(child.code).toBe(0)
    expect(child.stdout).toContain('Usage: keystead sessions revoke [options] <username> <id>')
  })

  it('no command, an unknown command and extra arguments are usage errors (exit 2, one line)', async () => {
    const outcomes = []
    for (const argv of [[], ['frobnicate'], ['accounts', 'list', 'surplus'], ['--json', 'log', 'alice', '--limit', 'x']]) {
      const io = memoryIO()
      outcomes.push({ code: await runProgram(argv, io), err: io.err })
    }
    expect(outcomes.map((o) => o.code)).toEqual([2, 2, 2, 2])
    expect(outcomes[1]!.err).toBe("keystead: unknown command 'frobnicate' (see --help)\n")
    for (const outcome of outcomes) expect(outcome.err.trim().split('\n')).toHaveLength(1)
    expect(JSON.parse(outcomes[3]!.err).error.code).toBe('USAGE')
    const child = await runCli(data, ['frobnicate'])
    expect(child.code).toBe(2)
  })

  it('waits for another writer, and says so clearly (never "database is locked") when it waits too long', async () => {
    const holder = new Database(join(data, 'keystead.db'))
    holder.exec('BEGIN IMMEDIATE')
    const tooLong = await runCli(data, ['--json', 'accounts', 'create', '--username', 'dave', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
      env: { KEYSTEAD_BUSY_TIMEOUT_MS: '300' },
    })
    expect(tooLong.code).toBe(1)
    const error = JSON.parse(errorLine(tooLong.stderr)).error
    expect(error.code).toBe('BUSY')
    expect(error.message).toContain('try again')
    expect(tooLong.stderr).not.toMatch(/database is locked/i)
    const waiting = runCli(data, ['--json', 'accounts', 'create', '--username', 'dave', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
      env: { KEYSTEAD_BUSY_TIMEOUT_MS: '20000' },
    })
    setTimeout(() => {
      holder.exec('COMMIT')
      holder.close()
    }, 1500)
    const waited = await waiting
    expect(waited.code, waited.stderr).toBe(0)
    expect(JSON.parse(waited.stdout).username).toBe('dave')
  }, 60_000)
})

describe('a password typed on a terminal', () => {
  it('is not echoed (raw mode), and is the password that was set; --password-stdin from a pipe still works', async () => {
    const typed = 'typed on a tty 7'
    const data = join(dir.path, 'tty')
    const args = [join(import.meta.dirname, '../fixtures/pty-run.py'), 'Password (', typed, '--', process.execPath, CLI_ENTRY, '--data-dir', data, 'accounts', 'create', '--username', 'ttyuser', '--password-stdin']
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KEYSTEAD_INSECURE_TEST_KDF: '1' }
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile('python3', args, { encoding: 'utf8', env, timeout: 90_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? ((error.code as number | undefined) ?? null) : 0, stdout, stderr }),
      ),
    )
    expect(run.status, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain('Password (not shown while you type; press Enter): ')
    expect(run.stdout).toContain('ttyuser')
    expect(run.stdout).not.toContain(typed)
    const signedIn = await runCli(data, ['--json', 'signin', 'ttyuser', '--password-stdin'], { stdin: `${typed}\n` })
    expect(signedIn.code, signedIn.stderr).toBe(0)
  })
})
