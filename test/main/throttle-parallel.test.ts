import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import type { AccountRow } from '../../src-main/db/repositories/accounts-repo.ts'
import { SecurityEventKind } from '../../src-main/services/audit-service.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { SessionOrigin } from '../../src-main/services/session-service.ts'
import { DEFAULT_THROTTLE_POLICY } from '../../src-main/services/throttle-service.ts'
import { generateTOTP } from '../../src-main/services/totp.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

const CHILD = join(import.meta.dirname, '../fixtures/sign-in-child.ts')
const PASSWORD = 'wonderland 1'
const PARALLEL = 12

let dir: ReturnType<typeof makeTempDir>
let db: DB
/**
 * Node's compile cache for the children, filled once before they start: the ${PARALLEL} processes that wait together
 * then load the services without stripping each TypeScript file's types again (about 28 MB less each; together
 * they were most of `npm test`'s peak memory).
 */
let compileCache: ReturnType<typeof makeTempDir>
const childEnv = () => ({ ...process.env, NODE_COMPILE_CACHE: compileCache.path })

beforeAll(() => {
  compileCache = makeTempDir('keystead-compile-cache-')
  const warm = spawnSync(process.execPath, [CHILD, '--load-only'], { env: childEnv(), encoding: 'utf8' })
  if (warm.status !== 0) throw new Error(`The sign-in child did not load: ${warm.stderr}`)
})
afterAll(() => compileCache.remove())

function open(scryptParams = TEST_ONLY_SCRYPT_PARAMS, clock?: () => number): Services {
  return createServices({ db, secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')), scryptParams, ...(clock ? { clock } : {}) })
}

beforeEach(async () => {
  dir = makeTempDir()
  db = openDatabase(join(dir.path, 'keystead.db'))
  await migrateDatabase(db)
})
afterEach(() => {
  db.close()
  dir.remove()
})

function runChild(args: string[], stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text))
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve((JSON.parse(out) as { outcome: string }).outcome) : reject(new Error(`child failed (${code}): ${err}`))))
    child.stdin.end(stdin)
  })
}

/** Starts `PARALLEL` processes that all try at the same agreed moment. */
function inParallel(args: (goAt: number) => string[], stdin: (i: number) => string): Promise<string[]> {
  const goAt = Date.now() + 6_000
  return Promise.all(Array.from({ length: PARALLEL }, (_, i) => runChild(args(goAt), stdin(i))))
}

const count = (outcomes: string[], outcome: string) => outcomes.filter((o) => o === outcome).length
const logCount = (kind: string) => (db.prepare('SELECT count(*) AS n FROM security_log WHERE kind = ?').get(kind) as { n: number }).n
async function codeOf(pending: Promise<unknown>): Promise<string> {
  try {
    await pending
    return 'ok'
  } catch (error) {
    return (error as { code: string }).code
  }
}

describe('throttling that holds under parallel attempts', () => {
  it(`${PARALLEL} wrong passwords from ${PARALLEL} processes at once: at most the allowed number are evaluated, the rest are throttled`, async () => {
    // A costlier hash than the tests' usual one, so that the evaluations really overlap.
    const services = open({ costLog2: 14, blockSize: 8, parallelization: 1 })
    await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const outcomes = await inParallel((goAt) => [dir.path, 'alice', String(goAt)], (i) => `wrong guess ${i}`)
    const allowed = DEFAULT_THROTTLE_POLICY.freeFailures
    expect(count(outcomes, 'INVALID_CREDENTIALS')).toBe(allowed)
    expect(count(outcomes, 'THROTTLED')).toBe(PARALLEL - allowed)
    expect(logCount(SecurityEventKind.SignInFailed)).toBe(allowed)
    // The right password afterwards is throttled as after 5 failures one by one: 15 s after the last one, then allowed.
    const { last_failure_at: last } = db.prepare('SELECT last_failure_at FROM sign_in_throttle').get() as { last_failure_at: number }
    const signInAt = (at: number) =>
      codeOf(open(TEST_ONLY_SCRYPT_PARAMS, () => at).auth.signIn({ username: 'alice', password: PASSWORD, origin: SessionOrigin.App, device: FAKE_DEVICE }))
    expect(await signInAt(last + 14_000)).toBe('THROTTLED')
    expect(await signInAt(last + DEFAULT_THROTTLE_POLICY.baseDelayMs + 1)).toBe('ok')
  }, 240_000)

  it(`${PARALLEL} wrong second-factor codes from ${PARALLEL} processes: the second step holds the same way`, async () => {
    // Set up two minutes ago, so that the current code is a fresh one afterwards.
    const past = open(TEST_ONLY_SCRYPT_PARAMS, () => Date.now() - 120_000)
    const account = await past.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const secret = past.twoFactor.beginTwoFactorSetup(account).secret
    await past.twoFactor.confirmTwoFactorSetup(account, await generateTOTP(secret, Math.floor((Date.now() - 120_000) / 1000)))
    // (One chance in a million that 000000 is the current code; then a test run fails, never passes wrongly.)
    const outcomes = await inParallel((goAt) => [dir.path, 'alice', String(goAt), '--code', '000000'], () => '')
    expect(count(outcomes, 'INVALID_CREDENTIALS')).toBe(DEFAULT_THROTTLE_POLICY.freeFailures)
    expect(count(outcomes, 'THROTTLED')).toBe(PARALLEL - DEFAULT_THROTTLE_POLICY.freeFailures)
    const services = open()
    const right = await generateTOTP(secret, Math.floor(Date.now() / 1000))
    expect(await codeOf(services.twoFactor.verifySecondFactor(services.accounts.getAccount(account.id), { code: right }))).toBe('THROTTLED')
  }, 240_000)
})

describe('two-factor confirmation is atomic', () => {
  it('two confirmations with the same code at once: one wins with its codes, the other is told and gets none', async () => {
    const services = open()
    const account: AccountRow = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const secret = services.twoFactor.beginTwoFactorSetup(account).secret
    const code = await generateTOTP(secret, Math.floor(Date.now() / 1000))
    const results = await Promise.allSettled([services.twoFactor.confirmTwoFactorSetup(account, code), services.twoFactor.confirmTwoFactorSetup(account, code)])
    const won = results.filter((r): r is PromiseFulfilledResult<string[]> => r.status === 'fulfilled')
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(lost[0]!.reason).toMatchObject({ code: 'CONFLICT', reason: 'twoFactor.confirmLost' })
    expect(logCount(SecurityEventKind.TwoFactorEnabled)).toBe(1)
    // The winner's codes are the ones that work.
    expect(await services.twoFactor.verifySecondFactor(account, { recoveryCode: won[0]!.value[0]! })).toMatchObject({ method: 'recovery-code', recoveryCodesLeft: 9 })
    // The code that turned it on cannot be used again (replay).
    expect(await codeOf(services.twoFactor.verifySecondFactor(account, { code }))).toBe('INVALID_CREDENTIALS')
  })
})
