import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkDatabaseQuickly, DatabaseOpenError, openDatabase, writeTransaction } from '../../src-main/db/database.ts'
import { checkDatabaseInWorker, checkpointDatabaseInWorker, runWithCheckpointOffThread, toUnpackedPath } from '../../src-main/db/database-worker.ts'
import { latestSchemaVersion, migrateDatabase, readSchemaVersion } from '../../src-main/db/migrate.ts'
import { migrations } from '../../src-main/db/migrations/index.ts'
import type { Migration } from '../../src-main/db/migrations/types.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

let dir: ReturnType<typeof makeTempDir>
beforeEach(() => (dir = makeTempDir()))
afterEach(() => dir.remove())

describe('openDatabase', () => {
  it('uses WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = openDatabase(join(dir.path, 'k.db'))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000)
    expect(db.pragma('secure_delete', { simple: true })).toBe(1)
    db.close()
  })

  it('reports a file that is not a database as corrupt and leaves it untouched', () => {
    const path = join(dir.path, 'k.db')
    const junk = Buffer.from('this is not an SQLite database, just some text '.repeat(200))
    writeFileSync(path, junk)
    let caught: unknown
    try {
      const db = openDatabase(path)
      db.close()
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(DatabaseOpenError)
    expect((caught as DatabaseOpenError).code).toBe('DB_CORRUPT')
    expect(readFileSync(path).equals(junk)).toBe(true)
  })
})

describe('writeTransaction', () => {
  it('takes the write lock at BEGIN, so a read-then-write transaction never meets SQLITE_BUSY from a commit in between', () => {
    const path = join(dir.path, 'k.db')
    const app = openDatabase(path)
    const cli = openDatabase(path, { busyTimeoutMs: 50 })
    app.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)')
    app.prepare('INSERT INTO t (n) VALUES (1)').run()
    const readThenWrite = (db: typeof app, other: () => void) => () => {
      const row = db.prepare('SELECT n FROM t WHERE id = 1').get() as { n: number }
      other()
      db.prepare('UPDATE t SET n = ? WHERE id = 1').run(row.n + 1)
    }
    // What a deferred BEGIN (better-sqlite3's default) does: the other process's commit between the read
    // and the write makes the upgrade fail at once, busy timeout or not.
    const deferred = app.transaction(readThenWrite(app, () => cli.prepare('INSERT INTO t (n) VALUES (0)').run()))
    expect(deferred).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_BUSY/) }))
    // writeTransaction holds the write lock from the start: the other writer waits (here it gives up after
    // its 50 ms busy timeout, while the transaction is still open) and the transaction itself succeeds.
    let otherWriter: unknown = null
    writeTransaction(
      app,
      readThenWrite(app, () => {
        try {
          cli.prepare('INSERT INTO t (n) VALUES (0)').run()
        } catch (error) {
          otherWriter = error
        }
      }),
    )
    expect(otherWriter).toMatchObject({ code: 'SQLITE_BUSY' })
    expect(app.prepare('SELECT n FROM t WHERE id = 1').get()).toEqual({ n: 2 })
    cli.prepare('INSERT INTO t (n) VALUES (0)').run()
    app.close()
    cli.close()
  })
})

describe('migrateDatabase', () => {
  it('two processes upgrading the same file at once apply each migration once', async () => {
    const path = join(dir.path, 'k.db')
    const first: Migration = { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') }
    const second: Migration = { version: 2, name: 'two', up: (db) => db.exec('ALTER TABLE a ADD COLUMN y TEXT') }
    const third: Migration = { version: 3, name: 'three', up: (db) => db.exec('CREATE TABLE b (z INTEGER)') }
    const app = openDatabase(path)
    await migrateDatabase(app, { migrations: [first] })
    const cli = openDatabase(path)
    // Both read version 1, both wait for their backup, then both want to apply 2 and 3.
    const outcomes = await Promise.all([
      migrateDatabase(app, { migrations: [first, second, third], backupPath: join(dir.path, 'app.before-migration') }),
      migrateDatabase(cli, { migrations: [first, second, third], backupPath: join(dir.path, 'cli.before-migration') }),
    ])
    expect(outcomes.map((o) => o.to)).toEqual([3, 3])
    expect(outcomes.flatMap((o) => o.applied).sort()).toEqual([2, 3])
    expect(cli.prepare('SELECT name FROM pragma_table_info(?)').all('a')).toEqual([{ name: 'x' }, { name: 'y' }])
    app.close()
    cli.close()
  })

  it('creates the latest schema on a new file, each step setting user_version', async () => {
    const db = openDatabase(join(dir.path, 'k.db'))
    const outcome = await migrateDatabase(db)
    expect(outcome.from).toBe(0)
    expect(outcome.to).toBe(latestSchemaVersion())
    expect(outcome.applied).toEqual(migrations.map((m) => m.version))
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['accounts', 'security_log', 'sessions']))
    db.close()
  })

  it('upgrades an older file after copying it with the backup API', async () => {
    const path = join(dir.path, 'k.db')
    const first: Migration = { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') }
    const second: Migration = { version: 2, name: 'two', up: (db) => db.exec('ALTER TABLE a ADD COLUMN y TEXT') }
    const db = openDatabase(path)
    await migrateDatabase(db, { migrations: [first] })
    db.prepare('INSERT INTO a (x) VALUES (42)').run()
    const backupPath = join(dir.path, 'k.db.before-migration')
    const outcome = await migrateDatabase(db, { migrations: [first, second], backupPath })
    expect(outcome).toMatchObject({ from: 1, to: 2, applied: [2], backupPath })
    expect(db.prepare('SELECT x, y FROM a').get()).toEqual({ x: 42, y: null })
    db.close()
    const backup = openDatabase(backupPath)
    expect(readSchemaVersion(backup)).toBe(1)
    expect(backup.prepare('SELECT x FROM a').get()).toEqual({ x: 42 })
    backup.close()
  })

  it('rolls back a failing migration as a whole', async () => {
    const db = openDatabase(join(dir.path, 'k.db'))
    const broken: Migration = {
      version: 1,
      name: 'broken',
      up: (d) => {
        d.exec('CREATE TABLE b (x INTEGER)')
        d.exec('THIS IS NOT SQL')
      },
    }
    await expect(migrateDatabase(db, { migrations: [broken] })).rejects.toThrow()
    expect(readSchemaVersion(db)).toBe(0)
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 })
    db.close()
  })

  it('refuses a file from a newer Keystead and changes nothing', async () => {
    const path = join(dir.path, 'k.db')
    const db = openDatabase(path)
    await migrateDatabase(db)
    db.pragma('user_version = 999')
    const before = readSchemaVersion(db)
    const error = await migrateDatabase(db, { backupPath: join(dir.path, 'backup.db') }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatabaseOpenError)
    expect((error as DatabaseOpenError).code).toBe('DB_TOO_NEW')
    expect((error as Error).message).toMatch(/newer version of Keystead/)
    expect(readSchemaVersion(db)).toBe(before)
    expect(existsSync(join(dir.path, 'backup.db'))).toBe(false)
    db.close()
  })
})

describe('checkDatabaseQuickly', () => {
  it('passes a healthy file and fails a damaged one', async () => {
    const path = join(dir.path, 'k.db')
    const db = openDatabase(path)
    await migrateDatabase(db)
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data TEXT)')
    const insert = db.prepare('INSERT INTO filler (data) VALUES (?)')
    for (let i = 0; i < 2000; i++) insert.run(`row ${i} `.repeat(20))
    expect(checkDatabaseQuickly(db)).toEqual({ ok: true })
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    // Scribble over a stretch of pages in the middle of the file (past the schema's pages, which opening reads).
    const bytes = readFileSync(path)
    const middle = Math.floor(bytes.length / 2 / 4096) * 4096
    bytes.fill(0x5a, middle, middle + 4096 * 8)
    writeFileSync(path, bytes)
    const damaged = openDatabase(path)
    const result = checkDatabaseQuickly(damaged)
    expect(result.ok).toBe(false)
    damaged.close()
  })
})

describe('the quick check after the first window', () => {
  it('turns the app status to DB_CORRUPT for a damaged page that opening did not touch, and changes no byte', async () => {
    const { startTestCore } = await import('../fixtures/test-core.ts')
    const first = await startTestCore({ dataDir: dir.path })
    const db = first.core.services!.db
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO filler (text) VALUES (?)')
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`row ${i} `.repeat(20))
    })()
    expect(await first.core.checkIntegrity()).toMatchObject({ state: 'ready' })
    first.core.close()

    // Damage one page in the middle of the file (page 1, the header and schema, stays intact).
    const path = join(dir.path, 'keystead.db')
    const bytes = readFileSync(path)
    const pageSize = bytes.readUInt16BE(16)
    const page = Math.floor(bytes.length / pageSize / 2)
    bytes.fill(0xa5, page * pageSize + 8, (page + 1) * pageSize)
    writeFileSync(path, bytes)

    const second = await startTestCore({ dataDir: dir.path })
    try {
      expect(second.core.status()).toMatchObject({ state: 'ready' })
      const status = await second.core.checkIntegrity()
      expect(status).toMatchObject({ state: 'error', code: 'DB_CORRUPT', path })
      expect(second.core.status()).toEqual(status)
    } finally {
      second.core.close()
    }
    expect(readFileSync(path).equals(bytes)).toBe(true)
  })
})

describe('the quick check on a worker thread', () => {
  /** A migrated store with a few MB of filler rows, written through the WAL and left open (as the app holds it). */
  async function makeFilledStore(name: string, rows = 2000) {
    const { startTestCore } = await import('../fixtures/test-core.ts')
    const dataDir = join(dir.path, name)
    const started = await startTestCore({ dataDir })
    const db = started.core.services!.db
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO filler (text) VALUES (?)')
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`row ${i} `.repeat(20))
    })()
    return { ...started, path: join(dataDir, 'keystead.db') }
  }

  it('runs on another thread with a read-only connection: a healthy file passes, a damaged one fails, no byte changes', async () => {
    const store = await makeFilledStore('worker-check')
    store.core.services!.db.pragma('wal_checkpoint(TRUNCATE)')
    const healthy = await checkDatabaseInWorker(store.path)
    expect(healthy).toMatchObject({ ok: true })
    expect(healthy.threadId).toBeGreaterThan(0)
    store.core.close()

    const bytes = readFileSync(store.path)
    bytes.fill(0x5a, 8192, 8192 + 4096 * 8)
    writeFileSync(store.path, bytes)
    const damaged = await checkDatabaseInWorker(store.path)
    expect(damaged.ok).toBe(false)
    expect(damaged.ok === false && damaged.problems.length).toBeGreaterThan(0)
    expect(readFileSync(store.path).equals(bytes)).toBe(true)
    expect(existsSync(`${store.path}-wal`) ? readFileSync(`${store.path}-wal`).length : 0).toBe(0)
  })

  it('calls a file that is not a database damaged, and rejects (instead of blaming the file) when the file is missing', async () => {
    const garbage = join(dir.path, 'garbage.db')
    writeFileSync(garbage, Buffer.alloc(8192, 0x41))
    const result = await checkDatabaseInWorker(garbage)
    expect(result).toMatchObject({ ok: false })
    await expect(checkDatabaseInWorker(join(dir.path, 'missing.db'))).rejects.toThrow(/could not open the database/)
  })

  it('leaves the main event loop free while it runs: timers fire and the window\'s calls are answered before it reports', async () => {
    const store = await makeFilledStore('worker-loop', 20_000)
    try {
      let settled = false
      const check = store.core.checkIntegrity().then((status) => {
        settled = true
        return status
      })
      // A synchronous check would have finished inside the call above, so its promise would settle before any timer.
      await new Promise((resolve) => setImmediate(resolve))
      expect(settled).toBe(false)
      const answered = await store.call('keystead:auth.listAccounts')
      expect(answered).toEqual({ ok: true, value: [] })
      const written = store.core.services!.db.prepare('INSERT INTO filler (text) VALUES (?)').run('written meanwhile')
      expect(written.changes).toBe(1)
      expect(settled).toBe(false)
      expect(await check).toMatchObject({ state: 'ready' })
      expect(store.core.status()).toMatchObject({ state: 'ready' })
    } finally {
      store.core.close()
    }
  })

  it('loads better-sqlite3 from app.asar.unpacked in a packaged app, and from where it is otherwise', () => {
    const exists = (path: string) => path.includes('app.asar.unpacked')
    expect(toUnpackedPath('/opt/Keystead/resources/app.asar/node_modules/better-sqlite3/lib/index.js', exists)).toBe('/opt/Keystead/resources/app.asar.unpacked/node_modules/better-sqlite3/lib/index.js')
    expect(toUnpackedPath('C:\\K\\resources\\app.asar\\node_modules\\better-sqlite3\\lib\\index.js', exists)).toBe('C:\\K\\resources\\app.asar.unpacked\\node_modules\\better-sqlite3\\lib\\index.js')
    expect(toUnpackedPath('/opt/Keystead/resources/app.asar/node_modules/better-sqlite3/lib/index.js', () => false)).toBe('/opt/Keystead/resources/app.asar/node_modules/better-sqlite3/lib/index.js')
    expect(toUnpackedPath('/work/node_modules/better-sqlite3/lib/index.js', () => true)).toBe('/work/node_modules/better-sqlite3/lib/index.js')
  })

  it('checkpoints the WAL from its own connection', async () => {
    const store = await makeFilledStore('worker-checkpoint')
    try {
      expect(readFileSync(`${store.path}-wal`).length).toBeGreaterThan(0)
      const result = await checkpointDatabaseInWorker(store.path)
      expect(result.completed).toBe(true)
      expect(result.threadId).toBeGreaterThan(0)
      expect(readFileSync(`${store.path}-wal`).length).toBe(0)
      expect(store.core.services!.db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 2000 })
    } finally {
      store.core.close()
    }
  })
})

describe('runWithCheckpointOffThread', () => {
  it('keeps SQLite from checkpointing inside a commit while the work runs, then checkpoints on a worker and turns it back on', async () => {
    const db = openDatabase(join(dir.path, 'k.db'))
    try {
      db.exec('CREATE TABLE t (x BLOB)')
      const pageSize = db.pragma('page_size', { simple: true }) as number
      const wal = () => statSync(join(dir.path, 'k.db-wal')).size
      const insert = db.prepare('INSERT INTO t VALUES (randomblob(3000))')
      await runWithCheckpointOffThread(db, async () => {
        expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
        // 3,000 commits of about a page each: far past the 1,000 pages that would checkpoint (and reuse the WAL from its start).
        for (let i = 0; i < 3000; i++) writeTransaction(db, () => insert.run())
        expect(wal()).toBeGreaterThan(2000 * pageSize)
      })
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
      expect(wal()).toBe(0)
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3000 })
    } finally {
      db.close()
    }
  })
})
