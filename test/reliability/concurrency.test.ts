import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import { CLI_ENTRY, runCli } from '../fixtures/run-cli.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * Concurrency: three processes write the same data folder at once for KEYSTEAD_CONCURRENCY_SECONDS
 * (30 by default; `npm test` uses fewer):
 * - the app: the real app core in a child process (concurrency-app.ts) calling the IPC channels
 *   (create and disable tokens, add SSH keys, sign in more windows, edit the profile);
 * - the command line: `keystead ... --json` processes, one after another (create and disable
 *   tokens, sign in, add SSH keys);
 * - the local API: `keystead serve` in its own process, with two client loops (add and delete
 *   SSH keys, PATCH the profile).
 * Every write is designed to succeed, so any refusal at all is a failure, and no SQLITE_BUSY,
 * "database is locked" or BUSY may reach a caller. Afterwards each table's rows (told apart by
 * title prefix or session origin) and each security-log kind equal the successes the actors
 * reported, and `PRAGMA integrity_check` says ok.
 */
const SECONDS = Number(process.env.KEYSTEAD_CONCURRENCY_SECONDS ?? 30)
const OWNER = { username: 'busyOwner', password: 'concurrent password 5' }
const APP_ACTOR = join(import.meta.dirname, 'concurrency-app.ts')
const CHILD_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KEYSTEAD_INSECURE_TEST_KDF: '1' }
const LOCK_ERROR = /SQLITE_BUSY|SQLITE_LOCKED|database is locked|\bBUSY\b/i

type Actor = 'app' | 'cli' | 'api'
const successes: Record<Actor, Record<string, number>> = { app: {}, cli: {}, api: {} }
const failures: Array<{ actor: Actor; kind: string; error: string }> = []
const attempts: Record<Actor, number> = { app: 0, cli: 0, api: 0 }

function record(actor: Actor, kind: string, error: string | null): void {
  attempts[actor]++
  if (error === null) successes[actor][kind] = (successes[actor][kind] ?? 0) + 1
  else failures.push({ actor, kind, error: error.slice(0, 500) })
}
const count = (actor: Actor, kind: string) => successes[actor][kind] ?? 0

let dir: ReturnType<typeof makeTempDir>
let apiKey: string
const children: ChildProcess[] = []

beforeAll(async () => {
  dir = makeTempDir('keystead-concurrency-')
  const created = await runCli(dir.path, ['--json', 'accounts', 'create', '--username', OWNER.username, '--password-stdin'], { stdin: `${OWNER.password}\n` })
  expect(created.code, created.stderr).toBe(0)
  const revealed = await runCli(dir.path, ['--json', 'api-key', 'show', OWNER.username, '--reveal'])
  expect(revealed.code, revealed.stderr).toBe(0)
  apiKey = (JSON.parse(revealed.stdout) as { apiKey: string }).apiKey
})
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  dir.remove()
})

/** `keystead serve --port 0` in its own process; resolves once it printed its address. */
function startApiServer(): Promise<{ child: ChildProcess; address: string; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI_ENTRY, '--data-dir', dir.path, '--json', 'serve', '--port', '0'], { env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      try {
        resolve({ child, address: (JSON.parse(stdout) as { address: string }).address, stderr: () => stderr })
      } catch {
        // the rest of the document is on its way
      }
    })
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)))
  })
}

/** The app core in a child process; resolves once it signed in, and again (`finished`) when it is done. */
function startAppActor(): Promise<{ finished: Promise<void> }> {
  const child = spawn(process.execPath, [APP_ACTOR, dir.path, OWNER.username, OWNER.password, String(SECONDS)], { env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let buffer = ''
  let stderr = ''
  let finishedCleanly = false
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  return new Promise((resolveReady, rejectReady) => {
    const finished = new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => (code === 0 && finishedCleanly ? resolve() : reject(new Error(`the app actor exited ${code}: ${stderr}`))))
    })
    child.on('exit', () => rejectReady(new Error(`the app actor exited early: ${stderr}`)))
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      buffer += text
      const lines = buffer.split('\n')
      buffer = lines.pop()!
      for (const line of lines) {
        const report = JSON.parse(line) as { ready?: true; finished?: true; kind?: string; ok?: boolean; error?: unknown; logged?: string; message?: string; detail?: string }
        if (report.ready) resolveReady({ finished })
        else if (report.finished) finishedCleanly = true
        else if (report.logged) failures.push({ actor: 'app', kind: 'log', error: `${report.message}: ${report.detail}` })
        else record('app', report.kind!, report.ok ? null : JSON.stringify(report.error))
      }
    })
  })
}

/** One CLI process after another until the deadline. */
async function cliLoop(deadline: number): Promise<void> {
  const ownTokens: number[] = []
  let seq = 0
  const kinds = ['token', 'session', 'sshKey', 'tokenDisable'] as const
  while (Date.now() < deadline) {
    const kind = kinds[seq % kinds.length]!
    seq++
    let args: string[]
    let stdin = ''
    switch (kind) {
      case 'token':
        args = ['tokens', 'create', OWNER.username, '--title', `cli-${seq}`]
        break
      case 'session':
        args = ['signin', OWNER.username, '--password-stdin']
        stdin = `${OWNER.password}\n`
        break
      case 'sshKey':
        args = ['ssh-keys', 'add', OWNER.username, '--title', `cli-${seq}`, '--key-stdin']
        stdin = `${buildEd25519Line(`cli-${seq}@concurrency`)}\n`
        break
      case 'tokenDisable': {
        const id = ownTokens.shift()
        if (id === undefined) continue
        args = ['tokens', 'disable', OWNER.username, String(id)]
        break
      }
    }
    const run = await runCli(dir.path, ['--json', ...args], { stdin })
    if (run.code === 0) {
      if (kind === 'token') ownTokens.push((JSON.parse(run.stdout) as { summary: { id: number } }).summary.id)
      record('cli', kind, null)
    } else {
      record('cli', kind, `exit ${run.code}: ${run.stderr.trim()}`)
    }
  }
}

/** A client of the local API, with keep-alive (fetch's default), until the deadline. */
async function apiLoop(address: string, name: string, deadline: number): Promise<void> {
  const ownKeys: number[] = []
  let seq = 0
  const kinds = ['sshKey', 'profile', 'sshKey', 'sshKeyDelete'] as const
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }
  while (Date.now() < deadline) {
    const kind = kinds[seq % kinds.length]!
    seq++
    let response: Response
    try {
      switch (kind) {
        case 'sshKey': {
          const title = `api-${name}${seq}`
          response = await fetch(`${address}/api/v2/users/me/ssh-keys`, { method: 'POST', headers, body: JSON.stringify({ title, publicKey: buildEd25519Line(`${title}@concurrency`) }) })
          if (response.status === 201) ownKeys.push(((await response.clone().json()) as { id: number }).id)
          break
        }
        case 'profile':
          response = await fetch(`${address}/api/v2/users/me`, { method: 'PATCH', headers, body: JSON.stringify({ fullName: `api edit ${name}${seq}` }) })
          break
        case 'sshKeyDelete': {
          const id = ownKeys.shift()
          if (id === undefined) continue
          response = await fetch(`${address}/api/v2/users/me/ssh-keys/${id}`, { method: 'DELETE', headers })
          break
        }
      }
      const text = await response.text()
      record('api', kind, response.ok ? null : `${response.status}: ${text}`)
    } catch (error) {
      record('api', kind, `request failed: ${(error as Error).message}`)
    }
  }
}

it(`the app, the CLI and the local API write the same file for ${SECONDS} s: no lock error reaches anyone, the counts add up`, async () => {
  const started = Date.now()
  const api = await startApiServer()
  const app = await startAppActor()
  const deadline = Date.now() + SECONDS * 1000
  await Promise.all([app.finished, cliLoop(deadline), apiLoop(api.address, 'a', deadline), apiLoop(api.address, 'b', deadline)])
  const apiExit = new Promise<number | null>((resolve) => api.child.on('exit', (code) => resolve(code)))
  api.child.kill('SIGTERM')
  expect(await apiExit).toBe(0)
  // The API process logs a failed request (a 500) on stderr.
  if (api.stderr().trim()) failures.push({ actor: 'api', kind: 'log', error: api.stderr().trim().slice(0, 500) })

  const lockErrors = failures.filter((f) => LOCK_ERROR.test(f.error))
  expect(lockErrors, 'lock errors that reached a caller').toEqual([])
  expect(failures, 'refused writes (every write here is valid)').toEqual([])

  const db = openDatabase(join(dir.path, 'keystead.db'))
  try {
    expect((db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check)).toEqual(['ok'])
    const one = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n
    const tokens = (prefix: string) => one("SELECT count(*) AS n FROM access_tokens WHERE title LIKE ? || '-%'", prefix)
    const disabled = (prefix: string) => one("SELECT count(*) AS n FROM access_tokens WHERE is_enabled = 0 AND title LIKE ? || '-%'", prefix)
    const keys = (prefix: string) => one("SELECT count(*) AS n FROM ssh_keys WHERE title LIKE ? || '-%'", prefix)
    const sessions = (origin: string) => one('SELECT count(*) AS n FROM sessions WHERE origin = ?', origin)
    const logged = (kind: string) => one('SELECT count(*) AS n FROM security_log WHERE kind = ?', kind)
    const actual = {
      appTokens: tokens('app'),
      cliTokens: tokens('cli'),
      appDisabled: disabled('app'),
      cliDisabled: disabled('cli'),
      appKeys: keys('app'),
      cliKeys: keys('cli'),
      apiKeys: keys('api'),
      appSessions: sessions('app'),
      cliSessions: sessions('cli'),
      appProfileEdits: logged('profile.updated'),
      apiProfileEdits: logged('account.contactUpdated'),
      tokensCreatedLogged: logged('token.created'),
      tokensDisabledLogged: logged('token.disabled'),
      keysAddedLogged: logged('sshKey.added'),
      keysRemovedLogged: logged('sshKey.removed'),
      signInsLogged: logged('signin'),
    }
    const expected = {
      appTokens: count('app', 'token'),
      cliTokens: count('cli', 'token'),
      appDisabled: count('app', 'tokenDisable'),
      cliDisabled: count('cli', 'tokenDisable'),
      appKeys: count('app', 'sshKey'),
      cliKeys: count('cli', 'sshKey'),
      apiKeys: count('api', 'sshKey') - count('api', 'sshKeyDelete'),
      appSessions: count('app', 'session'),
      cliSessions: count('cli', 'session'),
      appProfileEdits: count('app', 'profile'),
      apiProfileEdits: count('api', 'profile'),
      tokensCreatedLogged: count('app', 'token') + count('cli', 'token'),
      tokensDisabledLogged: count('app', 'tokenDisable') + count('cli', 'tokenDisable'),
      keysAddedLogged: count('app', 'sshKey') + count('cli', 'sshKey') + count('api', 'sshKey'),
      keysRemovedLogged: count('api', 'sshKeyDelete'),
      signInsLogged: count('app', 'session') + count('cli', 'session'),
    }
    expect(actual).toEqual(expected)
    // Every actor did a fair share of each kind of write.
    for (const [actor, kinds] of [
      ['app', ['token', 'sshKey', 'session', 'profile', 'tokenDisable']],
      ['cli', ['token', 'session', 'sshKey']],
      ['api', ['sshKey', 'profile', 'sshKeyDelete']],
    ] as const) {
      for (const kind of kinds) expect(count(actor, kind), `${actor} ${kind}`).toBeGreaterThan(0)
    }
    const total = (actor: Actor) => Object.values(successes[actor]).reduce((a, b) => a + b, 0)
    const list = (actor: Actor) =>
      Object.entries(successes[actor])
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')
    console.log(
      `concurrency: ${SECONDS} s of app + CLI + local API writing one file: app ${total('app')} writes (${list('app')}), CLI ${total('cli')} processes (${list('cli')}), API ${total('api')} requests (${list('api')}); ${failures.length} errors, 0 lock errors, every count matches the database, integrity_check ok; ${((Date.now() - started) / 1000).toFixed(0)} s`,
    )
  } finally {
    db.close()
  }
}, (SECONDS + 90) * 1000)
