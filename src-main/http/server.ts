import { createServer, STATUS_CODES } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { z } from 'zod'
import type { Logger } from '../log.ts'
import type { Clock } from '../services/clock.ts'
import { KeysteadError } from '../services/errors.ts'
import { DEFAULT_LOCAL_API_PORT, LOCAL_API_HOST } from '../services/settings-service.ts'
import { isAdministrator } from '../services/role-rules.ts'
import { runAsSecurityActor } from '../services/audit-service.ts'
import { requireSensitiveAction } from '../services/sensitive-actions.ts'
import type { Services } from '../services/index.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import type { CredentialCheck, CredentialVerifier } from './credentials.ts'
import { API_PREFIX } from './openapi.ts'
import { baseHeaders, problem, problemFromError, sendProblem } from './problem.ts'
import type { AuthContext, RouteContext, RouteDefinition } from './route.ts'
import { compileRoute, matchRoute } from './route.ts'
import { createRouteTable } from './routes.ts'
import { createFailureThrottle } from './throttle.ts'
import type { FailureThrottle } from './throttle.ts'

export const BODY_LIMIT_BYTES = 64 * 1024

/**
 * The limits the local API enforces on every connection (README: "Local REST API", "Limits"):
 * - `headersTimeoutMs`: the request line and headers must have arrived this long after the request
 *   started (a connection that sends nothing is closed then too); else 408 and the connection is closed.
 * - `requestTimeoutMs`: the whole request, body included, must have arrived by then; else 408 and close.
 * - `maxConnections`: open connections at once; one more is closed at once, without an answer.
 * - `keepAliveTimeoutMs`: an idle kept-alive connection is closed after this long.
 * Node checks the two timeouts every `connectionsCheckingInterval`; it is set to a quarter of the headers
 * timeout (at most 1 s), so a slow client is closed within that much after its limit (Node's default,
 * 30 s, let them stay about 39 s).
 */
export interface LocalApiLimits {
  headersTimeoutMs: number
  requestTimeoutMs: number
  maxConnections: number
  keepAliveTimeoutMs: number
}

export const LOCAL_API_LIMITS: Readonly<LocalApiLimits> = Object.freeze({ headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, maxConnections: 64, keepAliveTimeoutMs: 5_000 })

/** Host names a loopback server may be addressed by; anything else is DNS rebinding or a proxy. */
const LOOPBACK_HOST_HEADER = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i
const LOOPBACK_ORIGIN = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i

export interface ApiHandlerOptions {
  services: Services
  verifier: CredentialVerifier
  clock?: Clock
  log: Logger
  throttle?: FailureThrottle
  /** Routes beyond the built-in ones (phase 2 passes ssh-keys and tokens routes here or adds them to routes.ts). */
  extraRoutes?: RouteDefinition[]
}

class HttpProblem extends Error {
  readonly status: number
  readonly code: string
  readonly extra: Parameters<typeof problem>[3]
  readonly headers: Record<string, string>
  constructor(status: number, code: string, detail: string, extra: Parameters<typeof problem>[3] = {}, headers: Record<string, string> = {}) {
    super(detail)
    this.status = status
    this.code = code
    this.extra = extra
    this.headers = headers
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? '0')
  if (declared > BODY_LIMIT_BYTES) {
    return Promise.reject(new HttpProblem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 64 KB.', { reason: 'request.tooLarge' }, { connection: 'close' }))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > BODY_LIMIT_BYTES) {
        request.removeAllListeners('data')
        request.resume()
        reject(new HttpProblem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 64 KB.', { reason: 'request.tooLarge' }, { connection: 'close' }))
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    // The client went away (or broke the stream) before the body was complete: its refusal, not a server failure.
    request.on('error', () => reject(new HttpProblem(400, 'BAD_REQUEST', 'The request body did not arrive completely.', { reason: 'request.incomplete' }, { connection: 'close' })))
  })
}

/** Issue texts may quote the input (an unknown key's name); a problem never echoes more than a little of it. */
const ISSUE_TEXT_MAX = 120

function clip(text: string): string {
  return text.length > ISSUE_TEXT_MAX ? `${text.slice(0, ISSUE_TEXT_MAX - 1)}…` : text
}

function validationProblem(error: z.ZodError, where: string): HttpProblem {
  const errors = error.issues.slice(0, 20).map((issue) => ({ path: clip(issue.path.map(String).join('.') || where), message: clip(issue.message) }))
  const first = errors[0]
  return new HttpProblem(422, 'VALIDATION', `Invalid ${where}${first ? `: ${first.path} ${first.message}` : ''}.`, {
    reason: 'input.invalid',
    ...(first && first.path !== where ? { field: first.path } : {}),
    errors,
  })
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return {} as T
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw validationProblem(parsed.error, where)
  return parsed.data
}

const EMPTY_BODY = Buffer.alloc(0)

/** What a route gave, to be answered. */
interface Reply {
  route: RouteDefinition
  result: unknown
}

/** A matched route with what the URL gave it. */
interface Found {
  route: RouteDefinition
  params: Record<string, string>
  /** The query's parameters; null when the target has no query. */
  searchParams: URLSearchParams | null
}

/**
 * A request target that the URL parser would take as it is: a path of letters, digits, `_`, `-` and
 * `/` (no second `/` at the start, no dot segment, no percent escape, no query or fragment). Its
 * pathname is the target itself, so the hot path skips `new URL`; any other target is parsed.
 */
const PLAIN_PATH = /^\/(?!\/)[\w\-/]*$/

/** The pathname and query of a request target, as `new URL(target, 'http://127.0.0.1')` reads them. */
function parseTarget(target: string): { pathname: string; searchParams: URLSearchParams | null } {
  if (PLAIN_PATH.test(target)) return { pathname: target, searchParams: null }
  const url = new URL(target, 'http://127.0.0.1')
  return { pathname: url.pathname, searchParams: url.search === '' ? null : url.searchParams }
}
/** Answers' headers, made once (every answer carries the same ones for its type). */
const JSON_HEADERS = Object.freeze(baseHeaders('application/json; charset=utf-8'))
const TEXT_HEADERS = Object.freeze(baseHeaders('text/plain; charset=utf-8'))

function contentTypeOf(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
}

function parseJsonBody(request: IncomingMessage, raw: Buffer): unknown {
  if (contentTypeOf(request) !== 'application/json') throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', { reason: 'request.contentType' })
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw new HttpProblem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.', { reason: 'request.malformedJson' })
  }
}

/** application/x-www-form-urlencoded (RFC 7662 requests); a parameter given twice is refused (RFC 6749 section 3.1). */
function parseFormBody(request: IncomingMessage, raw: Buffer): Record<string, string> {
  if (contentTypeOf(request) !== 'application/x-www-form-urlencoded') {
    throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/x-www-form-urlencoded.', { reason: 'request.contentType' })
  }
  const fields: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) {
    if (Object.hasOwn(fields, name)) throw new HttpProblem(400, 'BAD_REQUEST', `The parameter ${clip(name)} is given more than once.`, { reason: 'request.duplicateParameter' })
    fields[name] = value
  }
  return fields
}

function bearerOf(request: IncomingMessage): string | null {
  const header = request.headers.authorization
  if (typeof header !== 'string') return null
  const match = /^Bearer +([\x21-\x7e]{1,512})$/.exec(header.trim())
  return match ? match[1]! : null
}

/**
 * The request handler of the local API, without the listening socket (tests may call
 * it through any server). Order: Host and Origin checks, route, authentication (with
 * throttling), scope, body (size, type, JSON, schema), run, answer.
 */
export function createApiRequestHandler(options: ApiHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const clock = options.clock ?? options.services.clock
  const throttle = options.throttle ?? createFailureThrottle({ clock })
  const table = createRouteTable(options.extraRoutes).map(compileRoute)
  const unauthorized = (detail: string, reason: string) =>
    new HttpProblem(401, 'UNAUTHENTICATED', detail, { reason }, { 'www-authenticate': 'Bearer realm="keystead"' })

  /**
   * Who is calling, from the Authorization header. Synchronous when the verifier is (the app's and
   * `serve`'s are): the local API's hot path then answers without a single promise hop.
   */
  function authenticate(request: IncomingMessage, route: RouteDefinition): AuthContext | Promise<AuthContext> {
    const client = request.socket.remoteAddress ?? 'unknown'
    const wait = throttle.retryAfterSeconds(client)
    if (wait > 0) {
      throw new HttpProblem(429, 'THROTTLED', `Too many failed authentications. Try again in ${wait} seconds.`, { reason: 'auth.throttled' }, { 'retry-after': String(wait) })
    }
    const secret = bearerOf(request)
    if (!secret) {
      throttle.recordFailure(client)
      throw unauthorized('Send an access token or API key as "Authorization: Bearer <secret>".', 'auth.missing')
    }
    const check = options.verifier.verify(secret)
    return check instanceof Promise ? check.then((result) => authorize(client, route, result)) : authorize(client, route, check)
  }

  function authorize(client: string, route: RouteDefinition, check: CredentialCheck): AuthContext {
    const account = check.ok ? (check.account ?? findAccount(options.services, check.accountId)) : undefined
    if (!check.ok || !account) {
      throttle.recordFailure(client)
      throw unauthorized('The access token or API key is not valid.', 'auth.invalid')
    }
    if (route.access === 'introspect') {
      if (check.scope !== 'introspect') throw new HttpProblem(403, 'FORBIDDEN', 'Only an access token with the introspect scope may introspect.', { reason: 'auth.introspectScope' })
      if (!isAdministrator(options.services.accounts.getAccount(check.accountId))) {
        throw new HttpProblem(403, 'FORBIDDEN', "The introspect token's account is not an administrator.", { reason: 'admin.required' })
      }
    } else if (check.scope === 'introspect') {
      throw new HttpProblem(403, 'FORBIDDEN', 'An introspect token may only call POST /api/v2/introspect.', { reason: 'auth.introspectOnly' })
    } else if ((route.access === 'write' || route.access === 'admin') && check.scope !== 'write') {
      throw new HttpProblem(403, 'FORBIDDEN', 'This credential may only read.', { reason: 'auth.readOnly' })
    }
    if (route.access === 'admin' && !isAdministrator(options.services.accounts.getAccount(check.accountId))) {
      throw new HttpProblem(403, 'FORBIDDEN', 'Only an administrator can do this.', { reason: 'admin.required' })
    }
    return { accountId: check.accountId, scope: check.scope, account, credential: check.credential ?? 'api-key', tokenId: check.tokenId ?? null }
  }

  /** Steps 1-3: Host and Origin, route, authentication. Throws an HttpProblem for a refusal. */
  function handle(request: IncomingMessage): Reply | Promise<Reply> {
    const host = request.headers.host ?? ''
    if (!LOOPBACK_HOST_HEADER.test(host)) {
      throw new HttpProblem(421, 'MISDIRECTED', 'This server answers only to 127.0.0.1, localhost or [::1].', { reason: 'request.badHost' })
    }
    const origin = request.headers.origin
    if (origin !== undefined && !LOOPBACK_ORIGIN.test(origin)) {
      throw new HttpProblem(403, 'FORBIDDEN', 'Requests from web pages are refused.', { reason: 'request.crossOrigin' })
    }
    const url = parseTarget(request.url ?? '/')
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) throw new HttpProblem(404, 'NOT_FOUND', 'There is nothing here. The API lives under /api/v2.', { reason: 'request.notFound' })
    let match
    try {
      match = matchRoute(table, request.method ?? 'GET', url.pathname.slice(API_PREFIX.length))
    } catch {
      throw new HttpProblem(400, 'BAD_REQUEST', 'The path is not validly encoded.', { reason: 'request.badPath' })
    }
    if (match.kind === 'not-found') throw new HttpProblem(404, 'NOT_FOUND', 'No such endpoint.', { reason: 'request.notFound' })
    if (match.kind === 'method-not-allowed') {
      throw new HttpProblem(405, 'METHOD_NOT_ALLOWED', `Use ${match.allow.join(' or ')} here.`, { reason: 'request.method' }, { allow: match.allow.join(', ') })
    }
    const found: Found = { route: match.route, params: match.params, searchParams: url.searchParams }
    if (found.route.access === 'public') return proceed(request, found, null)
    const auth = authenticate(request, found.route)
    return auth instanceof Promise ? auth.then((context) => proceed(request, found, context)) : proceed(request, found, auth)
  }

  /** Steps 4-5: sensitive actions, parameters, body. */
  function proceed(request: IncomingMessage, found: Found, auth: AuthContext | null): Reply | Promise<Reply> {
    const { route } = found
    for (const action of route.sensitive ?? []) {
      requireSensitiveAction(options.services, { kind: 'credential', accountId: auth!.accountId, tokenId: auth!.tokenId }, action)
    }
    const params = parseWith(route.params, found.params, 'path')
    const query = route.query ? parseWith(route.query, Object.fromEntries(found.searchParams ?? []), 'query') : {}
    // A request without a body (no Content-Length, no Transfer-Encoding) is not waited for: Node
    // discards whatever is left of it once the answer is sent.
    const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined
    if (!hasBody && !route.body) return run(request, route, { services: options.services, params, query, body: undefined, auth: auth as AuthContext }, EMPTY_BODY)
    return readBody(request).then((raw) => run(request, route, { services: options.services, params, query, body: undefined, auth: auth as AuthContext }, raw))
  }

  /** Step 6: run the route. */
  function run(request: IncomingMessage, route: RouteDefinition, context: RouteContext<unknown, unknown, unknown>, raw: Buffer): Reply | Promise<Reply> {
    if (route.body) context.body = parseWith(route.body, route.bodyType === 'form' ? parseFormBody(request, raw) : parseJsonBody(request, raw), 'body')
    const auth = context.auth as AuthContext | null
    // Every entry the request writes to the security log names the API and the credential's id.
    const result = auth ? runAsSecurityActor({ origin: 'api', credential: auth.credential, tokenId: auth.tokenId }, () => route.run(context)) : route.run(context)
    return result instanceof Promise ? result.then((value: unknown) => ({ route, result: value })) : { route, result }
  }

  /** Step 7: the answer. */
  function answer(response: ServerResponse, { route, result }: Reply): void {
    if (route.response.status === 204) {
      response.writeHead(204, TEXT_HEADERS)
      response.end()
      return
    }
    if (route.response.contentType === 'text/plain') {
      response.writeHead(route.response.status, TEXT_HEADERS)
      response.end(String(result))
      return
    }
    response.writeHead(route.response.status, JSON_HEADERS)
    response.end(JSON.stringify(result))
  }

  function fail(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    // The client went away: nobody to answer (and nothing went wrong here).
    if (response.destroyed || request.socket.destroyed) return
    if (response.headersSent) {
      // Too late for a problem document (the answer was half written): end the connection.
      options.log.error(`API ${request.method} ${request.url?.split('?')[0]} failed after its answer began`, error)
      response.destroy()
      return
    }
    if (error instanceof HttpProblem) sendProblem(response, problem(error.status, error.code, error.message, error.extra), error.headers)
    else if (error instanceof KeysteadError) sendProblem(response, problemFromError(error))
    else {
      options.log.error(`API ${request.method} ${request.url?.split('?')[0]} failed`, error)
      sendProblem(response, problem(500, 'INTERNAL', 'Something went wrong.', { reason: 'internal' }))
    }
  }

  function deliver(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
    try {
      answer(response, reply)
    } catch (error) {
      fail(request, response, error)
    }
  }

  /** One request, handled and (when it needs nothing asynchronous) answered at once. */
  function respond(request: IncomingMessage, response: ServerResponse): void {
    let reply: Reply | Promise<Reply>
    try {
      reply = handle(request)
    } catch (error) {
      fail(request, response, error)
      return
    }
    if (reply instanceof Promise) reply.then((value) => deliver(request, response, value), (error: unknown) => fail(request, response, error))
    else deliver(request, response, reply)
  }

  // Requests are handled in a batch once the event loop has read every socket that had bytes
  // (setImmediate runs right after that poll): Node's parser has then finished the bytes it holds,
  // so a request followed by bytes that are not HTTP gets the parser's 400 and the connection
  // closes, instead of an answer the closing connection may cut off. And every request of the
  // batch had arrived before any of them is verified, so the verifier may look for database
  // changes once for all of them (a revocation committed before one was sent is still seen).
  const received: Array<IncomingMessage | ServerResponse> = []
  const respondToBatch = (): void => {
    const batch = received.splice(0)
    for (let i = 0; i < batch.length; i += 2) {
      const request = batch[i] as IncomingMessage
      const response = batch[i + 1] as ServerResponse
      try {
        respond(request, response)
      } catch (error) {
        // Even answering failed: end that connection, and still answer the rest of the batch.
        options.log.error(`API ${request.method} ${request.url?.split('?')[0]} could not be answered`, error)
        response.destroy()
      }
    }
  }
  const respondToReceived = (): void => {
    if (options.verifier.verifyReceivedRequests) options.verifier.verifyReceivedRequests(respondToBatch)
    else respondToBatch()
  }
  return (request, response) => {
    if (received.push(request, response) === 2) setImmediate(respondToReceived)
  }
}

/** For verifiers that do not hand over the account's row: read it (undefined when the account is gone). */
function findAccount(services: Services, accountId: number): AccountRow | undefined {
  try {
    return services.accounts.getAccount(accountId)
  } catch {
    return undefined
  }
}

/**
 * Node's HTTP parser refused the request before it reached the handler: a malformed request
 * line, an unknown method, bad header syntax, headers over the 16 KB limit, a request that took
 * too long. Instead of Node's bare "400 Bad Request" without a body, answer like every other
 * refusal (a problem+json document), then close the connection: after a parse error the rest
 * of the stream cannot be trusted.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const answered = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (error.code === 'ECONNRESET' || !socket.writable || answered) {
    socket.destroy()
    return
  }
  const [status, code, detail, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'The request line and headers are larger than 16 KB.', 'request.headersTooLarge']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive.', 'request.timeout']
        : [400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1.', 'request.malformed']
  const body = JSON.stringify(problem(status, code, detail, { reason }))
  const headers = { ...baseHeaders('application/problem+json'), 'content-length': String(Buffer.byteLength(body)), connection: 'close' }
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n')
  socket.end(`${head}\r\n\r\n${body}`)
}

export interface RunningApiServer {
  readonly host: string
  readonly port: number
  readonly address: string
  close(): Promise<void>
}

/** Refuses any host but a loopback address: the API must never listen on the network. */
export function assertLoopbackHost(host: string): void {
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    throw new KeysteadError('VALIDATION', 'The local API listens on 127.0.0.1 (or ::1) only.', { field: 'host', reason: 'api.loopbackOnly' })
  }
}

/** Starts the API; rejects with a KeysteadError when the port is taken. Port 0 picks a free one (tests). */
export async function startLocalApiServer(options: ApiHandlerOptions & { host?: string; port?: number; limits?: Partial<LocalApiLimits> }): Promise<RunningApiServer> {
  const host = options.host ?? LOCAL_API_HOST
  assertLoopbackHost(host)
  const limits = { ...LOCAL_API_LIMITS, ...options.limits }
  const server: Server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
      maxHeaderSize: 16 * 1024,
    },
    createApiRequestHandler(options),
  )
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  server.maxConnections = limits.maxConnections
  server.on('clientError', answerClientError)
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new KeysteadError('CONFLICT', `Port ${options.port} is already in use by another program.`, {
            field: 'localApi.port',
            reason: 'settings.portInUse',
            params: { port: options.port ?? 0 },
          }),
        )
      } else if (error.code === 'EACCES') {
        reject(new KeysteadError('FORBIDDEN', `Port ${options.port} may not be used.`, { field: 'localApi.port', reason: 'settings.portDenied', params: { port: options.port ?? 0 } }))
      } else reject(error)
    })
    server.listen(options.port ?? DEFAULT_LOCAL_API_PORT, host, () => {
      const address = server.address() as AddressInfo
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
      resolve({
        host: address.address,
        port: address.port,
        address: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
