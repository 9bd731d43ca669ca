import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listChannels } from '../../src-preload/contract/api.ts'
import { ErrorCode } from '../../src-preload/contract/errors.ts'
import type { DB } from '../../src-main/db/database.ts'
import { prepareCached } from '../../src-main/db/statement-cache.ts'
import { createHandlerTable } from '../../src-main/ipc/handlers.ts'
import { SecurityEventKind } from '../../src-main/services/audit-service.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore, TEST_ORIGIN } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'
import { exampleOf, POLLUTION_KEYS, selectAllRowsSQL, UNICODE_EDGES } from './fuzz-inputs.ts'
import type { Schema } from './fuzz-inputs.ts'

/**
 * Boundary fuzzing: every channel of the contract (new domains are covered by being in
 * listChannels()) gets at least 2,000 malformed payloads, half from a signed-in window and
 * half from a signed-out one. Every answer must be a typed error (or an ok that changed
 * nothing: a harmless read), nothing may throw, and refused calls must leave the database
 * unchanged: row for row after every call, byte for byte (after a checkpoint) after every batch.
 * The one change a refused call may make is to record a failed attempt in the security log.
 */
const PER_CHANNEL = 2_000
const FAILED_ATTEMPT_KINDS: string[] = [SecurityEventKind.SignInFailed, SecurityEventKind.ReauthFailed, SecurityEventKind.SecondFactorFailed]
/** The throttle's failure counters: a refused password or code is SUPPOSED to count there. */
const THROTTLE_TABLE = 'sign_in_throttle'
const OWNER = { username: 'fuzzOwner', password: 'owner password 7' }
const SIGNED_IN = 1
const SIGNED_OUT = 2
const FIXED_NOW = Date.parse('2026-11-23T12:00:00Z')

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let db: DB

beforeAll(async () => {
  dir = makeTempDir('keystead-fuzz-')
  // A fixed clock: no "last used" touches, so an unchanged database means exactly that.
  test = await startTestCore({ dataDir: dir.path, clock: () => FIXED_NOW })
  db = test.core.services!.db
  const created = await test.call('keystead:auth.createAccount', OWNER, SIGNED_IN)
  expect(created.ok).toBe(true)
})
afterAll(() => {
  test.core.close()
  dir.remove()
})

// ----- database fingerprints -----
// Every statement is prepared once (prepareCached): the loop below never lets the event loop turn between calls, and
// better-sqlite3 frees a statement only when it is garbage-collected; preparing ~14 statements per call grew the
// worker to ~5 GB resident.
const PLACEHOLDERS = FAILED_ATTEMPT_KINDS.map(() => '?').join(',')

function tableNames(): string[] {
  return (prepareCached(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name)
}

/** Every row of every table, except failed-attempt entries in the security log, the chain heads they move and the throttle's counters (counted apart). */
function fingerprintRows(): { digest: string; failedAttempts: number } {
  const hash = createHash('sha256')
  const names = tableNames()
  for (const table of names) {
    if (table === THROTTLE_TABLE) continue
    // The log chain's heads move with every entry, failed attempts included (those entries are counted apart).
    if (table === 'security_log_heads') continue
    const rows =
      table === 'security_log'
        ? prepareCached(db, `SELECT * FROM security_log WHERE kind NOT IN (${PLACEHOLDERS}) ORDER BY id`).all(...FAILED_ATTEMPT_KINDS)
        : prepareCached(db, selectAllRowsSQL(db, table)).all()
    hash.update(table).update(JSON.stringify(rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
  }
  const failed = prepareCached(db, `SELECT count(*) AS n FROM security_log WHERE kind IN (${PLACEHOLDERS})`).get(...FAILED_ATTEMPT_KINDS) as { n: number }
  const throttled = names.includes(THROTTLE_TABLE) ? (prepareCached(db, `SELECT coalesce(sum(failures), 0) AS n FROM ${THROTTLE_TABLE}`).get() as { n: number }).n : 0
  return { digest: hash.digest('hex'), failedAttempts: failed.n + throttled }
}

function fingerprintFile(): string {
  db.pragma('wal_checkpoint(TRUNCATE)')
  return createHash('sha256').update(readFileSync(test.core.databasePath)).digest('hex')
}

// ----- payloads -----

function deepArray(depth: number): unknown {
  let value: unknown = 'bottom'
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

function deepObject(depth: number): unknown {
  let value: unknown = 'bottom'
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

const HUGE = 'A'.repeat(1_000_000)
const SPECIALS: unknown[] = [
  undefined,
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER + 2,
  10n ** 30n,
  true,
  false,
  '',
  HUGE,
  'x'.repeat(10_000_000),
  [],
  {},
  Object.create(null),
  new Date(0),
  new Uint8Array(16),
  new Map([['a', 1]]),
  new Set([1]),
  /re/g,
  deepArray(10_000),
  deepObject(5_000),
  JSON.parse('{"__proto__": {"isAdmin": true, "polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"prototype": {"polluted": "yes"}}'),
  ...UNICODE_EDGES,
]


function payloadsFor(schema: Schema, count: number, seed: number): unknown[] {
  const example = exampleOf(schema)
  const fields = example !== null && typeof example === 'object' && !Array.isArray(example) ? Object.keys(example) : []
  const anything = fc.anything({
    maxDepth: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withObjectString: true,
    withSet: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  })
  const strings = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(...UNICODE_EDGES), fc.constantFrom(HUGE))
  const value = fc.oneof(anything, strings, fc.constantFrom(...SPECIALS))
  const withField = (key: string, v: unknown) => ({ ...(example as object), [key]: v })
  const generators: fc.Arbitrary<unknown>[] = [
    value,
    // The well-formed example with one field replaced by anything at all.
    ...(fields.length > 0 ? [fc.tuple(fc.constantFrom(...fields), value).map(([key, v]) => withField(key, v))] : []),
    // ... with one field removed, or an unknown key added.
    ...(fields.length > 0 ? [fc.constantFrom(...fields).map((key) => Object.fromEntries(Object.entries(example as object).filter(([k]) => k !== key)))] : []),
    fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string()), value).map(([key, v]) => {
      const base = fields.length > 0 ? { ...(example as object) } : {}
      // JSON.parse makes `__proto__` an own key, as a structured clone from the renderer would.
      return Object.assign(JSON.parse(`{${JSON.stringify(key)}: {"polluted": "yes"}}`), base, key === '__proto__' ? {} : { [key]: v })
    }),
    // The example wrapped, as an array, or as a string.
    fc.constantFrom([example], JSON.stringify(example), { payload: example }, [example, example]),
    // Every field given unicode edge cases at once.
    ...(fields.length > 0 ? [fc.constantFrom(...UNICODE_EDGES).map((s) => Object.fromEntries(fields.map((key) => [key, s])))] : []),
  ]
  const samples = fc.sample(fc.oneof(...generators), { numRuns: count * 2, seed })
  const malformed = samples.filter((payload) => !(schema.safeParse(payload).success && (example === null || fields.length === 0)))
  return [...SPECIALS, ...malformed].slice(0, count)
}

// ----- the run -----
const ERROR_CODES = new Set<string>(Object.values(ErrorCode))
const handlers = createHandlerTable({ getStatus: () => ({ state: 'ready', version: 'fuzz' }) })
const totals = { calls: 0, refused: 0, harmlessOk: 0, validWrites: 0, failedAttemptsRecorded: 0, byteIdenticalBatches: 0, batches: 0 }

describe('every IPC channel under malformed payloads', () => {
  const channels = listChannels()

  it('covers every channel of the contract', () => {
    expect(channels.length).toBeGreaterThan(0)
    expect([...handlers.keys()].sort()).toEqual([...channels].sort())
  })

  it.each(channels)('%s: 2,000 malformed payloads, typed errors only, database unchanged', async (channel) => {
    const schema = handlers.get(channel)!.input as Schema
    const payloads = payloadsFor(schema, PER_CHANNEL, channel.length * 7919)
    expect(payloads.length).toBe(PER_CHANNEL)
    for (const windowId of [SIGNED_IN, SIGNED_OUT]) {
      const batch = windowId === SIGNED_IN ? payloads.slice(0, PER_CHANNEL / 2) : payloads.slice(PER_CHANNEL / 2)
      const fileBefore = fingerprintFile()
      const batchStart = fingerprintRows()
      let before = batchStart
      const validWritesBefore = totals.validWrites
      for (const payload of batch) {
        let answer: unknown
        try {
          // Straight to the invoker: `undefined` must arrive as undefined (the helper would turn it into null).
          answer = await test.core.invoke({ windowId, senderUrl: `${TEST_ORIGIN}/index.html` }, channel, payload)
        } catch (error) {
          throw new Error(`${channel} threw instead of answering: ${(error as Error).message}`)
        }
        const after = fingerprintRows()
        totals.calls++
        const result = answer as { ok: boolean; error?: { code: unknown; message: unknown } }
        if (result.ok) {
          totals.harmlessOk++
          // The generator sometimes hits a VALID payload (e.g. an all-optional settings patch); a valid write may
          // change the database. A payload the schema refuses never may.
          if (after.digest !== before.digest) {
            expect(schema.safeParse(payload).success, `${channel} answered ok to a malformed payload and changed the database`).toBe(true)
            totals.validWrites++
          }
          expect(after.failedAttempts).toBe(before.failedAttempts)
        } else {
          totals.refused++
          expect(Object.keys(result).sort()).toEqual(['error', 'ok'])
          expect(ERROR_CODES.has(String(result.error?.code))).toBe(true)
          expect(typeof result.error?.message).toBe('string')
          expect((result.error!.message as string).length).toBeGreaterThan(0)
          // Error messages never echo the (possibly huge, possibly secret) input.
          expect((result.error!.message as string).length).toBeLessThan(500)
          expect(after.digest, `${channel} refused a payload but changed the database`).toBe(before.digest)
          totals.failedAttemptsRecorded += after.failedAttempts - before.failedAttempts
        }
        before = after
      }
      const batchEnd = fingerprintRows()
      totals.batches++
      if (batchEnd.failedAttempts === batchStart.failedAttempts && totals.validWrites === validWritesBefore) {
        expect(fingerprintFile(), `${channel}: the database file changed`).toBe(fileBefore)
        totals.byteIdenticalBatches++
      }
    }
    // The signed-in window is still signed in; nothing polluted Object.prototype.
    expect(await test.call('keystead:auth.getCurrentAccount', null, SIGNED_IN)).toMatchObject({ ok: true, value: { username: OWNER.username } })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  }, 600_000)

  it('printed its counts', () => {
    console.log(
      `IPC fuzzing: ${channels.length} channels, ${totals.calls} malformed calls (${PER_CHANNEL} per channel, half signed in): ${totals.refused} typed errors, ${totals.harmlessOk} ok answers (${totals.validWrites} of them schema-valid writes), ${totals.failedAttemptsRecorded} failed attempts logged, database rows unchanged after every refused call, file byte-identical in ${totals.byteIdenticalBatches} of ${totals.batches} batches (the rest logged failed attempts or made a valid write)`,
    )
    expect(totals.calls).toBe(channels.length * PER_CHANNEL)
  })
})
