/**
 * `npm run bench`: Keystead's benchmark. Seeds temporary databases, measures, prints a
 * table and writes bench/results.json. Every figure is a ratio of two medians taken in
 * this same run, with the medians beside it and whether its target holds.
 *
 * Sections run in order; each returns its figures (and raw details for the JSON file).
 *
 *   node bench/run.ts [--skip-SECTION ...] [--only SECTION] [--rounds N] [--backup-scale S]
 *
 * SECTION is one of sign-in, unknown-user, scale, ssh, event-loop, renderer, backup, security-log: --only runs
 * that section alone (and writes bench/results.SECTION.json, leaving the full run's file alone).
 * `--only api` runs the local API figure alone (it is part of scale otherwise), on the full-scale database.
 * S (0-1, default 1) makes the backup section's database smaller than the scale database.
 */
import { scrypt } from 'node:crypto'
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { openDatabase } from '../src-main/db/database.ts'
import type { DB } from '../src-main/db/database.ts'
import { migrateDatabase } from '../src-main/db/migrate.ts'
import { createServicesCredentialVerifier } from '../src-main/http/credentials.ts'
import type { CredentialCheck } from '../src-main/http/credentials.ts'
import { toSessionSummary } from '../src-main/ipc/sessions.ipc.ts'
import { hashCredential } from '../src-main/services/credential-format.ts'
import { createServices } from '../src-main/services/index.ts'
import type { Services } from '../src-main/services/index.ts'
import { createPasswordHasher, DEFAULT_SCRYPT_PARAMS, parsePasswordHash } from '../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../src-main/services/secret-box.ts'
import { writeTransaction } from '../src-main/db/database.ts'
import { listSecurityLogChainSlice } from '../src-main/db/repositories/security-log-repo.ts'
import { SecurityEventKind } from '../src-main/services/audit-service.ts'
import { deriveSecurityLogMACKey, verifySecurityLogChain, verifySecurityLogChainInSlices, VERIFY_APP_SLICE_ROWS, VERIFY_SLICE_ROWS } from '../src-main/services/audit/log-chain.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../src-main/services/password-hasher.ts'
import { FAKE_DEVICE } from '../test/fixtures/fake-platform.ts'
import { makeTempDir } from '../test/fixtures/temp-dir.ts'
import { startBenchCore } from './lib/core.ts'
import { formatMarkdownTable, formatTable, makeFigure, median, timeMs } from './lib/figures.ts'
import type { Figure } from './lib/figures.ts'
import { benchBackup } from './lib/backup.ts'
import { buildApp, buildEmptyVuePage, measureInitialAssets, measurePaint, RENDERER_DIR } from './lib/renderer.ts'
import { HEAVY_ACCOUNT_ID, HEAVY_ROWS, seedDatabase, SEEDERS } from './lib/seed.ts'
import { benchSSHLookup as benchSSHLookupFigures } from './lib/ssh-lookup.ts'
import type { SeedOutcome } from './lib/seed.ts'

const ROOT = join(import.meta.dirname, '..')
const args = process.argv.slice(2)
const ROUNDS = Number(args[args.indexOf('--rounds') + 1]) || 7
const SECTIONS = ['sign-in', 'unknown-user', 'scale', 'ssh', 'event-loop', 'renderer', 'backup', 'security-log'] as const
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined
if (ONLY !== undefined && ONLY !== 'api' && !(SECTIONS as readonly string[]).includes(ONLY)) throw new Error(`--only takes one of ${SECTIONS.join(', ')} or api`)
const runs = (section: (typeof SECTIONS)[number]) => (ONLY ? ONLY === section : !args.includes(`--skip-${section}`))
const SKIP_RENDERER = !runs('renderer')
const SKIP_SIGN_IN = !runs('sign-in')
const SKIP_UNKNOWN_USER = !runs('unknown-user')
const SKIP_SCALE = !runs('scale')
const SKIP_SSH = !runs('ssh')
const SKIP_EVENT_LOOP = !runs('event-loop')
const SKIP_BACKUP = !runs('backup')
const BACKUP_SCALE = args.includes('--backup-scale') ? Number(args[args.indexOf('--backup-scale') + 1]) : 1
// Checked before any section runs: a mistyped scale must not surface only after the other sections' minutes.
if (!SKIP_BACKUP && !(BACKUP_SCALE > 0 && BACKUP_SCALE <= 1)) throw new Error('--backup-scale must be a number above 0, at most 1')
const SKIP_SECURITY_LOG = !runs('security-log')
const PASSWORD = 'bench password 1'
const details: Record<string, unknown> = {}
const log = (message: string) => process.stderr.write(`bench: ${message}\n`)

/** The raw KDF: node:crypto scrypt with exactly the parameters of a stored default hash. */
function rawKDF(password: string, hash: string): Promise<Buffer> {
  const parsed = parsePasswordHash(hash)!
  const N = 2 ** parsed.params.costLog2
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), parsed.salt, parsed.hash.length, { N, r: parsed.params.blockSize, p: parsed.params.parallelization, maxmem: 256 * N * parsed.params.blockSize + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

// ---------------------------------------------------------------------------------------------
// 1. Sign-in: the whole IPC sign-in against the KDF alone, and the event loop while 20 run at once.
/**
 * The concurrent sign-ins are 20 different accounts: the throttle counts every attempt in advance until its check
 * ends, so a sixth parallel attempt for one name is refused (THROTTLED), as a guessing script's would be.
 */
const CONCURRENT_SIGN_INS = 20
async function benchSignIn(): Promise<Figure[]> {
  log(`sign-in: creating ${1 + CONCURRENT_SIGN_INS} accounts at the default scrypt cost`)
  const dir = makeTempDir('keystead-bench-signin-')
  const core = await startBenchCore(dir.path)
  try {
    const account = await core.services!.accounts.createAccount({ username: 'benchuser', password: PASSWORD })
    const concurrentNames = Array.from({ length: CONCURRENT_SIGN_INS }, (_, i) => `concurrent${i}`)
    await Promise.all(concurrentNames.map((username) => core.services!.accounts.createAccount({ username, password: PASSWORD })))
    const signIn = (windowId: number, username = 'benchuser') =>
      core.invoke({ windowId, senderUrl: 'bench://' }, 'keystead:auth.signIn', { username, password: PASSWORD }).then((result) => {
        if (!result.ok) throw new Error(`sign-in failed: ${result.error.message}`)
      })
    await signIn(1)
    await rawKDF(PASSWORD, account.password_hash)
    const signIns: number[] = []
    const kdfs: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      signIns.push(await timeMs(() => signIn(10 + i)))
      kdfs.push(await timeMs(() => rawKDF(PASSWORD, account.password_hash)))
    }
    log(`sign-in: ${CONCURRENT_SIGN_INS} concurrent sign-ins (one per account) under monitorEventLoopDelay`)
    const histogram = monitorEventLoopDelay({ resolution: 1 })
    histogram.enable()
    await Promise.all(concurrentNames.map((username, i) => signIn(100 + i, username)))
    histogram.disable()
    const worstDelayMs = histogram.max / 1e6
    // Control: the same with 20 bare KDFs and no app code: the floor this machine's scheduler sets.
    const control = monitorEventLoopDelay({ resolution: 1 })
    control.enable()
    await Promise.all(Array.from({ length: CONCURRENT_SIGN_INS }, () => rawKDF(PASSWORD, account.password_hash)))
    control.disable()
    const controlDelayMs = control.max / 1e6
    const kdfMedian = median(kdfs)
    details.signIn = { signInsMs: signIns, kdfsMs: kdfs, controlDelayMs, concurrent: { count: CONCURRENT_SIGN_INS, worstDelayMs, p99DelayMs: histogram.percentile(99) / 1e6, meanDelayMs: histogram.mean / 1e6 }, scrypt: DEFAULT_SCRYPT_PARAMS }
    return [
      makeFigure('signIn.overKDF', 'sign-in / raw KDF (scrypt N=2^17, r=8, p=1)', { label: 'sign-in', value: median(signIns), unit: 'ms' }, { label: 'KDF', value: kdfMedian, unit: 'ms' }, { op: '<=', value: 1.1 }, `${ROUNDS} each, alternated`),
      makeFigure('signIn.eventLoop', 'worst event-loop delay, 20 concurrent sign-ins / one KDF', { label: 'worst delay', value: worstDelayMs, unit: 'ms' }, { label: 'KDF', value: kdfMedian, unit: 'ms' }, { op: '<=', value: 0.05 }, `p99 delay ${(histogram.percentile(99) / 1e6).toFixed(1)} ms`),
      makeFigure('signIn.eventLoopControl', 'control: worst delay, 20 concurrent bare KDFs (no app code) / one KDF', { label: 'worst delay', value: controlDelayMs, unit: 'ms' }, { label: 'KDF', value: kdfMedian, unit: 'ms' }, null, 'no target: the floor that CPU contention alone sets on this machine'),
    ]
  } finally {
    core.close()
    dir.remove()
  }
}

// ---------------------------------------------------------------------------------------------
// 1b. Unknown usernames: a sign-in for a name that does not exist must cost what a wrong password
// for a real name costs (same KDF work), from the very first call in a fresh process's services.
async function benchUnknownUser(): Promise<Figure[]> {
  log('unknown user: creating accounts at the default scrypt cost')
  const dir = makeTempDir('keystead-bench-unknown-')
  const core = await startBenchCore(dir.path)
  try {
    const services = core.services!
    // One real account per wrong guess: each stays under the throttle's free failures.
    for (let i = 0; i <= ROUNDS; i++) await services.accounts.createAccount({ username: `known${i}`, password: PASSWORD })
    const attempt = (target: Services, username: string) =>
      target.auth.signIn({ username, password: 'not the password 1', origin: 'app', device: FAKE_DEVICE }).then(
        () => {
          throw new Error('a wrong password signed in')
        },
        (error: { code?: string }) => {
          if (error.code !== 'INVALID_CREDENTIALS') throw error
        },
      )
    const known: number[] = []
    const unknown: number[] = []
    const firstUnknown: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      known.push(await timeMs(() => attempt(services, `known${i}`)))
      unknown.push(await timeMs(() => attempt(services, `nobody${i}`)))
      // Fresh services over the same file: a new hasher, as in a new process. Its first call is an unknown name.
      const fresh = createServices({ db: services.db, secretBox: services.secretBox })
      firstUnknown.push(await timeMs(() => attempt(fresh, `first${i}`)))
    }
    const knownMedian = median(known)
    details.unknownUser = { knownMs: known, unknownMs: unknown, firstUnknownMs: firstUnknown }
    return [
      makeFigure('signIn.unknownOverKnown', 'sign-in, unknown name / wrong password for a real name', { label: 'unknown', value: median(unknown), unit: 'ms' }, { label: 'known', value: knownMedian, unit: 'ms' }, { op: '<=', value: 1.25 }, `${ROUNDS} each, alternated; the same KDF work (a precomputed dummy hash with the current parameters)`),
      makeFigure('signIn.firstUnknownOverKnown', 'first sign-in of fresh services for an unknown name / wrong password for a real name', { label: 'first unknown', value: median(firstUnknown), unit: 'ms' }, { label: 'known', value: knownMedian, unit: 'ms' }, { op: '<=', value: 1.5 }, `${ROUNDS} fresh services, alternated; before: the dummy hash was made inside the first unknown call (about 2x)`),
    ]
  } finally {
    core.close()
    dir.remove()
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Scale: start-up, listing and memory on a full-scale database and on a small/empty one.

/** One account's items, as its screens list them: the same service calls (and, for sessions, the same mapping) as the IPC handlers. */
const LISTINGS: Array<{ name: string; list(services: Services, accountId: number): unknown[] }> = [
  { name: 'sessions', list: (services, accountId) => services.sessions.listAccountSessions(accountId).map((row) => toSessionSummary(row, services.sessions, '')) },
  { name: 'tokens', list: (services, accountId) => services.tokens.listTokens(accountId) },
  { name: 'SSH keys', list: (services, accountId) => services.sshKeys.listKeys(accountId) },
]

interface StartupRun {
  readyMs: number
  /** open + migrate + services, before any call. */
  coreMs: number
  /** The one app.getStartupState call the renderer makes on start. */
  startupStateMs: number
  quickCheckMs: number | null
  rssAfterReadyMB: number
  /** Its sign-in hints: 'none', 'one' or 'several' accounts. */
  signInHints: string
}

function startupOnce(dataDir: string, check = false): StartupRun {
  const child = spawnSync(process.execPath, [join(ROOT, 'bench/startup-child.ts'), dataDir, ...(check ? ['--check'] : [])], { encoding: 'utf8' })
  if (child.status !== 0) throw new Error(`start-up child failed: ${child.stderr}`)
  return JSON.parse(child.stdout) as StartupRun
}

/**
 * The small database of the listing figure: 1,000 listable rows in all (sessions, tokens, SSH keys),
 * of which the heavy account has the same HEAVY_ROWS as on the large one.
 */
const SMALL_ROWS: Readonly<Record<string, number>> = { accounts: 50, api_keys: 50, sessions: 450, access_tokens: 450, ssh_keys: 100 }

/** A migrated database in `dataDir`: full scale, SMALL_ROWS, or empty; API keys are sealed with the folder's key file, as the app would. */
async function makeDatabase(dataDir: string, size: 'large' | 'small' | 'empty', passwordHash: string): Promise<SeedOutcome> {
  const db = openDatabase(join(dataDir, 'keystead.db'))
  try {
    await migrateDatabase(db)
    if (size === 'empty') return { counts: {}, msByTable: {}, ms: 0, samples: {} }
    const secretBox = createKeyFileSecretBox(join(dataDir, 'keystead.key'))
    return seedDatabase(db, { ...(size === 'large' ? { scale: 1 } : { rows: SMALL_ROWS }), passwordHash, now: Date.now(), seal: (plaintext) => secretBox.seal(plaintext) })
  } finally {
    db.close()
  }
}

/** The services over a data folder, as the app builds them (default scrypt cost, the folder's key file). */
function openServices(dataDir: string): { db: DB; services: Services } {
  const db = openDatabase(join(dataDir, 'keystead.db'))
  return { db, services: createServices({ db, secretBox: createKeyFileSecretBox(join(dataDir, 'keystead.key')) }) }
}

async function benchScale(): Promise<Figure[]> {
  const large = makeTempDir('keystead-bench-large-')
  const small = makeTempDir('keystead-bench-small-')
  const empty = makeTempDir('keystead-bench-empty-')
  try {
    const passwordHash = await createPasswordHasher(DEFAULT_SCRYPT_PARAMS).hashPassword(PASSWORD)
    log(`scale: seeding ${SEEDERS.map((s) => `${s.fullScaleRows.toLocaleString('en')} ${s.table}`).join(', ')}`)
    const largeSeed = await makeDatabase(large.path, 'large', passwordHash)
    const smallSeed = await makeDatabase(small.path, 'small', passwordHash)
    await makeDatabase(empty.path, 'empty', passwordHash)
    const seedMs = largeSeed.ms
    log(`scale: seeded in ${(seedMs / 1000).toFixed(1)} s (${Object.entries(largeSeed.msByTable).map(([t, ms]) => `${t} ${(ms / 1000).toFixed(1)} s`).join(', ')}); start-up runs (fresh processes)`)

    // The first (unmeasured) runs also time the quick check that follows the first window.
    const quickCheckMs = startupOnce(large.path, true).quickCheckMs!
    startupOnce(empty.path)
    const largeRuns: StartupRun[] = []
    const emptyRuns: StartupRun[] = []
    for (let i = 0; i < Math.max(5, ROUNDS); i++) {
      largeRuns.push(startupOnce(large.path))
      emptyRuns.push(startupOnce(empty.path))
    }

    log('scale: listing one account against a bare indexed lookup')
    const listing = measureListing(large.path, small.path, largeSeed.counts, smallSeed.counts)
    log('scale: token and API key verification against a bare indexed lookup')
    const verification = measureVerification(large.path, largeSeed.samples)
    log('scale: local API (autocannon) against a bare node:http server')
    const api = await measureApi(large.path, largeSeed.samples.access_tokens![0]!)
    details.scale = {
      seedMs,
      seedMsByTable: largeSeed.msByTable,
      quickCheckMs,
      largeCounts: largeSeed.counts,
      smallCounts: smallSeed.counts,
      startup: { large: largeRuns, empty: emptyRuns },
      listing: listing.details,
      verification: verification.details,
      api: api.details,
    }
    const pick = (runs: StartupRun[], key: 'readyMs' | 'coreMs' | 'startupStateMs' | 'rssAfterReadyMB') => median(runs.map((r) => r[key]))
    return [
      makeFigure(
        'scale.startup',
        `start-up to first window's data, large DB / empty DB`,
        { label: 'large', value: pick(largeRuns, 'readyMs'), unit: 'ms' },
        { label: 'empty', value: pick(emptyRuns, 'readyMs'), unit: 'ms' },
        { op: '<=', value: 1.5 },
        `open + migrate + services + app.getStartupState; of the large DB's time, open+migrate+services took ${pick(largeRuns, 'coreMs').toFixed(0)} ms (empty: ${pick(emptyRuns, 'coreMs').toFixed(0)} ms) and getStartupState (sign-in hints: ${largeRuns[0]!.signInHints} accounts) ${pick(largeRuns, 'startupStateMs').toFixed(1)} ms (empty: ${pick(emptyRuns, 'startupStateMs').toFixed(1)} ms); quick_check after the window: ${quickCheckMs.toFixed(0)} ms; seeding took ${(seedMs / 1000).toFixed(1)} s`,
      ),
      listing.figure,
      ...verification.figures,
      api.figure,
      api.cpuFigure,
      makeFigure(
        'scale.memory',
        'main-side resident memory, large DB / empty DB',
        { label: 'large', value: pick(largeRuns, 'rssAfterReadyMB'), unit: 'MB' },
        { label: 'empty', value: pick(emptyRuns, 'rssAfterReadyMB'), unit: 'MB' },
        null,
        'RSS of the core process once the first window\'s data is ready (no target set)',
      ),
    ]
  } finally {
    large.remove()
    small.remove()
    empty.remove()
  }
}

/**
 * The heavy account's sessions, tokens and SSH keys (HEAVY_ROWS of each, the same at both sizes)
 * listed through the services, on the full-scale database and on the small one (SMALL_ROWS); divided
 * by the same large/small ratio of a bare primary-key lookup in `sessions`.
 */
function measureListing(largePath: string, smallPath: string, largeCounts: Record<string, number>, smallCounts: Record<string, number>): { figure: Figure; details: unknown } {
  const SAMPLE = 100
  const REPEAT = 10
  const opened = { large: openServices(largePath), small: openServices(smallPath) }
  try {
    const sample = (db: DB) => {
      const sessionIds = (db.prepare('SELECT id FROM sessions ORDER BY random() LIMIT ?').all(SAMPLE) as Array<{ id: string }>).map((r) => r.id)
      return { sessionIds, bare: db.prepare('SELECT * FROM sessions WHERE id = ?') }
    }
    const samples = { large: sample(opened.large.db), small: sample(opened.small.db) }
    const ours = (which: 'large' | 'small') => {
      let rows = 0
      const started = performance.now()
      for (let i = 0; i < REPEAT; i++) for (const listing of LISTINGS) rows += listing.list(opened[which].services, HEAVY_ACCOUNT_ID).length
      return { µs: ((performance.now() - started) * 1000) / REPEAT, rows: rows / REPEAT }
    }
    const bare = (which: 'large' | 'small') => {
      const { bare: statement, sessionIds } = samples[which]
      const started = performance.now()
      for (const id of sessionIds) if (!statement.get(id)) throw new Error('bare lookup missed')
      return ((performance.now() - started) * 1000) / SAMPLE
    }
    // Warm both files' pages into the caches, then alternate many rounds.
    for (let i = 0; i < 3; i++) {
      ours('large')
      ours('small')
      bare('large')
      bare('small')
    }
    const times = { oursLarge: [] as number[], oursSmall: [] as number[], bareLarge: [] as number[], bareSmall: [] as number[] }
    let rowsPerListing = { large: 0, small: 0 }
    for (let i = 0; i < 60; i++) {
      const l = ours('large')
      const s = ours('small')
      rowsPerListing = { large: l.rows, small: s.rows }
      times.oursLarge.push(l.µs)
      times.oursSmall.push(s.µs)
      times.bareLarge.push(bare('large'))
      times.bareSmall.push(bare('small'))
    }
    if (rowsPerListing.large !== rowsPerListing.small) throw new Error(`the heavy account lists ${rowsPerListing.large} rows on the large DB but ${rowsPerListing.small} on the small one`)
    const m = { oursLarge: median(times.oursLarge), oursSmall: median(times.oursSmall), bareLarge: median(times.bareLarge), bareSmall: median(times.bareSmall) }
    const oursRatio = m.oursLarge / m.oursSmall
    const bareRatio = m.bareLarge / m.bareSmall
    const smallRows = Object.entries(smallCounts).filter(([t]) => t !== 'accounts' && t !== 'api_keys')
    const figure = makeFigure(
      'scale.listing',
      `list one account's ${LISTINGS.map((l) => l.name).join(', ')}: (large / small) / (bare lookup large / small)`,
      { label: `ours ×${oursRatio.toFixed(2)}, large`, value: m.oursLarge, unit: 'µs' },
      { label: `bare ×${bareRatio.toFixed(2)}, large`, value: m.bareLarge, unit: 'µs' },
      { op: '<=', value: 1.2 },
      `${rowsPerListing.large} rows per listing (${LISTINGS.map((l) => `${HEAVY_ROWS[l.name === 'tokens' ? 'access_tokens' : l.name === 'SSH keys' ? 'ssh_keys' : 'sessions']} ${l.name}`).join(', ')}) at both sizes; large DB: ${Object.entries(largeCounts).map(([t, n]) => `${n.toLocaleString('en')} ${t}`).join(', ')}; small DB: ${smallRows.reduce((sum, [, n]) => sum + n, 0).toLocaleString('en')} rows in all (${smallRows.map(([t, n]) => `${n} ${t}`).join(', ')}); ours small ${m.oursSmall.toFixed(1)} µs, bare small ${m.bareSmall.toFixed(2)} µs`,
    )
    // The ratio of ratios is the figure; the medians shown are the large-DB ones.
    figure.ratio = oursRatio / bareRatio
    figure.holds = figure.ratio <= 1.2
    return { figure, details: { medians: m, oursRatio, bareRatio, rowsPerListing, repeat: REPEAT, bareSample: SAMPLE } }
  } finally {
    opened.large.db.close()
    opened.small.db.close()
  }
}

/**
 * The local API's verification of a bearer secret (the verifier `keystead serve` and the app use:
 * form and checksum, SHA-256, one indexed lookup, the "last used" write at most once a minute) for
 * seeded access tokens and API keys, against a bare lookup of the same rows by their precomputed hash.
 */
function measureVerification(largePath: string, samples: Record<string, string[]>): { figures: Figure[]; details: unknown } {
  const { db, services } = openServices(largePath)
  try {
    const verifier = createServicesCredentialVerifier(services)
    const kinds = [
      { id: 'verify.token', name: 'access token', table: 'access_tokens', column: 'token_hash', secrets: samples.access_tokens! },
      { id: 'verify.apiKey', name: 'API key', table: 'api_keys', column: 'key_hash', secrets: samples.api_keys! },
    ]
    const figures: Figure[] = []
    const all: Record<string, unknown> = {}
    for (const kind of kinds) {
      const hashes = kind.secrets.map(hashCredential)
      const bareStatement = db.prepare(`SELECT * FROM ${kind.table} WHERE ${kind.column} = ?`)
      const verifyAll = () => {
        const started = performance.now()
        for (const secret of kind.secrets) {
          const check = verifier.verify(secret) as CredentialCheck
          if (!check.ok) throw new Error(`a seeded ${kind.name} did not verify: ${check.reason}`)
        }
        return ((performance.now() - started) * 1000) / kind.secrets.length
      }
      const bareAll = () => {
        const started = performance.now()
        for (const hash of hashes) if (!bareStatement.get(hash)) throw new Error('bare lookup missed')
        return ((performance.now() - started) * 1000) / hashes.length
      }
      // The first pass writes "last used" once per credential (as a client's first call does); the measured passes follow within the minute.
      verifyAll()
      bareAll()
      const ours: number[] = []
      const bare: number[] = []
      for (let i = 0; i < 30; i++) {
        ours.push(verifyAll())
        bare.push(bareAll())
      }
      const oursMedian = median(ours)
      const perSecond = 1e6 / oursMedian
      all[kind.id] = { oursµs: ours, bareµs: bare, sample: kind.secrets.length, perSecond }
      figures.push(
        makeFigure(
          kind.id,
          `${kind.name} verification / bare indexed lookup (${(db.prepare(`SELECT count(*) AS n FROM ${kind.table}`).get() as { n: number }).n.toLocaleString('en')} rows)`,
          { label: `verify (${Math.round(perSecond).toLocaleString('en')}/s)`, value: oursMedian, unit: 'µs' },
          { label: 'bare lookup', value: median(bare), unit: 'µs' },
          { op: '<=', value: 2 },
          `${kind.secrets.length} seeded ${kind.name}s, 30 alternated passes; ${Math.round(perSecond).toLocaleString('en')} verifications per second on one thread (the server's own work, no HTTP)`,
        ),
      )
    }
    return { figures, details: all }
  } finally {
    db.close()
  }
}

interface ApiRound {
  rps: number
  p99Ms: number
  p50Ms: number
  non2xx: number
  errors: number
  /** The server process's user + system CPU time per answered request (from /proc/<pid>/stat), in µs. */
  cpuMicrosecondsPerRequest: number | null
}

/** utime + stime of a process in milliseconds (Linux), or null elsewhere. */
function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    // After "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15 of the whole line (indexes 11 and 12 here), in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return null
  }
}

function startServerChild(args: string[]): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'bench/api-server-child.ts'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('exit', (code) => reject(new Error(`API server child exited early (${code})`)))
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (!out.includes('\n')) return
      const { port } = JSON.parse(out.split('\n')[0]!) as { port: number }
      child.removeAllListeners('exit')
      resolve({
        port,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done())
            child.stdin.end()
          }),
      })
    })
  })
}

async function loadTest(port: number, token: string, seconds: number, pid?: number): Promise<ApiRound> {
  const cpuBefore = pid === undefined ? null : processCpuMs(pid)
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v2/users/me`,
    connections: 10,
    pipelining: 1,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  })
  const cpuAfter = pid === undefined ? null : processCpuMs(pid)
  const cpuMicrosecondsPerRequest = cpuBefore === null || cpuAfter === null || result.requests.total === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / result.requests.total
  return { rps: result.requests.average, p99Ms: result.latency.p99, p50Ms: result.latency.p50, non2xx: result.non2xx, errors: result.errors, cpuMicrosecondsPerRequest }
}

/**
 * `GET /api/v2/users/me` with a seeded access token against the real local API (its own process,
 * on the large database) and against a bare node:http server answering the same JSON (its own
 * process too); the same autocannon settings, rounds alternated.
 */
async function measureApi(largePath: string, token: string): Promise<{ figure: Figure; cpuFigure: Figure; details: unknown }> {
  const SECONDS = 5
  const API_ROUNDS = 3
  const keystead = await startServerChild(['keystead', largePath])
  const bodyFile = join(largePath, 'users-me.json')
  let bare: Awaited<ReturnType<typeof startServerChild>> | null = null
  try {
    const answer = await fetch(`http://127.0.0.1:${keystead.port}/api/v2/users/me`, { headers: { authorization: `Bearer ${token}` } })
    const body = await answer.text()
    if (answer.status !== 200) throw new Error(`GET /users/me answered ${answer.status}: ${body}`)
    writeFileSync(bodyFile, body)
    bare = await startServerChild(['bare', bodyFile])
    // Warm-up: JIT, the statement cache, the pages of the rows read.
    await loadTest(keystead.port, token, 1)
    await loadTest(bare.port, token, 1)
    const rounds = { keystead: [] as ApiRound[], bare: [] as ApiRound[] }
    for (let i = 0; i < API_ROUNDS; i++) {
      rounds.keystead.push(await loadTest(keystead.port, token, SECONDS, keystead.pid))
      rounds.bare.push(await loadTest(bare.port, token, SECONDS, bare.pid))
    }
    const failed = [...rounds.keystead, ...rounds.bare].find((r) => r.non2xx > 0 || r.errors > 0)
    if (failed) throw new Error(`load test had failures: ${JSON.stringify(failed)}`)
    const m = (which: 'keystead' | 'bare', key: 'rps' | 'p99Ms' | 'p50Ms') => median(rounds[which].map((r) => r[key]))
    const figure = makeFigure(
      'api.rps',
      'local API GET /users/me rps / bare node:http rps',
      { label: `API (p99 ${m('keystead', 'p99Ms')} ms)`, value: m('keystead', 'rps'), unit: 'rps' },
      { label: `bare (p99 ${m('bare', 'p99Ms')} ms)`, value: m('bare', 'rps'), unit: 'rps' },
      { op: '>=', value: 0.5 },
      `autocannon, 10 connections, ${SECONDS} s per round, ${API_ROUNDS} alternated rounds each, each server in its own process; access token, 1,000,000-token database; p50 ${m('keystead', 'p50Ms')} ms vs ${m('bare', 'p50Ms')} ms, p99 ${m('keystead', 'p99Ms')} ms vs ${m('bare', 'p99Ms')} ms`,
    )
    // The same comparison in CPU time per request: on a shared machine the rate depends on what else runs, this much less.
    const cpu = (which: 'keystead' | 'bare') => median(rounds[which].map((r) => r.cpuMicrosecondsPerRequest ?? Number.NaN))
    const cpuFigure = makeFigure(
      'api.cpu',
      'bare node:http CPU per request / local API CPU per request',
      { label: 'bare', value: cpu('bare'), unit: 'µs' },
      { label: 'API', value: cpu('keystead'), unit: 'µs' },
      { op: '>=', value: 0.5 },
      'user + system CPU time of each server process around each round (/proc/<pid>/stat) divided by the requests it answered; the same rounds as the rps figure',
    )
    return { figure, cpuFigure, details: { rounds, bodyBytes: Buffer.byteLength(body), seconds: SECONDS, connections: 10 } }
  } finally {
    await keystead.stop()
    await bare?.stop()
  }
}

/** sshd's key lookup: a fresh process against `node -e ""`, and at 100,000 accounts against 100. */
async function benchSSHLookup(): Promise<Figure[]> {
  const passwordHash = await createPasswordHasher(DEFAULT_SCRYPT_PARAMS).hashPassword(PASSWORD)
  const result = await benchSSHLookupFigures({ rounds: ROUNDS, passwordHash, log })
  details.ssh = result.details
  return result.figures
}

/** `--only api`: the local API figure alone, on the same full-scale database as the scale section. */
async function benchApiAlone(): Promise<Figure[]> {
  const large = makeTempDir('keystead-bench-large-')
  try {
    const passwordHash = await createPasswordHasher(DEFAULT_SCRYPT_PARAMS).hashPassword(PASSWORD)
    log('api: seeding the full-scale database')
    const seed = await makeDatabase(large.path, 'large', passwordHash)
    log('api: local API (autocannon) against a bare node:http server')
    const api = await measureApi(large.path, seed.samples.access_tokens![0]!)
    details.api = api.details
    return [api.figure, api.cpuFigure]
  } finally {
    large.remove()
  }
}

// ---------------------------------------------------------------------------------------------
// 2b. The main process's event loop during work that grows with the data, on the full-scale database.

/** Adds an account with `counts` rows of its own (sessions, access tokens, log entries) to a large database; returns its id. */
function addHeavyAccount(db: DB, username: string, passwordHash: string, counts: { sessions: number; tokens: number; log: number }): number {
  const now = Date.now()
  const id = Number(
    db
      .prepare("INSERT INTO accounts (username, username_key, full_name, email, email_key, description, language, timezone, password_hash, created_at, updated_at) VALUES (?, ?, '', NULL, NULL, '', 'en', 'UTC', ?, ?, ?)")
      .run(username, username, passwordHash, now, now).lastInsertRowid,
  )
  const session = db.prepare("INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at, browser, os) VALUES (?, ?, randomblob(32), 'app', ?, ?, ?, ?, 'Bench browser', 'Linux')")
  const token = db.prepare("INSERT INTO access_tokens (account_id, title, title_key, token_hash, display_prefix, scope, created_at) VALUES (?, ?, ?, randomblob(32), 'kst_', 'read-only', ?)")
  const log = db.prepare("INSERT INTO security_log (account_id, at, kind, session_id, device, detail) VALUES (?, ?, ?, NULL, 'Bench browser on Linux', '{\"origin\":\"app\"}')")
  db.transaction(() => {
    for (let i = 0; i < counts.sessions; i++) session.run(`${username}-${i}`, id, now - i, now - i, now - i, now + 86_400_000)
    for (let i = 0; i < counts.tokens; i++) token.run(id, `token ${i}`, `token ${i}`, now - i)
    for (let i = 0; i < counts.log; i++) log.run(id, now - i * 1000, i % 4 === 0 ? 'signin.failed' : 'signin')
  })()
  return id
}

async function benchEventLoop(): Promise<Figure[]> {
  const large = makeTempDir('keystead-bench-loop-')
  try {
    const passwordHash = await createPasswordHasher(DEFAULT_SCRYPT_PARAMS).hashPassword(PASSWORD)
    log('event loop: seeding the full-scale database')
    const seed = await makeDatabase(large.path, 'large', passwordHash)
    const seeded = openDatabase(join(large.path, 'keystead.db'))
    const deleteId = addHeavyAccount(seeded, 'heavydelete', passwordHash, { sessions: 10_000, tokens: 10_000, log: 10_000 })
    addHeavyAccount(seeded, 'heavylog', passwordHash, { sessions: 0, tokens: 0, log: 100_000 })
    addHeavyAccount(seeded, 'heavysessions', passwordHash, { sessions: 10_000, tokens: 0, log: 0 })
    seeded.pragma('wal_checkpoint(TRUNCATE)')
    seeded.close()
    log(`event loop: seeded in ${(seed.ms / 1000).toFixed(1)} s plus two heavy accounts; measuring`)

    // Measured in a fresh process (as the app starts), whose heap holds nothing of the seeding (bench/event-loop-child.ts).
    const child = spawnSync(process.execPath, [join(ROOT, 'bench/event-loop-child.ts'), large.path, String(deleteId), PASSWORD], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 })
    if (child.status !== 0) throw new Error(`event-loop child failed: ${child.stderr}`)
    type Run = { durationMs: number; worstDelayMs: number; p99DelayMs: number }
    const { idle, startup, inline, deletion, exporting, exported, fileMB, logListing, logPages, inlineLogPage, sessionsListing, sessionPages, inlineSessions, signOut } = JSON.parse(child.stdout) as {
      idle: Run
      startup: Run
      inline: Run
      deletion: Run
      exporting: Run
      exported: number
      fileMB: number
      logListing: Run
      logPages: number
      inlineLogPage: Run
      sessionsListing: Run
      sessionPages: number
      inlineSessions: Run
      signOut: Run
    }
    {
      details.eventLoop = { idle, startup, inlineStartup: inline, deletion, exporting, exported, fileMB, logListing, logPages, inlineLogPage, sessionsListing, sessionPages, inlineSessions, signOut, counts: seed.counts }
      const ratioFigure = (id: string, title: string, run: { durationMs: number; worstDelayMs: number; p99DelayMs: number }, target: Figure['target'], note: string) =>
        makeFigure(id, title, { label: 'worst delay', value: run.worstDelayMs, unit: 'ms' }, { label: 'duration', value: run.durationMs, unit: 'ms' }, target, `p99 delay ${run.p99DelayMs.toFixed(1)} ms; ${note}`)
      return [
        ratioFigure('eventLoop.startupCheck', 'worst event-loop delay / duration: start-up quick check (window shown -> check done)', startup, { op: '<=', value: 0.05 }, `quick_check on a worker thread over ${Object.entries(seed.counts).map(([t, n]) => `${n.toLocaleString('en')} ${t}`).join(', ')}; the same check on the main thread (as before): worst delay ${inline.worstDelayMs.toFixed(0)} ms over ${inline.durationMs.toFixed(0)} ms`),
        ratioFigure('eventLoop.deleteAccount', 'worst event-loop delay / duration: delete an account with 10,000 sessions, tokens and log entries', deletion, { op: '<=', value: 0.05 }, 'slices sized to take about 10 ms (from 32 rows, 16 to 4,096), each its own transaction (secure_delete on), then the WAL checkpoint on a worker thread'),
        ratioFigure('eventLoop.exportLog', `worst event-loop delay / duration: export ${exported.toLocaleString('en')} log entries (CSV)`, exporting, { op: '<=', value: 0.05 }, `through the IPC handler to a ${fileMB.toFixed(1)} MB file, pages of 500 entries`),
        ratioFigure('eventLoop.listSessions', 'worst event-loop delay / duration: list the 10,000 other sessions of an account (sessions screen, every page)', sessionsListing, { op: '<=', value: 0.05 }, `${sessionPages} pages of 200 through the IPC handler (keyset on sessions_by_account_newest); the whole list in one piece (as before): worst delay ${inlineSessions.worstDelayMs.toFixed(0)} ms over ${inlineSessions.durationMs.toFixed(0)} ms`),
        ratioFigure('eventLoop.listLog', 'worst event-loop delay / duration: security log screen on 100,000 entries (10 walks: 4 pages by cursor, then page 4,000 by number)', logListing, { op: '<=', value: 0.05 }, `${logPages} pages of 25 through the IPC handler, each with its exact total counted in slices of 5,000 index entries; count(*), DISTINCT kind and OFFSET 99,975 in one piece (as before): worst delay ${inlineLogPage.worstDelayMs.toFixed(0)} ms over ${inlineLogPage.durationMs.toFixed(0)} ms`),
        ratioFigure('eventLoop.signOutEverywhere', 'worst event-loop delay / duration: sign an account with 10,001 sessions out everywhere', signOut, { op: '<=', value: 0.05 }, 'repeatInSlices (from 32 rows, 16 to 4,096, about 10 ms a slice), each its own transaction, then one transaction for late sessions and the log entry'),
        ratioFigure('eventLoop.idleControl', 'control: worst event-loop delay / duration of an idle loop (one timer)', idle, null, 'no target: the floor the machine\'s scheduler sets'),
      ]
    }
  } finally {
    large.remove()
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Renderer: initial bytes of the production build, and first contentful paint.
async function benchRenderer(): Promise<Figure[]> {
  log('renderer: electron-vite build')
  buildApp()
  const emptyOut = makeTempDir('keystead-bench-empty-vue-')
  try {
    await buildEmptyVuePage(emptyOut.path)
    const app = await measureInitialAssets(RENDERER_DIR)
    const empty = await measureInitialAssets(emptyOut.path)
    log('renderer: first contentful paint in headless Chromium')
    const paint = await measurePaint(emptyOut.path, ROUNDS)
    details.renderer = { initial: app, emptyInitial: empty, paint }
    const KB = 1024
    return [
      makeFigure(
        'renderer.initialJS',
        'initial JS, gzipped / 150 KB budget',
        { label: 'app', value: app.jsGzipBytes / KB, unit: 'KB' },
        { label: 'budget', value: 150, unit: 'KB' },
        { op: '<=', value: 1 },
        `${app.files.filter((f) => f.kind === 'js').map((f) => `${f.file} ${(f.gzipBytes / KB).toFixed(1)} KB`).join(', ')}; empty Vue page: ${(empty.jsGzipBytes / KB).toFixed(1)} KB`,
      ),
      makeFigure(
        'renderer.initialCSS',
        'initial CSS, gzipped / the empty Vue page\'s JS',
        { label: 'app CSS', value: app.cssGzipBytes / KB, unit: 'KB' },
        { label: 'empty page JS', value: empty.jsGzipBytes / KB, unit: 'KB' },
        null,
        'no target: reported for the record',
      ),
      makeFigure(
        'renderer.fcp',
        'first contentful paint, sign-in screen / empty Vue page',
        { label: 'sign-in', value: paint.appMedian.fcpMs, unit: 'ms' },
        { label: 'empty', value: paint.emptyMedian.fcpMs, unit: 'ms' },
        { op: '<=', value: 1.5 },
        `${ROUNDS} fresh contexts each, alternated; heading in the DOM at ${paint.appMedian.headingMs.toFixed(0)} ms vs ${paint.emptyMedian.headingMs.toFixed(0)} ms; requests before it: ${paint.app.at(-1)!.requests} vs ${paint.empty.at(-1)!.requests}; median of the rounds' own ratios ${paint.pairedRatioMedian.toFixed(2)}`,
      ),
    ]
  } finally {
    emptyOut.remove()
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Security log: verifying a 100,000-entry hash chain (SHA-256 each, in slices) against a bare
//    scan of the same rows by the same slices (the work the check cannot avoid).
const SECURITY_LOG_ROWS = 100_000
async function benchSecurityLog(): Promise<Figure[]> {
  const dir = makeTempDir('keystead-bench-log-')
  try {
    log(`security log: writing ${SECURITY_LOG_ROWS.toLocaleString('en')} chained entries`)
    const db = openDatabase(join(dir.path, 'keystead.db'))
    await migrateDatabase(db)
    const secretBox = createKeyFileSecretBox(join(dir.path, 'keystead.key'))
    const services = createServices({ db, secretBox, scryptParams: TEST_ONLY_SCRYPT_PARAMS })
    const accountId = (await services.accounts.createAccount({ username: 'heavy', password: PASSWORD })).id
    const kinds = Object.values(SecurityEventKind)
    writeTransaction(db, () => {
      for (let i = 1; i < SECURITY_LOG_ROWS; i++) {
        services.audit.recordSecurityEvent({
          accountId,
          kind: kinds[i % kinds.length]!,
          device: 'Keystead (Electron 45.0.0, Chromium 140.0.0.0) on Linux 6.12 (x64)',
          detail: { tokenId: i, title: `entry ${i}`, scope: 'read-only', count: i % 7 },
        })
      }
    })
    const macKey = deriveSecurityLogMACKey(secretBox)
    const bareScan = (): number => {
      let after = 0
      let count = 0
      for (;;) {
        const rows = listSecurityLogChainSlice(db, accountId, after, VERIFY_SLICE_ROWS)
        count += rows.length
        if (rows.length < VERIFY_SLICE_ROWS) return count
        after = rows.at(-1)!.seq
      }
    }
    const verifyTimes: number[] = []
    const scanTimes: number[] = []
    let verdict = verifySecurityLogChain(db, macKey, accountId)
    for (let round = 0; round < ROUNDS; round++) {
      scanTimes.push(await timeMs(() => void bareScan()))
      verifyTimes.push(await timeMs(() => void (verdict = verifySecurityLogChain(db, macKey, accountId))))
    }
    if (!verdict.isIntact || verdict.count !== SECURITY_LOG_ROWS) throw new Error(`the bench log did not verify: ${JSON.stringify(verdict.breaks.slice(0, 3))}`)
    // The app's way (slices with the event loop free between them): the longest slice is the worst delay.
    const loop = monitorEventLoopDelay({ resolution: 1 })
    loop.enable()
    const slicedMs = await timeMs(() => verifySecurityLogChainInSlices(db, macKey, accountId))
    loop.disable()
    db.close()
    details.securityLog = { rows: SECURITY_LOG_ROWS, verifyMs: verifyTimes, scanMs: scanTimes, slicedMs, loopMaxMs: loop.max / 1e6 }
    return [
      makeFigure(
        'securityLog.verify',
        `verify ${SECURITY_LOG_ROWS.toLocaleString('en')} entries / bare scan of the same rows`,
        { label: 'verify', value: median(verifyTimes), unit: 'ms' },
        { label: 'scan', value: median(scanTimes), unit: 'ms' },
        { op: '<=', value: 3 },
        `${ROUNDS} alternated rounds; in slices of ${VERIFY_APP_SLICE_ROWS} (the app's way) ${slicedMs.toFixed(0)} ms in all, longest event-loop delay ${(loop.max / 1e6).toFixed(0)} ms`,
      ),
    ]
  } finally {
    dir.remove()
  }
}

// ---------------------------------------------------------------------------------------------
const started = performance.now()
const figures: Figure[] = []
if (ONLY === 'api') figures.push(...(await benchApiAlone()))
if (!SKIP_SIGN_IN) figures.push(...(await benchSignIn()))
if (!SKIP_UNKNOWN_USER) figures.push(...(await benchUnknownUser()))
if (!SKIP_SCALE) figures.push(...(await benchScale()))
if (!SKIP_SSH) figures.push(...(await benchSSHLookup()))
if (!SKIP_EVENT_LOOP) figures.push(...(await benchEventLoop()))
if (!SKIP_RENDERER) figures.push(...(await benchRenderer()))
if (!SKIP_BACKUP) {
  const passwordHash = await createPasswordHasher(DEFAULT_SCRYPT_PARAMS).hashPassword(PASSWORD)
  const backup = await benchBackup({ scale: BACKUP_SCALE, rounds: Math.min(ROUNDS, 3), passwordHash, log })
  figures.push(...backup.figures)
  details.backup = backup.details
}
if (!SKIP_SECURITY_LOG) figures.push(...(await benchSecurityLog()))
const totalSeconds = (performance.now() - started) / 1000

const machine = { node: process.version, cpus: cpus().length, parallelism: availableParallelism(), cpuModel: cpus()[0]?.model ?? '', totalMemoryGB: totalmem() / 2 ** 30 }
process.stdout.write(`\nKeystead benchmark (${new Date().toISOString()}, ${machine.cpus} CPUs, Node ${machine.node}, ${totalSeconds.toFixed(0)} s)\n\n`)
process.stdout.write(formatTable(figures) + '\n\n')
for (const figure of figures) if (figure.note) process.stdout.write(`- ${figure.title}: ${figure.note}\n`)
const holding = figures.filter((f) => f.holds === true)
const failing = figures.filter((f) => f.holds === false)
process.stdout.write(
  `\n${holding.length} of ${holding.length + failing.length} targets hold${holding.length ? ' (' + holding.map((f) => f.id).join(', ') + ')' : ''}; ${failing.length} do not${failing.length ? ' (' + failing.map((f) => f.id).join(', ') + ')' : ''}.\n`,
)

mkdirSync(join(ROOT, 'bench'), { recursive: true })
const resultsFile = ONLY === undefined ? 'bench/results.json' : `bench/results.${ONLY}.json`
writeFileSync(
  join(ROOT, resultsFile),
  JSON.stringify({ at: new Date().toISOString(), machine, totalSeconds, rounds: ROUNDS, figures, markdown: formatMarkdownTable(figures), details }, null, 2) + '\n',
)
process.stdout.write(`Wrote ${resultsFile}\n`)
