/**
 * The Accounts screen's listing at scale (issue 15), a bench section that runs alone:
 *
 *   node bench/accounts-listing.ts [--rounds N] [--json FILE]
 *
 * Two stores, 100 and 100,000 accounts (rows written straight in SQL: the KDF is not what is measured).
 * Usernames start with one of four letters in turn, so the search "b" matches the same share (a quarter)
 * of either store, spread evenly along the full-name order: a page costs what it takes to walk the index
 * to 25 matches, the same in both. (A prefix that matches a much smaller share, or matches bunched at the
 * far end of the sort order, walks further down the index per page: that cost follows the share, not the size.) Full
 * names never start with the searched letter, so that the search matches exactly that quarter in both stores.
 * Measured through the real service (`administration.listAccounts`: search + sort by full
 * name, 25 rows): the first page, and pages 400-409 of the large store reached by their keyset cursors, each timed
 * on its own, and their mean (how far apart one page's 25 matches lie in the name order varies by about 15% from
 * page to page, as it would in any store: one page alone measured that luck). The
 * small store has one full page only (a quarter of 100 accounts), so the deep page is held against that
 * full page of 25 rows; its partly filled last page is printed in the note. Beside them, the bare indexed lookup
 * (`findAccountById`) at both sizes: SQLite's own B-tree cost, the floor any listing shares.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../src-main/db/database.ts'
import type { DB } from '../src-main/db/database.ts'
import { migrateDatabase } from '../src-main/db/migrate.ts'
import { findAccountById } from '../src-main/db/repositories/accounts-repo.ts'
import { createServices } from '../src-main/services/index.ts'
import type { Services } from '../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../src-main/services/secret-box.ts'
import { makeTempDir } from '../test/fixtures/temp-dir.ts'
import { formatMarkdownTable, formatTable, makeFigure } from './lib/figures.ts'
import type { Figure } from './lib/figures.ts'

const args = process.argv.slice(2)
const ROUNDS = Number(args[args.indexOf('--rounds') + 1]) || 31
const JSON_FILE = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined
const PAGE = 25
const SEARCH = 'b'
const DEEP_PAGE_LARGE = 400
/** The deep figure is the mean of this many consecutive pages from DEEP_PAGE_LARGE on: one page's luck (how far its 25 matches lie apart) evens out. */
const DEEP_PAGES = 10
const NAME_LETTERS = 'acdefghijklmnopqrstuvwxyz'
const log = (message: string) => process.stderr.write(`bench: ${message}\n`)

async function seedStore(dir: string, count: number): Promise<{ db: DB; services: Services }> {
  const db = openDatabase(join(dir, 'keystead.db'))
  await migrateDatabase(db)
  const insert = db.prepare(
    `INSERT INTO accounts (username, username_key, full_name, email, email_key, password_hash, created_at, updated_at, role, last_sign_in_at, token_count)
     VALUES (?, ?, ?, ?, ?, 'x', ?, ?, ?, ?, ?)`,
  )
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const first = letters[i % 4]!
      const username = `${first}user${i}`
      // A multiplicative hash spreads the name order independently of i % 4 (of the username's letter).
      const mixed = Math.imul(i + 1, 0x9e3779b1) >>> 8
      // Full names never start with the searched letter: the search then matches exactly the usernames' quarter
      // (names starting with it would all match, bunched in one stretch of the name order).
      const fullName = `${NAME_LETTERS[mixed % NAME_LETTERS.length]!.toUpperCase()}${letters[(mixed >>> 5) % 26]}name ${i}`
      const email = `mail${i}@example.org`
      insert.run(username, username, fullName, email, email, 1_700_000_000_000 + i, 1_700_000_000_000 + i, i === 0 ? 'administrator' : 'member', i % 3 === 0 ? null : 1_760_000_000_000 + i, i % 4)
    }
  })()
  db.exec('ANALYZE')
  const services = createServices({ db, secretBox: createKeyFileSecretBox(join(dir, 'keystead.key')), scryptParams: TEST_ONLY_SCRYPT_PARAMS })
  return { db, services }
}

/**
 * The time of one call in µs for each function: its FASTEST sample, each sample the mean of `repeat` calls. The
 * functions take turns within every round. These calls are CPU-bound and do the same work every time, so other
 * processes on this shared machine can only add time to a sample: with the load average at 4-12 on 2 cores the
 * medians of one function moved by 2x between runs (and a ratio of medians from 1.1 to 2.6), while the fastest
 * samples stay within a few percent. (The other bench sections keep their medians: they measure waits and
 * hashing, where the spread is part of what is measured.)
 */
function timeMicrosInterleaved(runs: ReadonlyArray<() => unknown>, repeat: number): number[] {
  for (const run of runs) for (let i = 0; i < repeat; i++) run()
  const samples = runs.map((): number[] => [])
  for (let round = 0; round < ROUNDS; round++) {
    runs.forEach((run, index) => {
      const started = performance.now()
      for (let i = 0; i < repeat; i++) run()
      samples[index]!.push(((performance.now() - started) * 1000) / repeat)
    })
  }
  return samples.map((values) => Math.min(...values))
}

/** The cursors of pages `from` .. `from + count - 1` (fewer where the list ends first); `reached` is the last page found. */
function deepCursors(services: Services, from: number, count: number): { cursors: Array<string | undefined>; reached: number } {
  const cursors: Array<string | undefined> = []
  let cursor: string | undefined
  let reached = 1
  for (;;) {
    if (reached >= from) cursors.push(cursor)
    if (cursors.length === count) break
    const page = services.administration.listAccounts({ search: SEARCH, sort: 'fullName', limit: PAGE, ...(cursor ? { cursor } : {}) })
    if (!page.next) break
    cursor = page.next
    reached++
  }
  return { cursors, reached }
}

async function main(): Promise<void> {
  const small = makeTempDir('keystead-bench-accounts-small-')
  const large = makeTempDir('keystead-bench-accounts-large-')
  try {
    log('seeding 100 and 100,000 accounts')
    const a = await seedStore(small.path, 100)
    const b = await seedStore(large.path, 100_000)
    const listPage = (services: Services, cursor?: string): void => {
      const page = services.administration.listAccounts({ search: SEARCH, sort: 'fullName', limit: PAGE, ...(cursor ? { cursor } : {}) })
      if (page.rows.length === 0) throw new Error('empty page')
    }
    const list = (services: Services, cursor?: string) => () => listPage(services, cursor)
    const largeDeep = deepCursors(b.services, DEEP_PAGE_LARGE, DEEP_PAGES)
    if (largeDeep.cursors.length !== DEEP_PAGES) throw new Error(`the large store has only ${largeDeep.reached} pages`)
    log(`deep pages: ${DEEP_PAGE_LARGE}-${largeDeep.reached} of the large store (the small one has one page: a quarter of 100 accounts)`)
    // Every deep page is timed on its own (like the first pages: the same rows listed again), then their mean.
    const [firstSmall, firstLarge, ...deepPages] = timeMicrosInterleaved(
      [list(a.services), list(b.services), ...largeDeep.cursors.map((cursor) => list(b.services, cursor))],
      20,
    ) as [number, number, ...number[]]
    const deepLarge = deepPages.reduce((sum, value) => sum + value, 0) / deepPages.length
    const [lookupSmall, lookupLarge] = timeMicrosInterleaved([() => findAccountById(a.db, 50), () => findAccountById(b.db, 50_000)], 2000) as [number, number]
    const FASTEST = `each the fastest of ${ROUNDS} samples of 20 calls (not the median)`
    const figures: Figure[] = [
      makeFigure('accounts.firstPage', `Accounts screen, first page (search "${SEARCH}", sort by full name): 100,000 / 100 accounts`, { label: '100k', value: firstLarge, unit: 'µs' }, { label: '100', value: firstSmall, unit: 'µs' }, { op: '<=', value: 1.5 }, FASTEST),
      makeFigure(
        'accounts.deepPage',
        `Accounts screen, pages ${DEEP_PAGE_LARGE}-${largeDeep.reached} of 100,000 by keyset cursor (mean) / the full page of 100 accounts`,
        { label: '100k', value: deepLarge, unit: 'µs' },
        { label: '100', value: firstSmall, unit: 'µs' },
        { op: '<=', value: 1.5 },
        `${FASTEST}; the ${DEEP_PAGES} pages took ${deepPages.map((value) => value.toFixed(0)).join(', ')} µs`,
      ),
      makeFigure('accounts.lookup', 'Bare indexed lookup (account by id): 100,000 / 100 accounts', { label: '100k', value: lookupLarge, unit: 'µs' }, { label: '100', value: lookupSmall, unit: 'µs' }, null, 'SQLite B-tree depth: the floor every listing shares; fastest samples of 2,000 calls'),
    ]
    process.stdout.write(`${formatTable(figures)}\n\n${formatMarkdownTable(figures)}\n`)
    if (JSON_FILE) writeFileSync(JSON_FILE, `${JSON.stringify({ rounds: ROUNDS, figures }, null, 2)}\n`)
    a.db.close()
    b.db.close()
    if (figures.some((figure) => figure.holds === false)) process.exitCode = 1
  } finally {
    small.remove()
    large.remove()
  }
}

await main()
