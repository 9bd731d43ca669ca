import { Validator } from '@seriousme/openapi-schema-validator'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { z } from 'zod'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { createServicesCredentialVerifier } from '../../src-main/http/credentials.ts'
import type { CredentialVerifier } from '../../src-main/http/credentials.ts'
import { buildOpenApiDocument } from '../../src-main/http/openapi.ts'
import { problemSchema } from '../../src-main/http/problem.ts'
import { createRouteTable } from '../../src-main/http/routes.ts'
import { accountPatchSchema, accountSchema, logEntrySchema, sessionSchema, sshKeySchema, tokenSchema } from '../../src-main/http/schemas.ts'
import { startLocalApiServer } from '../../src-main/http/server.ts'
import type { RunningApiServer } from '../../src-main/http/server.ts'
import { createFailureThrottle } from '../../src-main/http/throttle.ts'
import { silentLogger } from '../../src-main/log.ts'
import { CredentialKind, generateCredential } from '../../src-main/services/credential-format.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { occupyPort } from '../fixtures/free-port.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * The local REST API on a free loopback port with the REAL credential verifier: every
 * credential below is an access token or API key made through the services. Tests name
 * them ('write-token', ...); `call` sends the real secret behind the name.
 */
let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let server: RunningApiServer
let now: number
let aliceId: number
let bobId: number

/** Name -> the real secret. */
const secrets: Record<string, string> = {}
let verifier: CredentialVerifier
let carolKey: string

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json(): unknown
}

function call(method: string, path: string, options: { token?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...options.headers }
    if (options.token) headers.authorization = `Bearer ${secrets[options.token] ?? options.token}`
    if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json'
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers, setHost: false }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }))
    })
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

function expectProblem(answer: Answer, status: number, reason?: string): void {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.headers['content-type']).toBe('application/problem+json')
  const problem = problemSchema.parse(answer.json())
  expect(problem.status).toBe(status)
  if (reason) expect(problem.reason).toBe(reason)
}

const contactOf = (id: number) => db.prepare('SELECT full_name, email FROM accounts WHERE id = ?').get(id)

beforeAll(async () => {
  dir = makeTempDir('keystead-api-')
  db = openDatabase(join(dir.path, 'keystead.db'))
  await migrateDatabase(db)
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  services = createServices({ db, secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')), clock: () => now, scryptParams: TEST_ONLY_SCRYPT_PARAMS })
  aliceId = (await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1', fullName: 'Alice', email: 'alice@example.com' })).id
  bobId = (await services.accounts.createAccount({ username: 'bob', password: 'builder 123', email: 'bob@example.com' })).id
  verifier = createServicesCredentialVerifier(services)
  const make = (accountId: number, title: string, scope: 'read-only' | 'read-write', extra: { isEnabled?: boolean; days?: 7 } = {}): string =>
    services.tokens.createToken(accountId, { title, scope, isEnabled: extra.isEnabled ?? true, expiry: extra.days ? { kind: 'days', days: extra.days } : { kind: 'never' } }).token
  secrets['write-token'] = make(aliceId, 'write', 'read-write')
  secrets['read-token'] = make(aliceId, 'read', 'read-only')
  secrets['bob-token'] = make(bobId, 'bob', 'read-write')
  secrets['disabled-token'] = make(aliceId, 'disabled', 'read-write', { isEnabled: false })
  // Expired: made with a 7-day life, then its expiry moved into the past through the table (the clock stays put for the other tests).
  secrets['expired-token'] = make(aliceId, 'expired', 'read-write', { days: 7 })
  db.prepare("UPDATE access_tokens SET expires_at = ? WHERE title = 'expired'").run(now - 1)
  secrets['deleted-token'] = make(aliceId, 'deleted', 'read-write')
  services.tokens.deleteToken(aliceId, services.tokens.listTokens(aliceId).find((t) => t.title === 'deleted')!.id)
  // A well-formed token that was never issued, and the token of an account deleted since.
  secrets['unknown-token'] = generateCredential(CredentialKind.Token)
  const carolId = (await services.accounts.createAccount({ username: 'carol', password: 'croquet 77' })).id
  secrets['orphan-token'] = make(carolId, 'carol', 'read-write')
  carolKey = services.apiKeys.revealApiKey(carolId)
  await services.profile.deleteAccountAsAdmin(carolId, 'cli')
})
afterAll(() => {
  db.close()
  dir.remove()
})
beforeEach(async () => {
  // A fresh throttle per test: generous limits, except where a test makes its own server.
  server = await startLocalApiServer({ services, verifier, log: silentLogger, port: 0, throttle: createFailureThrottle({ clock: () => now, maxFailures: 50 }) })
})
afterEach(async () => {
  await server.close()
})

describe('listening and request hygiene', () => {
  it('listens on 127.0.0.1 only and refuses any other host to listen on', async () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.address).toBe(`http://127.0.0.1:${server.port}`)
    await expect(startLocalApiServer({ services, verifier, log: silentLogger, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ reason: 'api.loopbackOnly' })
  })

  it('refuses a Host header that is not a loopback name (DNS rebinding) with 421, and a foreign Origin with 403', async () => {
    expectProblem(await call('GET', '/api/v2/users/me', { token: 'write-token', headers: { host: 'evil.example:7420' } }), 421, 'request.badHost')
    expectProblem(await call('GET', '/api/v2/users/me', { token: 'write-token', headers: { host: '127.0.0.1.evil.example' } }), 421)
    expect((await call('GET', '/api/v2/users/me', { token: 'write-token', headers: { host: `localhost:${server.port}` } })).status).toBe(200)
    expect((await call('GET', '/api/v2/users/me', { token: 'write-token', headers: { host: `[::1]:${server.port}` } })).status).toBe(200)
    expectProblem(await call('GET', '/api/v2/users/me', { token: 'write-token', headers: { origin: 'https://evil.example' } }), 403, 'request.crossOrigin')
  })

  it('sends no CORS headers, not even to a preflight', async () => {
    const preflight = await call('OPTIONS', '/api/v2/users/me', { headers: { origin: `http://127.0.0.1:${server.port}`, 'access-control-request-method': 'PATCH' } })
    expectProblem(preflight, 405, 'request.method')
    const ok = await call('GET', '/api/v2/users/me', { token: 'write-token' })
    for (const answer of [preflight, ok]) {
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([])
    }
    expect(ok.headers['cache-control']).toBe('no-store')
  })

  it('answers unknown paths with 404 and wrong methods with 405 and Allow', async () => {
    expectProblem(await call('GET', '/api/v2/nothing', { token: 'write-token' }), 404, 'request.notFound')
    expectProblem(await call('GET', '/', {}), 404)
    const wrong = await call('PUT', '/api/v2/users/me', { token: 'write-token' })
    expectProblem(wrong, 405)
    expect(wrong.headers.allow).toBe('GET, PATCH')
  })
})

/** Sends raw bytes on a fresh connection; resolves with everything the server sent until it closed. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    let received = ''
    socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk))
    socket.on('end', () => resolve(received))
    socket.on('error', reject)
    socket.setTimeout(5_000, () => reject(new Error(`no answer to ${JSON.stringify(bytes.slice(0, 40))}`)))
    socket.write(bytes, 'latin1')
  })
}

describe('requests Node’s HTTP parser refuses (clientError)', () => {
  it.each([
    ['an unknown method', 'BREW /api/v2/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['a malformed request line', 'hello there\r\n\r\n', 400],
    ['a bad HTTP version', 'GET /api/v2/users/me HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['a space in the path', 'GET /api/v2/users /me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['a header without a colon', 'GET /api/v2/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nbroken header\r\n\r\n', 400],
    ['a NUL byte in a header', 'GET /api/v2/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\u0000b\r\n\r\n', 400],
    ['a bad chunk size', 'POST /api/v2/users/me/ssh-keys HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['headers over 16 KB', `GET /api/v2/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ])('%s gets a problem+json answer and the connection closes', async (_what, bytes, status) => {
    const answer = await rawExchange(bytes)
    const [head, body] = answer.split('\r\n\r\n')
    expect(head!.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`)
    expect(head).toMatch(/^content-type: application\/problem\+json$/m)
    expect(head).toMatch(/^connection: close$/m)
    const problem = problemSchema.parse(JSON.parse(body!))
    expect(problem).toMatchObject({ status, type: 'about:blank', reason: status === 431 ? 'request.headersTooLarge' : 'request.malformed' })
    // The server is still there.
    expect((await call('GET', '/api/v2/users/me', { token: 'write-token' })).status).toBe(200)
  })
})

describe('refusals stay small and quiet', () => {
  it('a schema error never echoes more than a little of the input (an unknown key of 8,000 characters)', async () => {
    const key = 'k'.repeat(8_000)
    const answer = await call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ [key]: 1, publicKey: 'x' }) })
    expectProblem(answer, 422, 'input.invalid')
    const problem = problemSchema.parse(answer.json())
    expect(problem.detail.length).toBeLessThan(300)
    for (const issue of problem.errors ?? []) expect(issue.message.length + issue.path.length).toBeLessThanOrEqual(240)
    expect(answer.text.length).toBeLessThan(1_000)
  })

  it('a client that hangs up in the middle of its body is not logged as a server failure', async () => {
    const logged: unknown[] = []
    const own = await startLocalApiServer({ services, verifier, log: { info() {}, error: (...args: unknown[]) => logged.push(args) }, port: 0 })
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(own.port, '127.0.0.1', () => {
          socket.write(
            `POST /api/v2/users/me/ssh-keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${secrets['write-token']}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"publicKey":`,
          )
          setTimeout(() => {
            socket.destroy()
            resolve()
          }, 100)
        })
        socket.on('error', reject)
      })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(logged).toEqual([])
    } finally {
      await own.close()
    }
  })
})

describe('authentication', () => {
  it('401 for a missing, malformed, unknown, disabled, expired or deleted credential and for a deleted account', async () => {
    // A typo in the last character (the checksum's): never the character already there, or in one run of 62 the "typo" is the valid token itself.
    const valid = secrets['write-token']!
    const mistyped = `${valid.slice(0, -1)}${valid.endsWith('x') ? 'y' : 'x'}`
    const answers = await Promise.all([
      call('GET', '/api/v2/users/me'),
      call('GET', '/api/v2/users/me', { headers: { authorization: 'Basic YWxpY2U6eA==' } }),
      call('GET', '/api/v2/users/me', { token: 'no-such-token' }),
      call('GET', '/api/v2/users/me', { token: mistyped }),
      call('GET', '/api/v2/users/me', { token: 'unknown-token' }),
      call('GET', '/api/v2/users/me', { token: 'disabled-token' }),
      call('GET', '/api/v2/users/me', { token: 'expired-token' }),
      call('GET', '/api/v2/users/me', { token: 'deleted-token' }),
      call('GET', '/api/v2/users/me', { token: 'orphan-token' }),
      call('GET', '/api/v2/users/me', { token: carolKey }),
    ])
    for (const answer of answers) {
      expectProblem(answer, 401)
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="keystead"')
    }
    expect(answers.map((a) => (a.json() as { reason: string }).reason)).toEqual(['auth.missing', 'auth.missing', ...Array(8).fill('auth.invalid')])
    // What the verifier saw, one by one (the answer is the same 401 for all, on purpose).
    expect(['no-such-token', mistyped, 'unknown-token', 'disabled-token', 'expired-token', 'deleted-token', 'orphan-token'].map((name) => services.credentials.verifyCredential(secrets[name] ?? name))).toEqual([
      { ok: false, reason: 'malformed', detail: expect.any(String) },
      { ok: false, reason: 'malformed', detail: 'bad-checksum' },
      { ok: false, reason: 'unknown' },
      { ok: false, reason: 'disabled' },
      { ok: false, reason: 'expired' },
      { ok: false, reason: 'unknown' },
      { ok: false, reason: 'unknown' },
    ])
  })

  it('a disabled token works again once switched on; the expired one stays refused', async () => {
    const id = services.tokens.listTokens(aliceId).find((t) => t.title === 'disabled')!.id
    services.tokens.setTokenEnabled(aliceId, id, true)
    expect((await call('GET', '/api/v2/users/me', { token: 'disabled-token' })).status).toBe(200)
    services.tokens.setTokenEnabled(aliceId, id, false)
    expectProblem(await call('GET', '/api/v2/users/me', { token: 'disabled-token' }), 401, 'auth.invalid')
  })

  it('the API key reads and writes; after regeneration the old key gets 401 and the new one 200', async () => {
    const oldKey = services.apiKeys.revealApiKey(bobId)
    expect((await call('GET', '/api/v2/users/me', { token: oldKey })).json()).toMatchObject({ username: 'bob' })
    const patched = await call('PATCH', '/api/v2/users/me', { token: oldKey, body: '{"fullName":"Bob Builder"}' })
    expect(patched.status).toBe(200)
    const { apiKey: newKey } = services.apiKeys.regenerateApiKey(bobId)
    expectProblem(await call('GET', '/api/v2/users/me', { token: oldKey }), 401, 'auth.invalid')
    const fresh = await call('GET', '/api/v2/users/me', { token: newKey })
    expect(fresh.status).toBe(200)
    expect(accountSchema.parse(fresh.json())).toMatchObject({ username: 'bob', fullName: 'Bob Builder' })
    expect(services.apiKeys.getApiKeySummary(bobId).lastUsedAt).not.toBeNull()
  })

  it('every endpoint that needs a credential refuses each bad one with 401 and changes nothing; a regenerated key opens each', async () => {
    await server.close()
    server = await startLocalApiServer({ services, verifier, log: silentLogger, port: 0, throttle: createFailureThrottle({ clock: () => now, maxFailures: 10_000 }) })
    const guarded = createRouteTable().filter((route) => route.access !== 'public')
    expect(guarded.length).toBeGreaterThanOrEqual(8)
    const dump = () =>
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()])
    const oldKey = services.apiKeys.revealApiKey(aliceId)
    const { apiKey: newKey } = services.apiKeys.regenerateApiKey(aliceId)
    const before = JSON.stringify(dump())
    const bad = [undefined, 'no-such-token', 'unknown-token', 'disabled-token', 'expired-token', 'deleted-token', 'orphan-token', oldKey, carolKey]
    for (const route of guarded) {
      const path = `/api/v2${route.path.replace('{id}', '1')}`
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}'
      for (const token of bad) expectProblem(await call(route.method, path, { token, body }), 401, token === undefined ? undefined : 'auth.invalid')
    }
    expect(JSON.stringify(dump())).toBe(before)
    for (const route of guarded) {
      const path = `/api/v2${route.path.replace('{id}', '999999')}`
      const answer = await call(route.method, path, { token: newKey, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}' })
      // The introspection endpoint takes only introspect tokens (test/main/introspection.test.ts).
      if (route.access === 'introspect') expectProblem(answer, 403, 'auth.introspectScope')
      else expect([401, 403, 429], `${route.method} ${path}: ${answer.text}`).not.toContain(answer.status)
    }
  })

  it('throttles failed authentications per client, valid credentials included, until the window passes', async () => {
    await server.close()
    server = await startLocalApiServer({ services, verifier, log: silentLogger, port: 0, throttle: createFailureThrottle({ clock: () => now, maxFailures: 3, windowMs: 60_000 }) })
    for (let i = 0; i < 3; i++) expectProblem(await call('GET', '/api/v2/users/me', { token: `guess-${i}` }), 401)
    const blocked = await call('GET', '/api/v2/users/me', { token: 'write-token' })
    expectProblem(blocked, 429, 'auth.throttled')
    expect(blocked.headers['retry-after']).toBe('60')
    now += 30_000
    expect((await call('GET', '/api/v2/users/me', { token: 'write-token' })).headers['retry-after']).toBe('30')
    now += 30_001
    expect((await call('GET', '/api/v2/users/me', { token: 'write-token' })).status).toBe(200)
    // The public document is never throttled.
    expect((await call('GET', '/api/v2/openapi.json')).status).toBe(200)
  })
})

describe('GET and PATCH /users/me', () => {
  it('GET returns the account of the credential (read or write scope)', async () => {
    for (const token of ['write-token', 'read-token']) {
      const answer = await call('GET', '/api/v2/users/me', { token })
      expect(answer.status).toBe(200)
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(accountSchema.parse(answer.json())).toMatchObject({ id: aliceId, username: 'alice', fullName: 'Alice', email: 'alice@example.com' })
      expect(answer.text).not.toMatch(/password|scrypt/)
    }
  })

  it('PATCH changes the full name and e-mail under the account rules and logs it', async () => {
    const answer = await call('PATCH', '/api/v2/users/me', { token: 'write-token', body: JSON.stringify({ fullName: '  Alice Liddell ', email: 'Alice@Wonder.example' }) })
    expect(answer.status, answer.text).toBe(200)
    expect(accountSchema.parse(answer.json())).toMatchObject({ fullName: 'Alice Liddell', email: 'Alice@Wonder.example' })
    expect(contactOf(aliceId)).toEqual({ full_name: 'Alice Liddell', email: 'Alice@Wonder.example' })
    const [entry] = services.administration.listAccountSecurityLog(aliceId, { limit: 1 })
    expect(entry).toMatchObject({ kind: 'account.contactUpdated', detail: { origin: 'api', fields: 'fullName,email' } })
    const removed = await call('PATCH', '/api/v2/users/me', { token: 'write-token', body: JSON.stringify({ email: null }) })
    expect((removed.json() as { email: null }).email).toBeNull()
    await call('PATCH', '/api/v2/users/me', { token: 'write-token', body: JSON.stringify({ email: 'alice@example.com' }) })
  })

  it('PATCH refuses a read-only credential, bad bodies and broken rules, changing nothing', async () => {
    const before = contactOf(aliceId)
    const big = JSON.stringify({ fullName: 'x'.repeat(70 * 1024) })
    const cases: Array<[Promise<Answer>, number, string]> = [
      [call('PATCH', '/api/v2/users/me', { token: 'read-token', body: '{"fullName":"Mallory"}' }), 403, 'auth.readOnly'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: big }), 413, 'request.tooLarge'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '{"fullName": "Alice",' }), 400, 'request.malformedJson'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '' }), 400, 'request.malformedJson'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '{"fullName":"A"}', headers: { 'content-type': 'text/plain' } }), 415, 'request.contentType'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '{"username":"mallory"}' }), 422, 'input.invalid'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '{"fullName":5}' }), 422, 'input.invalid'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '{"email":"not an address"}' }), 422, 'email.invalid'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: JSON.stringify({ fullName: 'y'.repeat(101) }) }), 422, 'fullName.tooLong'],
      [call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '{"email":"BOB@example.com"}' }), 409, 'email.taken'],
    ]
    for (const [pending, status, reason] of cases) expectProblem(await pending, status, reason)
    expect(contactOf(aliceId)).toEqual(before)
    const invalid = (await call('PATCH', '/api/v2/users/me', { token: 'write-token', body: '{"email":"nope"}' })).json() as { field: string }
    expect(invalid.field).toBe('email')
  })
})

describe('sessions and the security log', () => {
  it('lists the live sessions of the credential’s account only', async () => {
    const mine = await services.auth.signIn({ username: 'alice', password: 'wonderland 1', origin: 'app', device: FAKE_DEVICE })
    await services.auth.signIn({ username: 'bob', password: 'builder 123', origin: 'app', device: FAKE_DEVICE })
    if (mine.status !== 'signed-in') throw new Error('expected a plain sign-in (no 2FA)')
    const answer = await call('GET', '/api/v2/users/me/sessions', { token: 'read-token' })
    expect(answer.status).toBe(200)
    const sessions = z.array(sessionSchema).parse(answer.json())
    expect(sessions.map((s) => s.id)).toContain(mine.session.id)
    expect(sessions.every((s) => services.sessions.findSession(s.id)!.account_id === aliceId)).toBe(true)
    expect(answer.text).not.toMatch(/token_hash|tokenHash/)
  })

  it('lists every session, newest first, however many (read a page at a time, the same answer as before)', async () => {
    const insert = services.db.prepare("INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at) VALUES (?, ?, randomblob(32), 'cli', ?, ?, ?, ?)")
    const at = Date.now()
    services.db.transaction(() => {
      for (let i = 0; i < 450; i++) insert.run(`bulk-${String(i).padStart(3, '0')}`, aliceId, at - Math.floor(i / 2), at, at, at + 86_400_000)
    })()
    const answer = await call('GET', '/api/v2/users/me/sessions', { token: 'read-token' })
    expect(answer.status).toBe(200)
    const listed = z.array(sessionSchema).parse(answer.json())
    expect(listed.length).toBeGreaterThan(450)
    expect(listed).toEqual(services.administration.listAccountSessions(aliceId))
    expect(listed.map((s) => s.id)).toEqual((services.db.prepare('SELECT id FROM sessions WHERE account_id = ? ORDER BY created_at DESC, id').all(aliceId) as Array<{ id: string }>).map((r) => r.id))
  })

  it('DELETE ends one session (write scope); unknown, foreign and read-only attempts change nothing', async () => {
    const mine = await services.auth.signIn({ username: 'alice', password: 'wonderland 1', origin: 'app', device: FAKE_DEVICE })
    const theirs = await services.auth.signIn({ username: 'bob', password: 'builder 123', origin: 'app', device: FAKE_DEVICE })
    if (mine.status !== 'signed-in' || theirs.status !== 'signed-in') throw new Error('expected plain sign-ins (no 2FA)')
    expectProblem(await call('DELETE', `/api/v2/users/me/sessions/${mine.session.id}`, { token: 'read-token' }), 403, 'auth.readOnly')
    expectProblem(await call('DELETE', `/api/v2/users/me/sessions/${theirs.session.id}`, { token: 'write-token' }), 404, 'session.notFound')
    expectProblem(await call('DELETE', '/api/v2/users/me/sessions/nope', { token: 'write-token' }), 404, 'session.notFound')
    expectProblem(await call('DELETE', `/api/v2/users/me/sessions/${'x'.repeat(65)}`, { token: 'write-token' }), 422, 'input.invalid')
    expect(services.sessions.findSession(mine.session.id)).toBeDefined()
    expect(services.sessions.findSession(theirs.session.id)).toBeDefined()
    const done = await call('DELETE', `/api/v2/users/me/sessions/${mine.session.id}`, { token: 'write-token' })
    expect(done.status).toBe(204)
    expect(done.text).toBe('')
    expect(services.sessions.findSession(mine.session.id)).toBeUndefined()
    expect(services.administration.listAccountSecurityLog(aliceId, { limit: 1 })[0]).toMatchObject({ kind: 'session.revoked', sessionId: mine.session.id, detail: { origin: 'api' } })
  })

  it('GET /users/me/log pages the log newest first and refuses bad paging', async () => {
    const all = z.array(logEntrySchema).parse((await call('GET', '/api/v2/users/me/log', { token: 'read-token' })).json())
    expect(all.length).toBeGreaterThan(3)
    expect(all[all.length - 1]!.kind).toBe('account.created')
    const page = z.array(logEntrySchema).parse((await call('GET', '/api/v2/users/me/log?limit=2&offset=1', { token: 'read-token' })).json())
    expect(page.map((e) => e.id)).toEqual(all.slice(1, 3).map((e) => e.id))
    expectProblem(await call('GET', '/api/v2/users/me/log?limit=0', { token: 'read-token' }), 422, 'input.invalid')
    expectProblem(await call('GET', '/api/v2/users/me/log?limit=abc', { token: 'read-token' }), 422)
    expectProblem(await call('GET', '/api/v2/users/me/log?colour=red', { token: 'read-token' }), 422)
  })

  it('GET /users/me/log with a deep offset gives the same page as OFFSET did, the entries before it stepped over in slices', async () => {
    const insert = db.prepare("INSERT INTO security_log (account_id, at, kind, detail) VALUES (?, ?, 'signin', '{}')")
    const at = Date.now()
    db.transaction(() => {
      for (let i = 0; i < 12_000; i++) insert.run(aliceId, at - Math.floor(i / 5))
    })()
    for (const [offset, limit] of [[0, 3], [4_999, 2], [11_000, 1000], [12_003, 50], [20_000, 10]] as const) {
      const answer = await call('GET', `/api/v2/users/me/log?limit=${limit}&offset=${offset}`, { token: 'read-token' })
      expect(answer.status).toBe(200)
      expect(z.array(logEntrySchema).parse(answer.json())).toEqual(services.administration.listAccountSecurityLog(aliceId, { limit, offset }))
    }
    expect((await services.administration.listAccountSecurityLogInSlices(aliceId, { limit: 1000, offset: 11_000 })).length).toBeGreaterThan(999)
    let settled = false
    const deep = services.administration.listAccountSecurityLogInSlices(aliceId, { limit: 5, offset: 11_000 }).then(() => (settled = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    await deep
    db.prepare("DELETE FROM security_log WHERE account_id = ? AND seq IS NULL AND detail = '{}'").run(aliceId)
  })
})

describe('SSH keys and tokens', () => {
  const keyCount = (accountId: number) => (db.prepare('SELECT count(*) AS n FROM ssh_keys WHERE account_id = ?').get(accountId) as { n: number }).n

  it('GET /users/me/ssh-keys lists newest first (as the README and the OpenAPI summary say)', async () => {
    const ids = ['first', 'second', 'third'].map((name) => services.sshKeys.addKey(aliceId, { title: name, publicKey: buildEd25519Line(name) }).id)
    const listed = z.array(sshKeySchema).parse((await call('GET', '/api/v2/users/me/ssh-keys', { token: 'read-token' })).json())
    expect(listed.map((k) => k.id)).toEqual([...ids].reverse())
    for (const id of ids) services.sshKeys.deleteKey(aliceId, id)
  })

  it('POST adds a key (201), GET lists it, DELETE removes it (204); each step is in the security log', async () => {
    const line = buildEd25519Line('alice@laptop')
    const added = await call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ title: 'Laptop', publicKey: line, expiresOn: '2030-12-31' }) })
    expect(added.status, added.text).toBe(201)
    const key = sshKeySchema.parse(added.json())
    expect(key).toMatchObject({ title: 'Laptop', type: 'ssh-ed25519', bits: 256, comment: 'alice@laptop', expiresOn: '2030-12-31', isExpired: false })
    expect(key.fingerprintSHA256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    const listed = z.array(sshKeySchema).parse((await call('GET', '/api/v2/users/me/ssh-keys', { token: 'read-token' })).json())
    expect(listed.map((k) => k.id)).toContain(key.id)
    expect(z.array(sshKeySchema).parse((await call('GET', '/api/v2/users/me/ssh-keys', { token: 'bob-token' })).json()).map((k) => k.id)).not.toContain(key.id)
    expectProblem(await call('DELETE', `/api/v2/users/me/ssh-keys/${key.id}`, { token: 'bob-token' }), 404, 'sshKeys.notFound')
    const removed = await call('DELETE', `/api/v2/users/me/ssh-keys/${key.id}`, { token: 'write-token' })
    expect(removed.status).toBe(204)
    expect(keyCount(aliceId)).toBe(0)
    expect(services.administration.listAccountSecurityLog(aliceId, { limit: 2 }).map((e) => e.kind)).toEqual(['sshKey.removed', 'sshKey.added'])
  })

  it('refuses a read-only token, bad keys, a duplicate, bad ids and bad bodies, adding nothing', async () => {
    const line = buildEd25519Line('dup')
    expect((await call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ title: 'Kept', publicKey: line }) })).status).toBe(201)
    const before = keyCount(aliceId)
    const cases: Array<[Promise<Answer>, number, string]> = [
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'read-token', body: JSON.stringify({ title: 'x', publicKey: buildEd25519Line() }) }), 403, 'auth.readOnly'],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ title: 'x', publicKey: 'ssh-ed25519 AAAAnotakey' }) }), 422, ''],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ title: 'x', publicKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc' }) }), 422, ''],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ title: 'again', publicKey: line }) }), 409, ''],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'bob-token', body: JSON.stringify({ title: 'theirs', publicKey: line }) }), 409, ''],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ title: 'x', publicKey: buildEd25519Line(), expiresOn: '2020-01-01' }) }), 422, 'sshKeys.expiryInPast'],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ publicKey: buildEd25519Line(), colour: 'red' }) }), 422, 'input.invalid'],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: '{"publicKey":' }), 400, 'request.malformedJson'],
      [call('POST', '/api/v2/users/me/ssh-keys', { token: 'write-token', body: JSON.stringify({ publicKey: 'x'.repeat(70 * 1024) }) }), 413, 'request.tooLarge'],
      [call('DELETE', '/api/v2/users/me/ssh-keys/abc', { token: 'write-token' }), 422, 'input.invalid'],
      [call('DELETE', '/api/v2/users/me/ssh-keys/99999', { token: 'write-token' }), 404, 'sshKeys.notFound'],
      [call('DELETE', '/api/v2/users/me/ssh-keys/1', { token: 'read-token' }), 403, 'auth.readOnly'],
    ]
    for (const [pending, status, reason] of cases) expectProblem(await pending, status, reason || undefined)
    expect(keyCount(aliceId)).toBe(before)
    expect(keyCount(bobId)).toBe(0)
  })

  it('GET /users/{username}.keys is public text/plain authorized_keys without options; expired keys are left out; unknown names 404', async () => {
    const plain = buildEd25519Line('plain')
    const restricted = `no-pty,from="10.0.0.0/8" ${buildEd25519Line('restricted')}`
    services.sshKeys.addKey(bobId, { title: 'plain', publicKey: plain })
    services.sshKeys.addKey(bobId, { title: 'restricted', publicKey: restricted, expiresOn: '2027-06-30' })
    const old = services.sshKeys.addKey(bobId, { title: 'old', publicKey: buildEd25519Line('old'), expiresOn: '2026-11-23' })
    db.prepare("UPDATE ssh_keys SET expires_on = '2026-01-01' WHERE id = ?").run(old.id)
    const answer = await call('GET', '/api/v2/users/BOB.keys')
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8')
    const lines = answer.text.split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.sort()).toEqual([restricted.replace(/^\S+ /, ''), plain].sort())
    expect(answer.text).not.toMatch(/no-pty|expiry-time|from=/)
    expect((await call('GET', '/api/v2/users/alice.keys')).text.split('\n').filter(Boolean)).toHaveLength(keyCount(aliceId))
    expectProblem(await call('GET', '/api/v2/users/nobody.keys'), 404, 'account.notFound')
    expectProblem(await call('POST', '/api/v2/users/bob.keys'), 405)
    // Locked, bob's keys are not served (as sshd's lookup leaves them out); unlocked, they are again.
    services.administration.lockAccount({ kind: 'cli' }, bobId)
    const locked = await call('GET', '/api/v2/users/bob.keys')
    expectProblem(locked, 404, 'account.notFound')
    expect(locked.text).not.toContain(plain.split(' ')[1])
    services.administration.unlockAccount({ kind: 'cli' }, bobId)
    expect((await call('GET', '/api/v2/users/bob.keys')).status).toBe(200)
  })

  it('GET /users/me/tokens lists metadata and the starting part only, never a token or its hash', async () => {
    const answer = await call('GET', '/api/v2/users/me/tokens', { token: 'read-token' })
    expect(answer.status).toBe(200)
    const tokens = z.array(tokenSchema).parse(answer.json())
    expect(tokens.map((t) => t.title).sort()).toEqual(['disabled', 'expired', 'read', 'write'])
    expect(tokens.find((t) => t.title === 'write')).toMatchObject({ scope: 'read-write', isEnabled: true, isExpired: false, displayPrefix: secrets['write-token']!.slice(0, 12) })
    expect(tokens.find((t) => t.title === 'expired')).toMatchObject({ isExpired: true })
    expect(tokens.find((t) => t.title === 'disabled')).toMatchObject({ isEnabled: false })
    for (const name of ['write-token', 'read-token', 'disabled-token', 'expired-token']) expect(answer.text).not.toContain(secrets[name]!.slice(12))
    expect(answer.text).not.toMatch(/hash/i)
    expect(Object.keys(JSON.parse(answer.text)[0]).sort()).toEqual(['createdAt', 'displayPrefix', 'expiresAt', 'id', 'isEnabled', 'isExpired', 'lastUsedAt', 'scope', 'title'])
    expectProblem(await call('GET', '/api/v2/users/me/tokens', { token: 'expired-token' }), 401)
  })
})

describe('the OpenAPI document', () => {
  it('is served at /api/v2/openapi.json and validates as OpenAPI 3.1', async () => {
    const answer = await call('GET', '/api/v2/openapi.json')
    expect(answer.status).toBe(200)
    const document = answer.json() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
    // An unknown query parameter is refused, and the document lists that answer.
    expectProblem(await call('GET', '/api/v2/openapi.json?x=1'), 422)
    expect(Object.keys(document.paths['/openapi.json']!.get!.responses)).toContain('422')
    const validator = new Validator()
    const result = await validator.validate(document as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    expect(Object.keys(document.paths).sort()).toEqual([
      '/admin/accounts',
      '/admin/accounts/{username}/lock',
      '/admin/accounts/{username}/unlock',
      '/introspect',
      '/openapi.json',
      '/users/me',
      '/users/me/log',
      '/users/me/sessions',
      '/users/me/sessions/{id}',
      '/users/me/ssh-keys',
      '/users/me/ssh-keys/{id}',
      '/users/me/tokens',
      '/users/{username}.keys',
    ])
    expect(Object.keys(document.paths['/users/me/ssh-keys']!).sort()).toEqual(['get', 'post'])
  })

  it('is generated from the very schemas that validate requests (no drift)', () => {
    const routes = createRouteTable()
    const document = buildOpenApiDocument(routes) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> }>> }
    const patch = document.paths['/users/me']!.patch!
    const expected = z.toJSONSchema(accountPatchSchema, { io: 'input' }) as Record<string, unknown>
    delete expected.$schema
    expect(patch.requestBody!.content['application/json']!.schema).toEqual(expected)
    for (const route of routes) {
      const operation = document.paths[route.path]![route.method.toLowerCase()]!
      expect(Object.keys(operation.responses)).toContain(String(route.response.status))
      if (route.access !== 'public') expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '421', '429']))
      // Every route answers a foreign Origin 403 (and, taking a credential, an introspect token outside /introspect).
      expect(Object.keys(operation.responses), `${route.method} ${route.path}`).toContain('403')
      // Whatever a schema checks (path, query, body) can be refused with 422, and the document says so.
      if (route.params || route.query || route.body) expect(Object.keys(operation.responses), `${route.method} ${route.path}`).toContain('422')
    }
  })
})

describe('the port', () => {
  it('a port in use is refused with settings.portInUse', async () => {
    const blocker = await occupyPort(0)
    const port = (blocker.address() as { port: number }).port
    const error = await startLocalApiServer({ services, verifier, log: silentLogger, port }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeysteadError)
    expect(error).toMatchObject({ code: 'CONFLICT', reason: 'settings.portInUse', field: 'localApi.port' })
    blocker.close()
  })
})
