import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DB } from '../../src-main/db/database.ts'
import { createServicesCredentialVerifier } from '../../src-main/http/credentials.ts'
import { LOCAL_API_LIMITS, startLocalApiServer } from '../../src-main/http/server.ts'
import type { LocalApiLimits, RunningApiServer } from '../../src-main/http/server.ts'
import { silentLogger } from '../../src-main/log.ts'
import type { Services } from '../../src-main/services/index.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'

/**
 * The local API closes slow clients at the documented limits (small ones injected here) and keeps at
 * most `maxConnections` connections open: the 65th (with the default 64) is closed at once.
 */
let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services

beforeAll(async () => {
  dir = makeTempDir('keystead-api-limits-')
  ;({ db, services } = await openTestServices(dir.path, () => Date.now()))
})
afterAll(() => {
  db.close()
  dir.remove()
})

function start(limits: Partial<LocalApiLimits>): Promise<RunningApiServer> {
  return startLocalApiServer({ services, verifier: createServicesCredentialVerifier(services), log: silentLogger, port: 0, limits })
}

/** A raw connection that records what it received and when it was closed (ms after it connected). */
interface Probe {
  socket: Socket
  received(): string
  closedAfterMs(): number | null
  closed: Promise<number>
}
function open(port: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let text = ''
    let closedAt: number | null = null
    let startedAt = 0
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
    socket.on('error', () => undefined)
    const closed = new Promise<number>((done) => socket.on('close', () => done((closedAt = Date.now() - startedAt))))
    socket.once('connect', () => {
      startedAt = Date.now()
      resolve({ socket, received: () => text, closedAfterMs: () => closedAt, closed })
    })
    socket.once('error', reject)
  })
}
/** Writes `piece` every `everyMs` until the socket closes. */
function trickle(probe: Probe, piece: string, everyMs: number): void {
  const timer = setInterval(() => (probe.socket.writable ? probe.socket.write(piece) : clearInterval(timer)), everyMs)
  void probe.closed.then(() => clearInterval(timer))
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('slow clients', () => {
  const limits = { headersTimeoutMs: 600, requestTimeoutMs: 1_200 }

  it('headers trickled byte by byte: still open before the headers limit, answered 408 and closed after it', async () => {
    const server = await start(limits)
    try {
      const probe = await open(server.port)
      probe.socket.write('GET /api/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      trickle(probe, 'x', 50)
      await sleep(limits.headersTimeoutMs / 2)
      expect(probe.closedAfterMs()).toBeNull()
      const closedAfter = await probe.closed
      expect(closedAfter).toBeGreaterThanOrEqual(limits.headersTimeoutMs)
      // Within the checking interval (a quarter of the limit) plus scheduling slack; Node's default let it run ~39 s.
      expect(closedAfter).toBeLessThan(limits.headersTimeoutMs * 4)
      expect(probe.received()).toMatch(/^HTTP\/1\.1 408 /)
      expect(probe.received()).toContain('"reason":"request.timeout"')
    } finally {
      await server.close()
    }
  })

  it('a connection that sends nothing is closed at the headers limit too', async () => {
    const server = await start(limits)
    try {
      const probe = await open(server.port)
      await sleep(limits.headersTimeoutMs / 2)
      expect(probe.closedAfterMs()).toBeNull()
      const closedAfter = await probe.closed
      expect(closedAfter).toBeGreaterThanOrEqual(limits.headersTimeoutMs)
      expect(closedAfter).toBeLessThan(limits.headersTimeoutMs * 4)
    } finally {
      await server.close()
    }
  })

  it('a body trickled byte by byte: the headers arrived in time, the request is closed at the request limit', async () => {
    const server = await start(limits)
    try {
      const probe = await open(server.port)
      probe.socket.write('GET /api/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000\r\n\r\n')
      trickle(probe, 'x', 50)
      await sleep((limits.headersTimeoutMs + limits.requestTimeoutMs) / 2)
      expect(probe.closedAfterMs()).toBeNull()
      const closedAfter = await probe.closed
      expect(closedAfter).toBeGreaterThanOrEqual(limits.requestTimeoutMs)
      expect(closedAfter).toBeLessThan(limits.requestTimeoutMs * 3)
      expect(probe.received()).toMatch(/^HTTP\/1\.1 408 /)
    } finally {
      await server.close()
    }
  })
})

describe('the connection cap', () => {
  it(`is ${LOCAL_API_LIMITS.maxConnections} by default: the next connection is closed at once without an answer; the others still work`, async () => {
    expect(LOCAL_API_LIMITS.maxConnections).toBe(64)
    const server = await start({})
    const probes: Probe[] = []
    try {
      for (let i = 0; i < LOCAL_API_LIMITS.maxConnections; i++) probes.push(await open(server.port))
      const extra = await open(server.port)
      await extra.closed
      expect(extra.received()).toBe('')
      for (const probe of probes) expect(probe.closedAfterMs()).toBeNull()
      // The first 64 are served.
      const first = probes[0]!
      first.socket.write('GET /api/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      await first.closed
      expect(first.received()).toMatch(/^HTTP\/1\.1 200 /)
      // A place is free again: a new connection is served.
      await sleep(50)
      const next = await open(server.port)
      next.socket.write('GET /api/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      await next.closed
      expect(next.received()).toMatch(/^HTTP\/1\.1 200 /)
    } finally {
      for (const probe of probes) probe.socket.destroy()
      await server.close()
    }
  })
})
