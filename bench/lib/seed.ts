import { randomBytes } from 'node:crypto'
import type { DB } from '../../src-main/db/database.ts'

/**
 * Fills a migrated database quickly: one prepared INSERT per table, run in large
 * transactions, with no journal and synchronous=OFF while seeding (the file is thrown away after the run).
 * Each table is one Seeder; a new table (tokens, SSH keys) adds one entry to SEEDERS.
 */
export interface SeedContext {
  /** One precomputed password hash, reused for every account (hashing 100,000 would take hours). */
  passwordHash: string
  now: number
  /** Row counts of the tables seeded before this one (accounts first). */
  counts: Record<string, number>
}

export interface Seeder {
  table: string
  /** Rows at full scale; the small database has one thousandth. */
  fullScaleRows: number
  /** Inserts rows [from, to) with the prepared statement it made. */
  prepare(db: DB, context: SeedContext): (from: number, to: number) => void
}

const BATCH_ROWS = 50_000
const DAY = 24 * 60 * 60 * 1000

const accountsSeeder: Seeder = {
  table: 'accounts',
  fullScaleRows: 100_000,
  prepare(db, context) {
    const insert = db.prepare(
      `INSERT INTO accounts (id, username, username_key, full_name, email, email_key, description, language, timezone, password_hash, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, '', 'en', 'UTC', ?, ?, ?)`,
    )
    return (from, to) => {
      for (let i = from; i < to; i++) {
        const id = i + 1
        const username = `user${id}`
        const email = `${username}@example.test`
        const created = context.now - 400 * DAY + i
        insert.run(id, username, username, `User Number ${id}`, email, email, context.passwordHash, created, created)
      }
    }
  },
}

const sessionsSeeder: Seeder = {
  table: 'sessions',
  fullScaleRows: 1_000_000,
  prepare(db, context) {
    const insert = db.prepare(
      `INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at, keep_signed_in, browser, os, model, ip, engine, arch)
       VALUES (?, ?, ?, 'app', ?, ?, ?, ?, 0, 'Keystead 0.1.0 (Electron 45.4.1, Chromium 140.0.7339.0)', 'Linux 6.1.0', 'Bench Machine', '192.0.2.10', 'Blink 140.0.7339.0, V8 14.0', 'x64')`,
    )
    const accounts = context.counts.accounts!
    return (from, to) => {
      const ids = randomBytes(12 * (to - from))
      const hashes = randomBytes(32 * (to - from))
      for (let i = from; i < to; i++) {
        const k = i - from
        // Sessions interleave across accounts, as they do when created over time.
        const accountId = (i % accounts) + 1
        const created = context.now - 20 * DAY + i
        insert.run(ids.subarray(12 * k, 12 * k + 12).toString('base64url'), accountId, hashes.subarray(32 * k, 32 * k + 32), created, created, created, created + 30 * DAY)
      }
    }
  },
}

/** In insertion order: a table's foreign keys point only at tables above it. Phase 2 adds tokens (1,000,000) and SSH keys (100,000). */
export const SEEDERS: Seeder[] = [accountsSeeder, sessionsSeeder]

export interface SeedOutcome {
  counts: Record<string, number>
  ms: number
}

/** Seeds every table at `scale` (1 = full scale, 0.001 = the small database). */
export function seedDatabase(db: DB, options: { scale: number; passwordHash: string; now: number; seeders?: readonly Seeder[] }): SeedOutcome {
  const started = performance.now()
  const counts: Record<string, number> = {}
  // A throwaway file: no journal and no syncs while seeding, a big page cache for the random-key indexes.
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  const cacheSize = db.pragma('cache_size', { simple: true }) as number
  db.pragma('cache_size = -262144')
  for (const seeder of options.seeders ?? SEEDERS) {
    const rows = Math.max(1, Math.round(seeder.fullScaleRows * options.scale))
    const insertRange = seeder.prepare(db, { passwordHash: options.passwordHash, now: options.now, counts })
    const batch = db.transaction((from: number, to: number) => insertRange(from, to))
    for (let from = 0; from < rows; from += BATCH_ROWS) batch(from, Math.min(rows, from + BATCH_ROWS))
    counts[seeder.table] = rows
  }
  db.pragma(`cache_size = ${cacheSize}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  return { counts, ms: performance.now() - started }
}
