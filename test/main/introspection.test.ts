import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { migrations } from '../../src-main/db/migrations/index.ts'
import { createServicesCredentialVerifier } from '../../src-main/http/credentials.ts'
import { problemSchema } from '../../src-main/http/problem.ts'
import { introspectionSchema, tokenSchema } from '../../src-main/http/schemas.ts'
import { startLocalApiServer } from '../../src-main/http/server.ts'
import type { RunningApiServer } from '../../src-main/http/server.ts'
import { createFailureThrottle } from '../../src-main/http/throttle.ts'
import { silentLogger } from '../../src-main/log.ts'
import { CredentialKind, generateCredential } from '../../src-main/services/credential-format.ts'
import type { Services } from '../../src-main/services/index.ts'
import { runCli } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'

/**
 * RFC 7662 introspection (`POST /api/v2/introspect`) and revocation on the local API's fast path:
 * the real server, the real verifier, real tokens; the CLI (another process) revokes between two
 * requests on one keep-alive connection.
 */
vi.setConfig({ testTimeout: 90_000 })
let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let server: RunningApiServer
let shiftMs = 0
let aliceId: number
let bobId: number
const secrets: Record<string, string> = {}
const agent = new Agent({ keepAlive: true, maxSockets: 1 })

interface Answer {
  status: number
  text: string
  reusedSocket: boolean
  json(): unknown
}

function call(method: string, path: string, options: { token?: string; body?: string; type?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    if (options.token !== undefined) headers.authorization = `Bearer ${secrets[options.token] ?? options.token}`
    if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/x-www-form-urlencoded'
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers, agent }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, reusedSocket: req.reusedSocket, json: () => JSON.parse(text) }))
    })
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

const introspect = (token: string, caller = 'service-token') =>
  call('POST', '/api/v2/introspect', { token: caller, body: new URLSearchParams({ token: secrets[token] ?? token, token_type_hint: 'access_token' }).toString() })

function expectProblem(answer: Answer, status: number, reason: string): void {
  expect(answer.status, answer.text).toBe(status)
  expect(problemSchema.parse(answer.json()).reason).toBe(reason)
}

beforeAll(async () => {
  dir = makeTempDir('keystead-introspect-')
  ;({ db, services } = await openTestServices(dir.path, () => Date.now() + shiftMs))
  aliceId = (await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })).id
  bobId = (await services.accounts.createAccount({ username: 'bob', password: 'builder 123' })).id
  const make = (accountId: number, title: string, scope: 'read-only' | 'read-write' | 'introspect', extra: { isEnabled?: boolean; days?: 7 } = {}) =>
    services.tokens.createToken(accountId, { title, scope, isEnabled: extra.isEnabled ?? true, expiry: extra.days ? { kind: 'days', days: extra.days } : { kind: 'never' } })
  secrets['service-token'] = make(aliceId, 'service', 'introspect').token
  secrets['write-token'] = make(aliceId, 'write', 'read-write').token
  secrets['read-token'] = make(bobId, 'read', 'read-only', { days: 7 }).token
  secrets['disabled-token'] = make(aliceId, 'disabled', 'read-write', { isEnabled: false }).token
  secrets['expired-token'] = make(aliceId, 'expired', 'read-write', { days: 7 }).token
  db.prepare("UPDATE access_tokens SET expires_at = ? WHERE title = 'expired'").run(Date.now() - 1)
  const deleted = make(aliceId, 'deleted', 'read-write')
  secrets['deleted-token'] = deleted.token
  services.tokens.deleteToken(aliceId, deleted.summary.id)
  secrets['unknown-token'] = generateCredential(CredentialKind.Token)
  secrets['bob-key'] = services.apiKeys.revealApiKey(bobId)
  const carolId = (await services.accounts.createAccount({ username: 'carol', password: 'croquet 77' })).id
  secrets['orphan-token'] = make(carolId, 'carol', 'read-write').token
  secrets['orphan-key'] = services.apiKeys.revealApiKey(carolId)
  services.profile.deleteAccountAsAdmin(carolId, 'cli')
  // The CLI (a fresh process) runs between two requests on one kept-alive connection: on a loaded machine it can
  // take longer than the shipped 5 s idle limit, which would close the connection the test is about.
  server = await startLocalApiServer({
    services,
    verifier: createServicesCredentialVerifier(services),
    log: silentLogger,
    port: 0,
    throttle: createFailureThrottle({ clock: () => Date.now(), maxFailures: 50 }),
    limits: { keepAliveTimeoutMs: 120_000 },
  })
})
afterAll(async () => {
  agent.destroy()
  await server.close()
  db.close()
  dir.remove()
})

describe('POST /api/v2/introspect', () => {
  it('describes an active access token and API key with the RFC 7662 fields', async () => {
    const token = await introspect('read-token')
    expect(token.status).toBe(200)
    const readRow = db.prepare("SELECT id, created_at, expires_at FROM access_tokens WHERE title = 'read'").get() as { id: number; created_at: number; expires_at: number }
    expect(introspectionSchema.parse(token.json())).toEqual({
      active: true,
      username: 'bob',
      sub: String(bobId),
      scope: 'read-only',
      token_type: 'Bearer',
      exp: Math.floor(readRow.expires_at / 1000),
      iat: Math.floor(readRow.created_at / 1000),
      client_id: `token:${readRow.id}`,
    })
    const key = await introspect('bob-key')
    expect(key.json()).toMatchObject({ active: true, username: 'bob', sub: String(bobId), scope: 'read-write', client_id: 'api-key' })
    expect(key.json()).not.toHaveProperty('exp')
    expect(Object.keys((await introspect('write-token')).json() as object).sort()).toEqual(['active', 'client_id', 'iat', 'scope', 'sub', 'token_type', 'username'])
  })

  it('answers exactly {"active":false} for every credential that is not usable, never why', async () => {
    for (const name of ['unknown-token', 'disabled-token', 'expired-token', 'deleted-token', 'orphan-token', 'orphan-key', 'hello', 'kst_', '']) {
      const answer = await introspect(name)
      expect(answer.status, name).toBe(200)
      expect(answer.text, name).toBe('{"active":false}')
    }
  })

  it('only an introspect token may call it: none 401, read-only, read-write and API key 403', async () => {
    const body = new URLSearchParams({ token: secrets['write-token']! }).toString()
    const none = await call('POST', '/api/v2/introspect', { body })
    expect(none.status).toBe(401)
    for (const caller of ['read-token', 'write-token', 'bob-key']) expectProblem(await call('POST', '/api/v2/introspect', { token: caller, body }), 403, 'auth.introspectScope')
    expectProblem(await call('POST', '/api/v2/introspect', { token: 'unknown-token', body }), 401, 'auth.invalid')
  })

  it('an introspect token can do nothing else', async () => {
    expectProblem(await call('GET', '/api/v2/users/me', { token: 'service-token' }), 403, 'auth.introspectOnly')
    expectProblem(await call('GET', '/api/v2/users/me/tokens', { token: 'service-token' }), 403, 'auth.introspectOnly')
    expectProblem(await call('PATCH', '/api/v2/users/me', { token: 'service-token', body: '{"fullName":"x"}', type: 'application/json' }), 403, 'auth.introspectOnly')
    expect(services.accounts.getAccount(aliceId).full_name).toBe('')
  })

  it("only an administrator can create one, in every face; its account demoted, the token is refused until promoted again", async () => {
    expect(() => services.tokens.createToken(bobId, { title: 'svc', scope: 'introspect', isEnabled: true, expiry: { kind: 'never' } })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'tokens.introspectAdminOnly' }),
    )
    const cli = await runCli(dir.path, ['tokens', 'create', 'bob', '--title', 'svc', '--scope', 'introspect'])
    expect(cli.code).toBe(1)
    expect(cli.stderr).toMatch(/Only an administrator/)
    // Made while bob is an administrator, the token stays when bob is made a member, and is refused on every call until then.
    services.administration.setRole({ kind: 'cli' }, bobId, 'administrator')
    const bobService = services.tokens.createToken(bobId, { title: 'svc', scope: 'introspect', isEnabled: true, expiry: { kind: 'never' } }).token
    services.administration.setRole({ kind: 'cli' }, bobId, 'member')
    expectProblem(await call('POST', '/api/v2/introspect', { token: bobService, body: 'token=x' }), 403, 'admin.required')
    expect((await introspect(bobService)).json()).toMatchObject({ active: true, username: 'bob', scope: 'introspect' })
    services.administration.setRole({ kind: 'cli' }, bobId, 'administrator')
    expect((await call('POST', '/api/v2/introspect', { token: bobService, body: 'token=x' })).text).toBe('{"active":false}')
    services.administration.setRole({ kind: 'cli' }, bobId, 'member')
    services.tokens.deleteToken(bobId, services.tokens.listTokens(bobId).find((token) => token.title === 'svc')!.id)
  })

  it("an administrator's token list shows its introspect token with that scope, as the OpenAPI schema says", async () => {
    const answer = await call('GET', '/api/v2/users/me/tokens', { token: 'write-token' })
    expect(answer.status).toBe(200)
    expect(tokenSchema.array().parse(answer.json()).find((token) => token.title === 'service')?.scope).toBe('introspect')
  })

  it('refuses a body that is not a form, a repeated parameter and a missing token', async () => {
    expectProblem(await call('POST', '/api/v2/introspect', { token: 'service-token', body: '{"token":"x"}', type: 'application/json' }), 415, 'request.contentType')
    expectProblem(await call('POST', '/api/v2/introspect', { token: 'service-token', body: 'token=a&token=b' }), 400, 'request.duplicateParameter')
    expectProblem(await call('POST', '/api/v2/introspect', { token: 'service-token', body: 'token_type_hint=access_token' }), 422, 'input.invalid')
  })
})

describe('migration 12', () => {
  it('rebuilds access_tokens with the introspect scope, keeping rows, ids and indexes; other scopes stay refused', async () => {
    const older = makeTempDir('keystead-migration-12-')
    const file = openDatabase(join(older.path, 'keystead.db'))
    try {
      await migrateDatabase(file, { migrations: migrations.filter((m) => m.version < 12) })
      file.prepare("INSERT INTO accounts (username, username_key, password_hash, created_at, updated_at) VALUES ('a', 'a', 'x', 1, 1)").run()
      file.prepare("INSERT INTO access_tokens (id, account_id, title, title_key, token_hash, display_prefix, scope, created_at) VALUES (41, 1, 't', 't', x'01', 'kst_x', 'read-only', 5)").run()
      // A deleted token's id (50) must never come back, also after the rebuild.
      file.prepare("INSERT INTO access_tokens (id, account_id, title, title_key, token_hash, display_prefix, scope, created_at) VALUES (50, 1, 'd', 'd', x'09', 'kst_d', 'read-only', 5)").run()
      file.prepare('DELETE FROM access_tokens WHERE id = 50').run()
      const indexesBefore = file.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_tokens' ORDER BY name").all()
      await migrateDatabase(file)
      expect(file.prepare('SELECT id, scope, created_at FROM access_tokens').all()).toEqual([{ id: 41, scope: 'read-only', created_at: 5 }])
      expect(file.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_tokens' ORDER BY name").all()).toEqual(indexesBefore)
      const next = file.prepare("INSERT INTO access_tokens (account_id, title, title_key, token_hash, display_prefix, scope, created_at) VALUES (1, 's', 's', x'02', 'kst_y', 'introspect', 6)").run()
      expect(Number(next.lastInsertRowid)).toBe(51)
      expect(() => file.prepare("INSERT INTO access_tokens (account_id, title, title_key, token_hash, display_prefix, scope, created_at) VALUES (1, 'u', 'u', x'03', 'kst_z', 'admin', 6)").run()).toThrow(/CHECK/)
      expect(file.pragma('foreign_key_check')).toEqual([])
    } finally {
      file.close()
      older.remove()
    }
  })
})

describe('revocation on the fast path (verification results are remembered only while the database is unchanged)', () => {
  it('a token disabled, enabled and deleted by another process (the CLI) counts from the very next request on the same keep-alive connection', async () => {
    const id = (db.prepare("SELECT id FROM access_tokens WHERE title = 'write'").get() as { id: number }).id
    expect((await call('GET', '/api/v2/users/me', { token: 'write-token' })).status).toBe(200)
    const warm = await call('GET', '/api/v2/users/me', { token: 'write-token' })
    expect(warm).toMatchObject({ status: 200, reusedSocket: true })
    expect((await runCli(dir.path, ['tokens', 'disable', 'alice', String(id)])).code).toBe(0)
    const after = await call('GET', '/api/v2/users/me', { token: 'write-token' })
    expect(after.reusedSocket).toBe(true)
    expectProblem(after, 401, 'auth.invalid')
    expect((await introspect('write-token')).text).toBe('{"active":false}')
    expect((await runCli(dir.path, ['tokens', 'enable', 'alice', String(id)])).code).toBe(0)
    expect(await call('GET', '/api/v2/users/me', { token: 'write-token' })).toMatchObject({ status: 200, reusedSocket: true })
    expect((await runCli(dir.path, ['tokens', 'delete', 'alice', String(id)])).code).toBe(0)
    const gone = await call('GET', '/api/v2/users/me', { token: 'write-token' })
    expect(gone.reusedSocket).toBe(true)
    expectProblem(gone, 401, 'auth.invalid')
  })

  it('an account deleted by another process takes its API key with it at once', async () => {
    expect((await call('GET', '/api/v2/users/me', { token: 'bob-key' })).status).toBe(200)
    expect((await call('GET', '/api/v2/users/me', { token: 'bob-key' })).status).toBe(200)
    expect((await runCli(dir.path, ['accounts', 'delete', 'bob', '--yes'])).code).toBe(0)
    expectProblem(await call('GET', '/api/v2/users/me', { token: 'bob-key' }), 401, 'auth.invalid')
    expect((await introspect('bob-key')).text).toBe('{"active":false}')
  })

  it('pipelined requests sent in one write after another process revoked a token (handled as one batch) are each refused or answered', async () => {
    const made = ['pipe-a', 'pipe-b'].map((title) => services.tokens.createToken(aliceId, { title, scope: 'read-only', isEnabled: true, expiry: { kind: 'never' } }))
    const [a, b] = made.map((m) => m.token) as [string, string]
    /** One GET /users/me per token, all in a single write on a new connection; the statuses once every (chunked) answer has ended. */
    const pipeline = (tokens: string[]): Promise<number[]> =>
      new Promise((resolve, reject) => {
        let received = ''
        const socket = connect(server.port, '127.0.0.1', () => {
          socket.write(tokens.map((token) => `GET /api/v2/users/me HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${token}\r\n\r\n`).join(''))
        })
        socket.setEncoding('latin1').on('data', (chunk: string) => {
          received += chunk
          if (received.split('\r\n0\r\n\r\n').length - 1 < tokens.length) return
          socket.destroy()
          resolve([...received.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((match) => Number(match[1])))
        })
        socket.on('error', reject)
        socket.on('close', () => reject(new Error(`closed after ${JSON.stringify(received)}`)))
      })
    expect(await pipeline([a, b, a])).toEqual([200, 200, 200])
    expect((await runCli(dir.path, ['tokens', 'disable', 'alice', String(made[0]!.summary.id)])).code).toBe(0)
    expect(await pipeline([a, b, a, b])).toEqual([401, 200, 401, 200])
    expect((await runCli(dir.path, ['tokens', 'delete', 'alice', String(made[1]!.summary.id)])).code).toBe(0)
    expect(await pipeline([b, a, b])).toEqual([401, 401, 401])
  })

  it('a change through this process’s own connection and the passing of an expiry count at once too', async () => {
    const readonly = services.tokens.createToken(aliceId, { title: 'own', scope: 'read-only', isEnabled: true, expiry: { kind: 'days', days: 7 } })
    secrets.own = readonly.token
    expect((await call('GET', '/api/v2/users/me', { token: 'own' })).status).toBe(200)
    services.tokens.setTokenEnabled(aliceId, readonly.summary.id, false)
    expectProblem(await call('GET', '/api/v2/users/me', { token: 'own' }), 401, 'auth.invalid')
    services.tokens.setTokenEnabled(aliceId, readonly.summary.id, true)
    expect((await call('GET', '/api/v2/users/me', { token: 'own' })).status).toBe(200)
    shiftMs = 8 * 24 * 60 * 60 * 1000
    try {
      expectProblem(await call('GET', '/api/v2/users/me', { token: 'own' }), 401, 'auth.invalid')
    } finally {
      shiftMs = 0
    }
  })
})
