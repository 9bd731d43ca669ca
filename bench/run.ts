/**
 * `npm run bench`: Keystead's benchmark. Seeds temporary databases, measures, prints a
 * table and writes bench/results.json. Every figure is a ratio of two medians taken in
 * this same run, with the medians beside it and whether its target holds.
 *
 * Sections run in order; each returns its figures (and raw details for the JSON file).
 * Phase 2 fills the pending slots (token/API key verification, the local API) and adds
 * tokens and SSH keys to the seeders (bench/lib/seed.ts) and listings (LISTINGS below).
 *
 *   node bench/run.ts [--skip-renderer] [--rounds N]
 */
import { scrypt } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { listChannels } from '../src-preload/contract/api.ts'
import { openDatabase } from '../src-main/db/database.ts'
import type { DB } from '../src-main/db/database.ts'
import { migrateDatabase } from '../src-main/db/migrate.ts'
import { listSessionRowsForAccount } from '../src-main/db/repositories/sessions-repo.ts'
import { createPasswordHasher, DEFAULT_SCRYPT_PARAMS, parsePasswordHash } from '../src-main/services/password-hasher.ts'
import { makeTempDir } from '../test/fixtures/temp-dir.ts'
import { startBenchCore } from './lib/core.ts'
import { formatMarkdownTable, formatTable, makeFigure, median, pendingFigure, timeMs } from './lib/figures.ts'
import type { Figure } from './lib/figures.ts'
import { buildApp, buildEmptyVuePage, measureInitialAssets, measurePaint, RENDERER_DIR } from './lib/renderer.ts'
import { seedDatabase, SEEDERS } from './lib/seed.ts'

const ROOT = join(import.meta.dirname, '..')
const args = process.argv.slice(2)
const ROUNDS = Number(args[args.indexOf('--rounds') + 1]) || 7
const SKIP_RENDERER = args.includes('--skip-renderer')
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
async function benchSignIn(): Promise<Figure[]> {
  log('sign-in: creating an account at the default scrypt cost')
  const dir = makeTempDir('keystead-bench-signin-')
  const core = await startBenchCore(dir.path)
  try {
    const account = await core.services!.accounts.createAccount({ username: 'benchuser', password: PASSWORD })
    const signIn = (windowId: number) =>
      core.invoke({ windowId, senderUrl: 'bench://' }, 'keystead:auth.signIn', { username: 'benchuser', password: PASSWORD }).then((result) => {
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
    log('sign-in: 20 concurrent sign-ins under monitorEventLoopDelay')
    const histogram = monitorEventLoopDelay({ resolution: 1 })
    histogram.enable()
    await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(100 + i)))
    histogram.disable()
    const worstDelayMs = histogram.max / 1e6
    // Control: the same with 20 bare KDFs and no app code: the floor this machine's scheduler sets.
    const control = monitorEventLoopDelay({ resolution: 1 })
    control.enable()
    await Promise.all(Array.from({ length: 20 }, () => rawKDF(PASSWORD, account.password_hash)))
    control.disable()
    const controlDelayMs = control.max / 1e6
    const kdfMedian = median(kdfs)
    details.signIn = { signInsMs: signIns, kdfsMs: kdfs, controlDelayMs, concurrent: { count: 20, worstDelayMs, p99DelayMs: histogram.percentile(99) / 1e6, meanDelayMs: histogram.mean / 1e6 }, scrypt: DEFAULT_SCRYPT_PARAMS }
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
// 2. Scale: start-up, listing and memory on a full-scale database and on a small/empty one.

/** One account's items, as the screens list them. Phase 2: tokens and SSH keys, through their services. */
const LISTINGS: Array<{ name: string; list(db: DB, accountId: number): unknown[] }> = [
  { name: 'sessions', list: (db, accountId) => listSessionRowsForAccount(db, accountId) },
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

async function makeDatabase(dataDir: string, scale: number, passwordHash: string): Promise<Record<string, number>> {
  const db = openDatabase(join(dataDir, 'keystead.db'))
  try {
    await migrateDatabase(db)
    return scale === 0 ? {} : seedDatabase(db, { scale, passwordHash, now: Date.now() }).counts
  } finally {
    db.close()
  }
}

async function benchScale(): Promise<Figure[]> {
  const large = makeTempDir('keystead-bench-large-')
  const small = makeTempDir('keystead-bench-small-')
  const empty = makeTempDir('keystead-bench-empty-')
  try {
    const passwordHash = await createPasswordHasher(DEFAULT_SCRYPT_PARAMS).hashPassword(PASSWORD)
    log(`scale: seeding ${SEEDERS.map((s) => `${s.fullScaleRows.toLocaleString('en')} ${s.table}`).join(', ')}`)
    const seedStarted = performance.now()
    const largeCounts = await makeDatabase(large.path, 1, passwordHash)
    const seedMs = performance.now() - seedStarted
    const smallCounts = await makeDatabase(small.path, 0.001, passwordHash)
    await makeDatabase(empty.path, 0, passwordHash)
    log(`scale: seeded in ${(seedMs / 1000).toFixed(1)} s; start-up runs (fresh processes)`)

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
    const listing = measureListing(large.path, small.path, largeCounts, smallCounts)
    details.scale = { seedMs, quickCheckMs, largeCounts, smallCounts, startup: { large: largeRuns, empty: emptyRuns }, listing: listing.details }
    const pick = (runs: StartupRun[], key: 'readyMs' | 'coreMs' | 'startupStateMs' | 'rssAfterReadyMB') => median(runs.map((r) => r[key]))
    return [
      makeFigure(
        'scale.startup',
        `start-up to first window's data, large DB / empty DB`,
        { label: 'large', value: pick(largeRuns, 'readyMs'), unit: 'ms' },
        { label: 'empty', value: pick(emptyRuns, 'readyMs'), unit: 'ms' },
        { op: '<=', value: 1.5 },
        `open + migrate + services + app.getStartupState; of the large DB's time, open+migrate+services took ${pick(largeRuns, 'coreMs').toFixed(0)} ms (empty: ${pick(emptyRuns, 'coreMs').toFixed(0)} ms) and getStartupState (sign-in hints: ${largeRuns[0]!.signInHints} accounts) ${pick(largeRuns, 'startupStateMs').toFixed(1)} ms (empty: ${pick(emptyRuns, 'startupStateMs').toFixed(1)} ms); quick_check after the window: ${quickCheckMs.toFixed(0)} ms`,
      ),
      listing.figure,
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

function measureListing(largePath: string, smallPath: string, largeCounts: Record<string, number>, smallCounts: Record<string, number>): { figure: Figure; details: unknown } {
  const SAMPLE = 100
  const open = (dir: string) => openDatabase(join(dir, 'keystead.db'))
  const dbs = { large: open(largePath), small: open(smallPath) }
  try {
    const sample = (db: DB, accounts: number) => {
      const accountIds = Array.from({ length: SAMPLE }, (_, i) => 1 + Math.floor(((i + 0.5) * accounts) / SAMPLE))
      const sessionIds = (db.prepare('SELECT id FROM sessions ORDER BY random() LIMIT ?').all(SAMPLE) as Array<{ id: string }>).map((r) => r.id)
      return { accountIds, sessionIds, bare: db.prepare('SELECT * FROM sessions WHERE id = ?') }
    }
    const samples = { large: sample(dbs.large, largeCounts.accounts!), small: sample(dbs.small, smallCounts.accounts!) }
    const ours = (which: 'large' | 'small') => {
      let rows = 0
      const started = performance.now()
      for (const accountId of samples[which].accountIds) for (const listing of LISTINGS) rows += listing.list(dbs[which], accountId).length
      return { µs: ((performance.now() - started) * 1000) / SAMPLE, rows: rows / SAMPLE }
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
    const m = { oursLarge: median(times.oursLarge), oursSmall: median(times.oursSmall), bareLarge: median(times.bareLarge), bareSmall: median(times.bareSmall) }
    const oursRatio = m.oursLarge / m.oursSmall
    const bareRatio = m.bareLarge / m.bareSmall
    const figure = makeFigure(
      'scale.listing',
      `list one account's ${LISTINGS.map((l) => l.name).join(', ')}: (large / small) / (bare lookup large / small)`,
      { label: `ours ×${oursRatio.toFixed(2)}, large`, value: m.oursLarge, unit: 'µs' },
      { label: `bare ×${bareRatio.toFixed(2)}, large`, value: m.bareLarge, unit: 'µs' },
      { op: '<=', value: 1.2 },
      `${rowsPerListing.large} rows per listing at both sizes; small DB: ${Object.entries(smallCounts).map(([t, n]) => `${n} ${t}`).join(', ')}; ours small ${m.oursSmall.toFixed(1)} µs, bare small ${m.bareSmall.toFixed(2)} µs`,
    )
    // The ratio of ratios is the figure; the medians shown are the large-DB ones.
    figure.ratio = oursRatio / bareRatio
    figure.holds = figure.ratio <= 1.2
    return { figure, details: { medians: m, oursRatio, bareRatio, rowsPerListing, sample: SAMPLE } }
  } finally {
    dbs.large.close()
    dbs.small.close()
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
        `${ROUNDS} fresh contexts each, alternated; heading in the DOM at ${paint.appMedian.headingMs.toFixed(0)} ms vs ${paint.emptyMedian.headingMs.toFixed(0)} ms; requests before it: ${paint.app.at(-1)!.requests} vs ${paint.empty.at(-1)!.requests}`,
      ),
    ]
  } finally {
    emptyOut.remove()
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Slots for what is being built in parallel (phase 2 fills them).
function pendingFigures(): Figure[] {
  const hasTokens = listChannels().some((channel) => channel.startsWith('keystead:tokens.'))
  return [
    pendingFigure('verify.tokens', 'token / API key verification / bare indexed lookup', { op: '<=', value: 2 }, `phase 2: needs the tokens and API key services${hasTokens ? ' (channels now exist)' : ''}; also report verifications per second`),
    pendingFigure('api.rps', 'local API GET /users/me rps / bare node:http rps', { op: '>=', value: 0.5 }, 'phase 2: needs the local REST API; measure with autocannon, report p99 latency too'),
  ]
}

// ---------------------------------------------------------------------------------------------
const started = performance.now()
const figures: Figure[] = []
figures.push(...(await benchSignIn()))
figures.push(...(await benchScale()))
if (!SKIP_RENDERER) figures.push(...(await benchRenderer()))
figures.push(...pendingFigures())
const totalSeconds = (performance.now() - started) / 1000

const machine = { node: process.version, cpus: cpus().length, parallelism: availableParallelism(), cpuModel: cpus()[0]?.model ?? '', totalMemoryGB: totalmem() / 2 ** 30 }
process.stdout.write(`\nKeystead benchmark (${new Date().toISOString()}, ${machine.cpus} CPUs, Node ${machine.node}, ${totalSeconds.toFixed(0)} s)\n\n`)
process.stdout.write(formatTable(figures) + '\n\n')
for (const figure of figures) if (figure.note) process.stdout.write(`- ${figure.title}: ${figure.note}\n`)
const failing = figures.filter((f) => f.holds === false)
process.stdout.write(`\n${figures.filter((f) => f.holds === true).length} targets hold, ${failing.length} do not${failing.length ? ': ' + failing.map((f) => f.id).join(', ') : ''}; ${figures.filter((f) => f.ratio === null).length} pending.\n`)

mkdirSync(join(ROOT, 'bench'), { recursive: true })
writeFileSync(
  join(ROOT, 'bench/results.json'),
  JSON.stringify({ at: new Date().toISOString(), machine, totalSeconds, rounds: ROUNDS, figures, markdown: formatMarkdownTable(figures), details }, null, 2) + '\n',
)
process.stdout.write('Wrote bench/results.json\n')
