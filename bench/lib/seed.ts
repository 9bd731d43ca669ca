import { randomBytes } from 'node:crypto'
import type { DB } from '../../src-main/db/database.ts'
import { CREDENTIAL_PREFIX, CredentialKind, computeChecksum, DISPLAY_RANDOM_LENGTH, hashCredential, PREFIX_LENGTH, RANDOM_LENGTH, toLastFour } from '../../src-main/services/credential-format.ts'
import { fingerprintMD5, fingerprintSHA256 } from '../../src-main/services/ssh-public-key.ts'
import { toTitleKey } from '../../src-main/services/token-rules.ts'

/**
 * Fills a migrated database quickly: one prepared INSERT per table, run in large
 * transactions, with no journal and synchronous=OFF while seeding (the file is thrown away after the run).
 * Each table is one Seeder; a new table adds one entry to SEEDERS.
 *
 * One account (HEAVY_ACCOUNT_ID) is a heavy user at every scale: HEAVY_ROWS of each table are its
 * own, spread evenly over the table's insertion order (as if made over time); the other rows are
 * dealt round-robin to the other accounts.
 */
export interface SeedContext {
  /** One precomputed password hash, reused for every account (hashing 100,000 would take hours). */
  passwordHash: string
  now: number
  /** Row counts of the tables seeded before this one (accounts first). */
  counts: Record<string, number>
  /** Seals the API keys' copies (the data folder's secret box); without it they are sealed with a throwaway key-shaped blob. */
  seal?: (plaintext: string) => Buffer
  /** Some of the credentials in clear, per table, for benchmarks that verify them: filled by the seeders. */
  samples: Record<string, string[]>
}

export interface Seeder {
  table: string
  /** Rows at full scale. */
  fullScaleRows: number
  /** Inserts rows [from, to) of `rows` with the prepared statement it made. */
  prepare(db: DB, context: SeedContext, rows: number): (from: number, to: number) => void
}

const BATCH_ROWS = 50_000
const DAY = 24 * 60 * 60 * 1000
/** Every this many rows of a credential table, one credential is kept in clear in `samples`. */
const SAMPLE_EVERY = { access_tokens: 1000, api_keys: 100 } as const

/** The account that has many rows of each kind, at every scale (the listing benchmark lists it). */
export const HEAVY_ACCOUNT_ID = 1
export const HEAVY_ROWS: Readonly<Record<string, number>> = Object.freeze({ sessions: 100, access_tokens: 100, ssh_keys: 20 })

/** The account that owns row `i` of a table of `rows` rows (accounts are 1..accounts). */
function ownerOf(i: number, rows: number, accounts: number, heavyRows: number): number {
  const stride = Math.max(1, Math.floor(rows / heavyRows))
  if (accounts === 1 || (i % stride === 0 && i / stride < heavyRows)) return HEAVY_ACCOUNT_ID
  return 2 + (i % (accounts - 1))
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * `count` credentials of one kind in the real format (prefix, 36 uniform base62 characters, CRC32
 * checksum), from one bulk random buffer instead of one CSPRNG call each.
 */
function makeCredentials(kind: CredentialKind, count: number): string[] {
  const out: string[] = []
  let pool = randomBytes(count * (RANDOM_LENGTH + 4))
  let at = 0
  for (let n = 0; n < count; n++) {
    let random = ''
    while (random.length < RANDOM_LENGTH) {
      if (at === pool.length) {
        pool = randomBytes(4096)
        at = 0
      }
      const byte = pool[at++]!
      if (byte < 248) random += BASE62[byte % 62]
    }
    out.push(`${CREDENTIAL_PREFIX[kind]}${random}${computeChecksum(random)}`)
  }
  return out
}

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

const apiKeysSeeder: Seeder = {
  table: 'api_keys',
  // One per account, as every account gets one when it is made.
  fullScaleRows: 100_000,
  prepare(db, context) {
    const insert = db.prepare('INSERT INTO api_keys (account_id, key_hash, sealed_key, last_four, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)')
    const seal = context.seal ?? ((plaintext: string) => Buffer.concat([Buffer.from([1]), randomBytes(28), Buffer.from(plaintext)]))
    const samples = (context.samples.api_keys ??= [])
    return (from, to) => {
      const keys = makeCredentials(CredentialKind.ApiKey, to - from)
      for (let i = from; i < to; i++) {
        const key = keys[i - from]!
        if (i % SAMPLE_EVERY.api_keys === 0) samples.push(key)
        const created = context.now - 400 * DAY + i
        insert.run(i + 1, hashCredential(key), seal(key), toLastFour(key), created, i % 3 === 0 ? null : context.now - (i % DAY))
      }
    }
  },
}

const sessionsSeeder: Seeder = {
  table: 'sessions',
  fullScaleRows: 1_000_000,
  prepare(db, context, rows) {
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
        const accountId = ownerOf(i, rows, accounts, HEAVY_ROWS.sessions!)
        const created = context.now - 20 * DAY + i
        // Used within the last 6 hours: alive under the default policy (12 h idle, 30 days in all).
        const lastUsed = Math.max(created, context.now - (i % (6 * 60 * 60 * 1000)))
        insert.run(ids.subarray(12 * k, 12 * k + 12).toString('hex'), accountId, hashes.subarray(32 * k, 32 * k + 32), created, lastUsed, created, created + 30 * DAY)
      }
    }
  },
}

const accessTokensSeeder: Seeder = {
  table: 'access_tokens',
  fullScaleRows: 1_000_000,
  prepare(db, context, rows) {
    const insert = db.prepare(
      `INSERT INTO access_tokens (account_id, title, title_key, token_hash, display_prefix, scope, is_enabled, created_at, expires_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const accounts = context.counts.accounts!
    const samples = (context.samples.access_tokens ??= [])
    return (from, to) => {
      const tokens = makeCredentials(CredentialKind.Token, to - from)
      for (let i = from; i < to; i++) {
        const token = tokens[i - from]!
        const sampled = i % SAMPLE_EVERY.access_tokens === 0
        if (sampled) samples.push(token)
        const title = `Token ${i + 1}`
        const created = context.now - 300 * DAY + i * 10
        // A realistic mix; the sampled ones are enabled and unexpired (they must verify).
        const enabled = sampled || i % 20 !== 7 ? 1 : 0
        const expiresAt = i % 3 === 0 ? null : sampled || i % 10 !== 9 ? context.now + 90 * DAY : context.now - DAY
        insert.run(
          ownerOf(i, rows, accounts, HEAVY_ROWS.access_tokens!),
          title,
          toTitleKey(title),
          hashCredential(token),
          token.slice(0, PREFIX_LENGTH + DISPLAY_RANDOM_LENGTH),
          i % 2 === 0 ? 'read-write' : 'read-only',
          enabled,
          created,
          expiresAt,
          i % 4 === 0 ? null : context.now - (i % DAY),
        )
      }
    }
  },
}

/** An ssh-ed25519 wire-format blob: string "ssh-ed25519", string key (32 bytes). */
function ed25519Blob(key: Buffer): Buffer {
  const type = Buffer.from('ssh-ed25519', 'latin1')
  const blob = Buffer.alloc(4 + type.length + 4 + 32)
  blob.writeUInt32BE(type.length, 0)
  type.copy(blob, 4)
  blob.writeUInt32BE(32, 4 + type.length)
  key.copy(blob, 8 + type.length)
  return blob
}

const sshKeysSeeder: Seeder = {
  table: 'ssh_keys',
  fullScaleRows: 100_000,
  prepare(db, context, rows) {
    const insert = db.prepare(
      `INSERT INTO ssh_keys (account_id, title, key_type, bits, key_blob, comment, options, fingerprint_sha256, fingerprint_md5, created_at, expires_on)
       VALUES (?, ?, 'ssh-ed25519', 256, ?, ?, '', ?, ?, ?, ?)`,
    )
    const accounts = context.counts.accounts!
    return (from, to) => {
      const keys = randomBytes(32 * (to - from))
      for (let i = from; i < to; i++) {
        const k = i - from
        const accountId = ownerOf(i, rows, accounts, HEAVY_ROWS.ssh_keys!)
        const blob = ed25519Blob(keys.subarray(32 * k, 32 * k + 32))
        insert.run(accountId, `Key ${i + 1}`, blob, `user${accountId}@bench-${i % 7}`, fingerprintSHA256(blob), fingerprintMD5(blob), context.now - 200 * DAY + i * 100, i % 5 === 0 ? '2030-12-31' : null)
      }
    }
  },
}

/** In insertion order: a table's foreign keys point only at tables above it. */
export const SEEDERS: Seeder[] = [accountsSeeder, apiKeysSeeder, sessionsSeeder, accessTokensSeeder, sshKeysSeeder]

export interface SeedOutcome {
  counts: Record<string, number>
  /** Milliseconds per table, and in all. */
  msByTable: Record<string, number>
  ms: number
  samples: Record<string, string[]>
}

/**
 * The accounts' counters that migration 9's insert triggers keep (one UPDATE of an account row and of its count
 * index per inserted row: five times the rest of the seeding). They are lifted while seeding and each counter is
 * then set once, as the migration itself sets them; the triggers are put back exactly as they were.
 */
const COUNTERS: Readonly<Record<string, string>> = Object.freeze({ sessions: 'session_count', access_tokens: 'token_count', ssh_keys: 'ssh_key_count' })

function withoutCountTriggers(db: DB, seed: () => void): void {
  const triggers = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${Object.keys(COUNTERS).map(() => '?').join(', ')})`)
    .all(...Object.keys(COUNTERS).map((table) => `${table}_count_insert`)) as Array<{ name: string; sql: string }>
  for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`)
  try {
    seed()
  } finally {
    db.exec(`UPDATE accounts SET ${Object.entries(COUNTERS).map(([table, column]) => `${column} = (SELECT count(*) FROM ${table} t WHERE t.account_id = accounts.id)`).join(', ')}`)
    for (const trigger of triggers) db.exec(trigger.sql)
  }
}

/** Seeds every table at `scale` (1 = full scale), or with the row counts `rows` gives per table. */
export function seedDatabase(
  db: DB,
  options: { scale?: number; rows?: Readonly<Record<string, number>>; passwordHash: string; now: number; seal?: (plaintext: string) => Buffer; seeders?: readonly Seeder[] },
): SeedOutcome {
  const started = performance.now()
  const counts: Record<string, number> = {}
  const msByTable: Record<string, number> = {}
  const samples: Record<string, string[]> = {}
  // A throwaway file: no journal and no syncs while seeding, a big page cache for the random-key indexes.
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  const cacheSize = db.pragma('cache_size', { simple: true }) as number
  db.pragma('cache_size = -262144')
  withoutCountTriggers(db, () => {
    for (const seeder of options.seeders ?? SEEDERS) {
      const tableStarted = performance.now()
      const rows = options.rows?.[seeder.table] ?? Math.max(1, Math.round(seeder.fullScaleRows * (options.scale ?? 1)))
      const insertRange = seeder.prepare(db, { passwordHash: options.passwordHash, now: options.now, counts, samples, ...(options.seal ? { seal: options.seal } : {}) }, rows)
      const batch = db.transaction((from: number, to: number) => insertRange(from, to))
      for (let from = 0; from < rows; from += BATCH_ROWS) batch(from, Math.min(rows, from + BATCH_ROWS))
      counts[seeder.table] = rows
      msByTable[seeder.table] = performance.now() - tableStarted
    }
  })
  db.pragma(`cache_size = ${cacheSize}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  return { counts, msByTable, ms: performance.now() - started, samples }
}

