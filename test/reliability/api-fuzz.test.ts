import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DB } from '../../src-main/db/database.ts'
import { createServicesCredentialVerifier } from '../../src-main/http/credentials.ts'
import { API_PREFIX, buildOpenApiDocument } from '../../src-main/http/openapi.ts'
import { problemSchema } from '../../src-main/http/problem.ts'
import type { RouteDefinition } from '../../src-main/http/route.ts'
import { compileRoute, matchRoute } from '../../src-main/http/route.ts'
import { createRouteTable } from '../../src-main/http/routes.ts'
import { startLocalApiServer } from '../../src-main/http/server.ts'
import type { RunningApiServer } from '../../src-main/http/server.ts'
import { createFailureThrottle } from '../../src-main/http/throttle.ts'
import type { Logger } from '../../src-main/log.ts'
import { CredentialKind, generateCredential } from '../../src-main/services/credential-format.ts'
import type { Services } from '../../src-main/services/index.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'
import { exampleOf, POLLUTION_KEYS, selectAllRowsSQL, UNICODE_EDGES } from './fuzz-inputs.ts'
import type { Schema } from './fuzz-inputs.ts'

/**
 * Boundary fuzzing of the local REST API: every endpoint of the route table (the one the server
 * and the OpenAPI document are built from, so a new endpoint is fuzzed without touching this file)
 * gets KEYSTEAD_API_FUZZ_RUNS malformed requests (2,000 by default): broken and wrong-typed JSON
 * bodies, wrong content types, oversized bodies and headers, bad query strings, malformed path
 * parameters, bad or missing credentials, `__proto__`/`constructor` keys, deep nesting, lone
 * surrogates, NUL bytes and invalid UTF-8, wrong and unknown methods, foreign Host and Origin
 * headers, broken request lines. A valid write credential is sent unless the credential is what is
 * being fuzzed, so validation (not just authentication) is exercised. Every answer must be a 4xx
 * problem+json document (`type`, `title`, `status` matching the status line), nothing may be logged
 * as a failure (a 500), the database must not change (row for row after each request, byte for
 * byte after each endpoint), and the server answers normally at the end.
 */
const PER_ENDPOINT = Number(process.env.KEYSTEAD_API_FUZZ_RUNS ?? 2_000)
const FIXED_NOW = Date.parse('2026-11-23T12:00:00Z')
const OWNER = { username: 'fuzzOwner', password: 'owner password 7' }
const OTHER = { username: 'otherOne', password: 'other password 8' }

let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let server: RunningApiServer
let agent: Agent
const secrets = { apiKey: '', readToken: '', disabledToken: '', otherToken: '' }
const logged: string[] = []
/** The throttle's own clock: a second per request, so bursts of bad credentials get 429 now and then. */
let throttleNow = FIXED_NOW

beforeAll(async () => {
  dir = makeTempDir('keystead-api-fuzz-')
  // A fixed clock: a credential's "last used" is written once (warm-up below), then never again.
  ;({ db, services } = await openTestServices(dir.path, () => FIXED_NOW))
  const owner = await services.accounts.createAccount({ ...OWNER, fullName: 'Fuzz Owner', email: 'owner@example.test' })
  const other = await services.accounts.createAccount({ ...OTHER, fullName: 'Other One' })
  // The other account owns the rows a fuzzed id might name (SSH key 1, a session): the owner's credential must get 404.
  services.sshKeys.addKey(other.id, { title: 'other key', publicKey: buildEd25519Line('other@host'), expiresOn: null })
  await services.auth.signIn({ username: OTHER.username, password: OTHER.password, origin: 'app', device: FAKE_DEVICE })
  secrets.apiKey = services.apiKeys.revealApiKey(owner.id)
  secrets.readToken = services.tokens.createToken(owner.id, { title: 'read', scope: 'read-only', isEnabled: true, expiry: { kind: 'never' } }).token
  secrets.disabledToken = services.tokens.createToken(owner.id, { title: 'off', scope: 'read-write', isEnabled: false, expiry: { kind: 'never' } }).token
  secrets.otherToken = services.tokens.createToken(other.id, { title: 'other', scope: 'read-write', isEnabled: true, expiry: { kind: 'never' } }).token
  const log: Logger = { info: () => {}, error: (message, error) => logged.push(`${message}: ${(error as Error)?.stack ?? String(error)}`) }
  server = await startLocalApiServer({
    services,
    verifier: createServicesCredentialVerifier(services),
    log,
    port: 0,
    throttle: createFailureThrottle({ clock: () => throttleNow }),
  })
  agent = new Agent({ keepAlive: true, maxSockets: 1 })
  for (const secret of [secrets.apiKey, secrets.readToken, secrets.otherToken]) {
    expect((await send({ transport: 'http', method: 'GET', path: `${API_PREFIX}/users/me`, headers: { ...hostHeader(), authorization: `Bearer ${secret}` } })).status).toBe(200)
  }
})
afterAll(async () => {
  agent?.destroy()
  await server?.close()
  db?.close()
  dir?.remove()
})

// ----- database fingerprints (as in ipc-fuzz) -----
function fingerprintRows(): string {
  const hash = createHash('sha256')
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>
  for (const { name } of tables) {
    hash.update(name).update(JSON.stringify(db.prepare(selectAllRowsSQL(db, name)).all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
  }
  return hash.digest('hex')
}

function fingerprintFile(): string {
  db.pragma('wal_checkpoint(TRUNCATE)')
  return createHash('sha256').update(readFileSync(join(dir.path, 'keystead.db'))).digest('hex')
}

// ----- transport -----
interface FuzzRequest {
  /** 'http': node's client (keep-alive); 'raw': these exact bytes on a new connection. */
  transport: 'http' | 'raw'
  method: string
  path: string
  headers: Record<string, string>
  body?: Buffer
  /** Send the body in two chunks (chunked transfer encoding, no Content-Length). */
  chunked?: boolean
  raw?: Buffer
  /** What was done to the request, for failure messages. */
  what?: string
}

interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

const hostHeader = () => ({ host: `127.0.0.1:${server.port}` })

function sendHttp(request: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: request.method, path: request.path, headers: request.headers, setHost: false, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') }),
      )
      res.on('error', reject)
    })
    // The server may answer (413, 431) and close before the whole body went out: the answer is what counts.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)))
    // A connection reset before any answer would otherwise leave this promise pending forever.
    req.setTimeout(10_000, () => {
      req.destroy()
      reject(new Error(`${request.what ?? request.method} ${request.path}: no answer within 10 s`))
    })
    if (request.body && request.chunked) {
      const half = Math.floor(request.body.length / 2)
      req.write(request.body.subarray(0, half))
      req.end(request.body.subarray(half))
    } else req.end(request.body)
  })
}

function parseRawAnswer(bytes: Buffer): Answer {
  const split = bytes.indexOf('\r\n\r\n')
  if (split < 0) throw new Error(`no complete answer: ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`)
  const [statusLine, ...headerLines] = bytes.subarray(0, split).toString('latin1').split('\r\n')
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
  let body = bytes.subarray(split + 4)
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = []
    for (let at = 0; ; ) {
      const end = body.indexOf('\r\n', at)
      const size = parseInt(body.subarray(at, end).toString('latin1'), 16)
      if (!size) break
      parts.push(body.subarray(end + 2, end + 2 + size))
      at = end + 2 + size + 2
    }
    body = Buffer.concat(parts)
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') }
}

function sendRaw(bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    const finish = () => {
      try {
        resolve(parseRawAnswer(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    }
    socket.on('end', finish)
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? finish() : reject(error)))
    socket.setTimeout(10_000, () => {
      socket.destroy()
      reject(new Error('the server did not answer within 10 s'))
    })
    socket.end(bytes)
  })
}

function send(request: FuzzRequest): Promise<Answer> {
  throttleNow += 1000
  return request.transport === 'raw' ? sendRaw(request.raw!) : sendHttp(request)
}

// ----- inputs -----
const JUNK_VALUES: unknown[] = [null, 0, -0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, true, false, [], {}, [null], { a: 1 }, 'x'.repeat(2_000), 'x'.repeat(60_000), ...UNICODE_EDGES]
const MALFORMED_JSON = [
  '',
  ' ',
  '{',
  '}',
  '{"a":',
  '{"a" 1}',
  '[1,]',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  'NaN',
  'Infinity',
  'undefined',
  "{\"a\":'x'}",
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"unterminated}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":+1}',
  '{"a":0x10}',
  '/* comment */ {}',
  '{"a":1} // trailing',
  '\u0000',
  '"\u0000"',
  '['.repeat(10_000),
]
const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from('{"publicKey":"\xc0\xaf","fullName":"\xed\xa0\x80"}', 'latin1'),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x22, 0x7d]),
  Buffer.from('\ufeff{}', 'utf16le'),
]

const deepArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

/** Percent-encodes every UTF-8 byte (a lone surrogate becomes U+FFFD's bytes, as a browser would send it). */
const encodeAll = (value: string) => [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')
/** Makes a string safe for a header value in node's client (no controls, latin-1 only). */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')

/** JSON text for anything, including what JSON.stringify cannot say (bigint, undefined). */
function toJsonText(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))
  return text === undefined ? '' : text
}

// ----- requests per endpoint -----
interface Endpoint {
  route: RouteDefinition
  key: string
}

const routes = createRouteTable()
const compiled = routes.map(compileRoute)
const endpoints: Endpoint[] = routes.map((route) => ({ route, key: `${route.method} ${route.path}` }))
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'SEARCH']
const UNKNOWN_METHODS = ['BREW', 'FOO', 'get', 'G3T', 'GETT', 'PATCHX', 'DELETE\tX']

function paramNames(route: RouteDefinition): string[] {
  return [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!)
}

/** The path with each parameter replaced by an (already encoded) segment; '0' names nothing the owner has. */
function pathOf(route: RouteDefinition, segments: Record<string, string> = {}): string {
  return API_PREFIX + route.path.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => segments[name] ?? '0')
}

/** Whether a request with these parts would pass the route's schemas (such candidates are dropped: only malformed ones are sent). */
function queryPasses(route: RouteDefinition, query: string): boolean {
  const parsed = Object.fromEntries(new URL(`http://x/?${query}`).searchParams)
  return route.query ? route.query.safeParse(parsed).success : true
}

type Mutation = (base: FuzzRequest, route: RouteDefinition) => FuzzRequest | null

function mutationsFor(route: RouteDefinition): Array<{ weight: number; arbitrary: fc.Arbitrary<Mutation> }> {
  const list: Array<{ weight: number; arbitrary: fc.Arbitrary<Mutation> }> = []
  const add = (weight: number, arbitrary: fc.Arbitrary<Mutation>) => list.push({ weight, arbitrary })
  const header = (name: string, value: string | null, what: string): Mutation => (base) => {
    const headers = { ...base.headers }
    if (value === null) delete headers[name]
    else headers[name] = value
    return { ...base, headers, what }
  }
  const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(...UNICODE_EDGES))

  // Credentials: missing, malformed, unknown, disabled, someone else's... and a read-only one for a write.
  if (route.access !== 'public') {
    const key = secrets.apiKey
    const badAuth = [
      null,
      '',
      'Bearer',
      'Bearer ',
      `bearer ${key}`,
      `BEARER ${key}`,
      `Bearer  ${key} extra`,
      `Bearer ${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`,
      `Bearer ${key}${key}`,
      `Bearer ${key.slice(0, 10)}`,
      `Bearer ${'A'.repeat(600)}`,
      `Bearer ${generateCredential(CredentialKind.Token)}`,
      `Bearer ${generateCredential(CredentialKind.ApiKey)}`,
      `Bearer ${secrets.disabledToken}`,
      'Basic YWxpY2U6eA==',
      `Token ${key}`,
      `Bearer ${key},Bearer ${key}`,
      'Bearer __proto__',
      'Bearer constructor',
      'Bearer ksk_',
      'Bearer kst_',
    ]
    add(
      2,
      fc.oneof(
        fc.constantFrom(...badAuth).map((value) => header('authorization', value, `authorization ${JSON.stringify(value)}`)),
        anyString.map((s) => header('authorization', headerSafe(`Bearer ${s}`), 'random bearer')),
      ),
    )
    if (route.access === 'write') add(1, fc.constant(header('authorization', `Bearer ${secrets.readToken}`, 'read-only token on a write')))
  }

  // Path parameters.
  const names = paramNames(route)
  if (names.length > 0) {
    const rawSegments = [
      '%',
      '%%',
      '%zz',
      '%E0%A4%A',
      '%ED%A0%80',
      '%C0%AF',
      '%FF',
      '%00',
      'a%00b',
      '%2F',
      '..%2F..%2F',
      '%2e%2e',
      '__proto__',
      'constructor',
      'prototype',
      '-1',
      '1e3',
      '0x1f',
      '1.5',
      '+1',
      '%201',
      '99999999999999999999',
      '1234567890123',
      'A'.repeat(5_000),
      '%20',
      encodeAll('\u202e'),
      '\u00e9',
      '\u00ff\u00fe',
    ]
    add(
      3,
      fc
        .tuple(fc.constantFrom(...names), fc.oneof(fc.constantFrom(...rawSegments), anyString.map(encodeAll), fc.stringMatching(/^[A-Za-z0-9_.~-]{1,80}$/)))
        .map(([name, segment]): Mutation => (base, r) => {
          // Never a name that exists (a valid public username would answer 200); no id names anything of the owner's.
          let decoded: string | null
          try {
            decoded = decodeURIComponent(segment).toLowerCase()
          } catch {
            decoded = null
          }
          if (decoded !== null && [OWNER.username, OTHER.username].some((n) => n.toLowerCase() === decoded)) return null
          const withQuery = base.path.includes('?') ? base.path.slice(base.path.indexOf('?')) : ''
          return { ...base, path: pathOf(r, { [name]: segment }) + withQuery, what: `path ${name}=${JSON.stringify(segment.slice(0, 60))}` }
        }),
    )
  }

  // Query strings (only where the route reads its query: elsewhere a query is ignored, by design).
  if (route.query) {
    const pairs = [
      'limit=-1',
      'limit=0',
      'limit=1001',
      'limit=abc',
      'limit=1.5',
      'limit=%00',
      'limit=',
      'limit=99999999',
      'limit=1e2',
      'limit=+5',
      'limit=%205',
      'offset=-1',
      'offset=1e9',
      'offset=1000001',
      '__proto__=1',
      '__proto__[polluted]=yes',
      'constructor=1',
      'constructor[prototype][polluted]=yes',
      'limit[]=1',
      'limit=1;offset=2',
      '%zz=1',
      'limit=%zz',
      'a=1',
      `${'a'.repeat(8_000)}=1`,
      `limit=${'9'.repeat(8_000)}`,
      'limit=%F0%9F%92%A9',
      'limit=%ED%A0%80',
    ]
    add(
      3,
      fc
        .oneof(
          fc.array(fc.constantFrom(...pairs), { minLength: 1, maxLength: 4 }).map((list) => list.join('&')),
          fc.dictionary(anyString, anyString, { minKeys: 1, maxKeys: 4 }).map((d) =>
            Object.entries(d)
              .map(([k, v]) => `${encodeAll(k)}=${encodeAll(v)}`)
              .join('&'),
          ),
          anyString.map((s) => encodeAll(s).replace(/%3D/g, '=').replace(/%26/g, '&')),
        )
        .map((query): Mutation => (base, r) => (queryPasses(r, query) ? null : { ...base, path: `${base.path.split('?')[0]}?${query}`, what: `query ${JSON.stringify(query.slice(0, 80))}` })),
    )
  }

  // Bodies (only where the route reads one).
  if (route.body) {
    const schema = route.body as Schema
    const example = exampleOf(schema) as Record<string, unknown>
    const fields = example !== null && typeof example === 'object' ? Object.keys(example) : []
    /** Only malformed bodies are sent: one the server would parse into something the schema accepts is dropped. */
    const acceptedBySchema = (bytes: Buffer) => {
      try {
        return schema.safeParse(JSON.parse(bytes.toString('utf8'))).success
      } catch {
        return false
      }
    }
    const withBody = (text: string | Buffer, what: string): Mutation => (base) => {
      const body = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')
      return acceptedBySchema(body) ? null : { ...base, headers: { ...base.headers, 'content-type': 'application/json' }, body, what }
    }
    const jsonValue = (value: unknown, what: string): Mutation => withBody(toJsonText(value), what)
    const anything = fc.anything({ maxDepth: 4, withBigInt: true, withNullPrototype: true, withSparseArray: true, withUnicodeString: true })
    const junk = fc.oneof(anything, anyString, fc.constantFrom(...JUNK_VALUES))
    // A VALID body with the wrong content type: only the type stops it.
    add(
      2,
      fc
        .constantFrom(null, '', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json-seq', 'text/json', '*/*', 'application/problem+json', 'json')
        .map((type): Mutation => (base) => {
          const headers = { ...base.headers }
          if (type === null) delete headers['content-type']
          else headers['content-type'] = type
          return { ...base, headers, body: Buffer.from(toJsonText(example)), what: `content-type ${JSON.stringify(type)}` }
        }),
    )
    add(
      3,
      fc.oneof(
        fc.constantFrom(...MALFORMED_JSON).map((text) => withBody(text, `malformed JSON ${JSON.stringify(text.slice(0, 30))}`)),
        fc.string({ unit: 'binary', maxLength: 300 }).map((text) => withBody(text, 'random text as JSON')),
        fc.constantFrom(...INVALID_UTF8).map((bytes) => withBody(bytes, 'invalid UTF-8')),
        fc.constantFrom(deepArray(10_000), deepObject(5_000), deepArray(100), deepObject(1_000)).map((text) => withBody(text, 'deep nesting')),
      ),
    )
    add(
      4,
      fc.oneof(
        junk.map((value) => jsonValue(value, 'a value of another shape')),
        ...(fields.length > 0
          ? [
              fc.tuple(fc.constantFrom(...fields), junk).map(([key, value]) => jsonValue({ ...example, [key]: value }, `field ${key} replaced`)),
              fc.constantFrom(...fields).map((key) => jsonValue(Object.fromEntries(Object.entries(example).filter(([k]) => k !== key)), `field ${key} missing`)),
              fc.constantFrom(...UNICODE_EDGES).map((s) => jsonValue(Object.fromEntries(fields.map((key) => [key, s])), 'unicode edge cases in every field')),
            ]
          : []),
        fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), anyString), junk).map(([key, value]) => {
          // Written as JSON text, so `__proto__` arrives as an own key, the way an attacker sends it.
          const text = `{${JSON.stringify(key)}:${toJsonText(value) || 'null'},${toJsonText(example).slice(1)}`
          return withBody(text, `extra key ${JSON.stringify(key)}`)
        }),
        fc.constantFrom(...POLLUTION_KEYS).map((key) => withBody(`{${JSON.stringify(key)}:{"polluted":"yes","isAdmin":true}}`, `pollution ${key}`)),
        fc.constantFrom([example], toJsonText(example), { body: example }, [example, example]).map((value) => jsonValue(value, 'example wrapped')),
      ),
    )
  }

  // Everything else, for every endpoint.
  const otherMethods = METHODS.filter((method) => matchRoute(compiled, method, route.path.replace(/\{[A-Za-z]+\}/g, '0')).kind !== 'found')
  if (otherMethods.length > 0) {
    add(1, fc.constantFrom(...otherMethods).map((method): Mutation => (base) => ({ ...base, method, what: `method ${method}` })))
  }
  add(
    1,
    fc
      .constantFrom('evil.example', 'evil.example:7420', 'localhost.evil.example', '127.0.0.1.nip.io', '127.0.0.2', '0.0.0.0', '[::2]', 'localhost:abc', '127.0.0.1:123456', 'localhost@evil', '', 'LOCALHOST\u00e9')
      .map((host) => header('host', host, `host ${JSON.stringify(host)}`)),
  )
  add(
    1,
    fc
      .constantFrom('https://evil.example', 'null', 'http://127.0.0.1.evil.example', 'file://', 'http://localhost:7420/x', 'chrome-extension://abc', 'http://[::1', '')
      .map((origin) => header('origin', origin, `origin ${JSON.stringify(origin)}`)),
  )
  add(
    1,
    fc
      .constantFrom('/', '/x', '.json', '%2F', '//', '/%00', '%00', '/.', ';x', '.keys.keys')
      .map((suffix): Mutation => (base) => ({ ...base, path: base.path.split('?')[0] + suffix, what: `path suffix ${JSON.stringify(suffix)}` })),
  )
  add(
    1,
    fc
      .constantFrom('/api/v1', '/API/v2', '/api/v3', '/api', '/api/v2/api/v2', '/%61pi/v2', '/api/v2%2F..')
      .map((prefix): Mutation => (base) => ({ ...base, path: prefix + base.path.slice(API_PREFIX.length), what: `prefix ${prefix}` })),
  )
  // Too much: a body over 64 KB (declared or streamed), headers over 16 KB.
  add(
    1,
    fc.constantFrom(
      ((base) => ({ ...base, headers: { ...base.headers, 'content-type': 'application/json' }, body: Buffer.alloc(70_000, 0x20), what: '70 KB body' })) as Mutation,
      ((base) => ({ ...base, headers: { ...base.headers, 'content-type': 'application/json' }, body: Buffer.from(`{"a":"${'x'.repeat(80_000)}"}`), chunked: true, what: '80 KB chunked body' })) as Mutation,
      ((base) => ({ ...base, headers: { ...base.headers, 'x-padding': 'a'.repeat(20_000) }, what: '20 KB header' })) as Mutation,
      ((base) => rawOf(base, { extraHeaders: ['Content-Length: 1000000'], what: 'declared 1 MB body, none sent' })) as Mutation,
    ),
  )
  // Bytes node's client would not send: Node's parser refuses them (clientError).
  add(
    1,
    fc.oneof(
      fc.constantFrom(...UNKNOWN_METHODS).map((method): Mutation => (base) => rawOf({ ...base, method }, { what: `unknown method ${method}` })),
      fc
        .constantFrom('X-A: a\u0000b', 'broken header', 'X-A: a\rb', ' Folded: x', 'Content-Length: -1', 'Content-Length: 1, 2', 'Transfer-Encoding: chunked, identity', 'Host: a\u0000b')
        .map((line): Mutation => (base) => rawOf(base, { extraHeaders: [line], what: `header line ${JSON.stringify(line)}` })),
      fc
        // (No version at all is HTTP/0.9 to Node's parser: a valid request, so not here.)
        .constantFrom('HTTP/9.9', 'HTTP/1.1 extra', 'HTTP/1', 'HTTX/1.1', 'HTTP/1.1\u0000')
        .map((version): Mutation => (base) => rawOf(base, { version, what: `version ${JSON.stringify(version)}` })),
      fc
        .constantFrom('hello', '\u0000\u0001\u0002', 'GET', 'GET /api/v2/users/me HTTP/1.1\nHost: x\n\n')
        .map((line): Mutation => () => ({ transport: 'raw', method: '', path: '', headers: {}, raw: Buffer.from(`${line}\r\n\r\n`, 'latin1'), what: `request line ${JSON.stringify(line)}` })),
      fc.constant(((base) => rawOf(base, { path: base.path.replace('/api', '/a pi'), what: 'a space in the path' })) as Mutation),
      fc.constant(((base) => rawOf(base, { extraHeaders: ['Transfer-Encoding: chunked'], body: 'zz\r\nnope\r\n0\r\n\r\n', what: 'bad chunk size' })) as Mutation),
    ),
  )
  return list
}

/** The request as raw bytes (Connection: close), with changes node's client would refuse to make. */
function rawOf(base: FuzzRequest, change: { extraHeaders?: string[]; version?: string; path?: string; body?: string; what: string }): FuzzRequest {
  const version = change.version ?? 'HTTP/1.1'
  const headers = Object.entries(base.headers).map(([name, value]) => `${name}: ${value}`)
  const body = change.body ?? ''
  const lines = [`${base.method} ${change.path ?? base.path}${version ? ` ${version}` : ''}`, ...headers, ...(change.extraHeaders ?? []), 'Connection: close']
  return { ...base, transport: 'raw', raw: Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1'), what: change.what }
}

/** A request the route would accept but for the one mutation: the owner's write credential, ids that name nothing, an invalid body. */
function baseRequest(route: RouteDefinition): FuzzRequest {
  const headers: Record<string, string> = { ...hostHeader() }
  if (route.access !== 'public') headers.authorization = `Bearer ${route.access === 'write' ? secrets.apiKey : secrets.readToken}`
  let body: Buffer | undefined
  if (route.body) {
    headers['content-type'] = 'application/json'
    // Refused by the schema whatever else happens, so no mutation can turn the request into a write.
    const refused = [{ __fuzz: true }, null, []].find((value) => !route.body!.safeParse(value).success)
    body = Buffer.from(JSON.stringify(refused))
  }
  return { transport: 'http', method: route.method, path: pathOf(route), headers, body }
}

function requestsFor(endpoint: Endpoint, count: number, seed: number): FuzzRequest[] {
  const mutations = mutationsFor(endpoint.route)
  const arbitrary = fc.oneof(...mutations.map(({ weight, arbitrary: a }) => ({ weight, arbitrary: a })))
  const base = baseRequest(endpoint.route)
  const requests: FuzzRequest[] = []
  for (let round = 0; requests.length < count && round < 10; round++) {
    for (const mutation of fc.sample(arbitrary, { numRuns: count, seed: seed + round })) {
      const request = mutation(base, endpoint.route)
      if (request) requests.push(request)
      if (requests.length === count) break
    }
  }
  return requests
}

// ----- the run -----
const totals = { requests: 0, byStatus: {} as Record<number, number>, raw: 0, endpoints: 0, byteIdentical: 0 }

describe('every API endpoint under malformed requests', () => {
  it('covers every path and method of the route table and the OpenAPI document', () => {
    const document = buildOpenApiDocument(routes) as { paths: Record<string, Record<string, unknown>> }
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    expect(endpoints.map((e) => e.key).sort()).toEqual(documented.sort())
    expect(endpoints.length).toBeGreaterThanOrEqual(11)
  })

  it.each(endpoints.map((e) => [e.key, e] as const))(`%s: ${PER_ENDPOINT} malformed requests, 4xx problem+json only, database unchanged`, async (_key, endpoint) => {
    const requests = requestsFor(endpoint, PER_ENDPOINT, endpoint.key.length * 7919)
    expect(requests.length).toBe(PER_ENDPOINT)
    const fileBefore = fingerprintFile()
    const rowsBefore = fingerprintRows()
    for (const request of requests) {
      let answer: Answer
      try {
        answer = await send(request)
      } catch (error) {
        throw new Error(`${endpoint.key} (${request.what}): no answer: ${(error as Error).message}`)
      }
      const where = `${endpoint.key} (${request.what}) answered ${answer.status}: ${answer.body.slice(0, 300)}`
      totals.requests++
      totals.byStatus[answer.status] = (totals.byStatus[answer.status] ?? 0) + 1
      if (request.transport === 'raw') totals.raw++
      expect(answer.status >= 400 && answer.status < 500, where).toBe(true)
      expect(answer.headers['content-type'], where).toBe('application/problem+json')
      let problem: ReturnType<typeof problemSchema.parse>
      try {
        problem = problemSchema.parse(JSON.parse(answer.body))
      } catch (error) {
        throw new Error(`${where}: not a problem document (${(error as Error).message})`)
      }
      expect(problem.status, where).toBe(answer.status)
      expect(problem.type.length > 0 && problem.title.length > 0, where).toBe(true)
      // Problems never echo the (possibly huge, possibly secret) input.
      expect(problem.detail.length, where).toBeLessThan(500)
      expect(answer.body.length, where).toBeLessThan(6_000)
      expect(JSON.stringify(problem)).not.toContain(secrets.apiKey)
      const rows = fingerprintRows()
      expect(rows, `${where}: the database changed`).toBe(rowsBefore)
    }
    expect(fingerprintFile(), `${endpoint.key}: the database file changed`).toBe(fileBefore)
    totals.byteIdentical++
    totals.endpoints++
    expect(logged, 'failures the server logged (500s)').toEqual([])
    // Nothing polluted Object.prototype; the server still answers a valid request.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
    // Past the throttle's minute, in case the last requests were bad credentials.
    throttleNow += 61_000
    const health = await send({ transport: 'http', method: 'GET', path: `${API_PREFIX}/users/me`, headers: { ...hostHeader(), authorization: `Bearer ${secrets.apiKey}` } })
    expect(health.status).toBe(200)
  }, 600_000)

  it('still serves valid requests and printed its counts', async () => {
    const openapi = await send({ transport: 'http', method: 'GET', path: `${API_PREFIX}/openapi.json`, headers: hostHeader() })
    expect(openapi.status).toBe(200)
    const keys = await send({ transport: 'http', method: 'GET', path: `${API_PREFIX}/users/${OTHER.username}.keys`, headers: hostHeader() })
    expect(keys.status).toBe(200)
    expect(keys.body).toContain('ssh-ed25519 ')
    const statuses = Object.entries(totals.byStatus)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ')
    console.log(
      `API fuzzing: ${endpoints.length} endpoints, ${totals.requests} malformed requests (${PER_ENDPOINT} per endpoint, ${totals.raw} as raw bytes), all answered 4xx problem+json (${statuses}), no 5xx, nothing logged, database rows unchanged after every request and the file byte-identical after each of the ${totals.byteIdentical} endpoints; the server answers 200 afterwards`,
    )
    expect(totals.requests).toBe(endpoints.length * PER_ENDPOINT)
  })
})
