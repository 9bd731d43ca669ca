import { spawn } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { createBackup, verifyBackup } from '../../src-main/services/backup/backup-service.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { seededRandom } from '../fixtures/seeded-random.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'

/**
 * Crash safety of backups: a child restoring a backup over a store is killed with SIGKILL at a
 * random moment KEYSTEAD_RESTORE_KILLS times (100 at full size, 12 at CI size in `npm test`); after every kill the data folder
 * holds the old store or the new one, whole (integrity_check ok, every row of one or the other).
 * A child making a backup is killed KEYSTEAD_BACKUP_KILLS times (30; 5 at CI size): the final name never holds a
 * half file, and each new backup removes the temporary files the killed ones left. KEYSTEAD_BACKUP_CRASH_ROWS (3000) sets the stores' bulk, so the work takes a while.
 */
const RESTORE_KILLS = Number(process.env.KEYSTEAD_RESTORE_KILLS ?? 100)
const BACKUP_KILLS = Number(process.env.KEYSTEAD_BACKUP_KILLS ?? 30)
const ROWS = Number(process.env.KEYSTEAD_BACKUP_CRASH_ROWS ?? 3000)
const CHILD = join(import.meta.dirname, 'backup-crash-child.ts')
const PASSPHRASE = 'crash test passphrase'
const t0 = Date.UTC(2026, 11, 1)

const dir = makeTempDir('keystead-backup-crash-')
const oldTemplate = join(dir.path, 'old-template')
const newSource = join(dir.path, 'new-source')
const backupFile = join(dir.path, 'new.age')
afterAll(() => dir.remove())

/** A store with `prefix`-named accounts and bulk log rows and sessions. */
async function makeStore(folder: string, prefix: string): Promise<void> {
  const { db, services } = await openTestServices(folder, () => t0)
  for (let i = 0; i < 3; i++) await services.accounts.createAccount({ username: `${prefix}${i}`, password: 'wonderland 12' })
  const insertLog = db.prepare("INSERT INTO security_log (account_id, at, kind, session_id, device, detail) VALUES (1, ?, 'signin', NULL, '', ?)")
  const insertSession = db.prepare("INSERT INTO sessions (id, account_id, token_hash, origin, created_at, last_used_at, last_auth_at, expires_at) VALUES (?, 1, randomblob(32), 'app', ?, ?, ?, ?)")
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      insertLog.run(t0 + i, JSON.stringify({ pad: 'x'.repeat(200) }))
      insertSession.run(`${prefix}-s-${i}`, t0, t0, t0, t0 + 86_400_000)
    }
  })()
  db.close()
}

function facts(folder: string): { accounts: string[]; sessions: number; restoredEntries: number; integrity: string } {
  const db: DB = openDatabase(join(folder, 'keystead.db'))
  try {
    return {
      accounts: (db.prepare('SELECT username FROM accounts ORDER BY username').pluck().all() as string[]),
      sessions: db.prepare('SELECT count(*) FROM sessions').pluck().get() as number,
      restoredEntries: db.prepare("SELECT count(*) FROM security_log WHERE kind = 'backup.restored'").pluck().get() as number,
      integrity: (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join(';'),
    }
  } finally {
    db.close()
  }
}

/** Runs the child and kills it `delayMs` after it is ready (never when `delayMs` is null). */
function runChild(args: string[], delayMs: number | null): Promise<{ killed: boolean; done: boolean; stderr: string; workMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timer: NodeJS.Timeout | null = null
    let readyAt = 0
    let doneAt = 0
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const wasReady = stdout.includes('{"ready":true}')
      stdout += chunk
      if (!wasReady && stdout.includes('{"ready":true}')) {
        readyAt = Date.now()
        if (delayMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
      }
      if (!doneAt && stdout.includes('{"done":true}')) doneAt = Date.now()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ killed: signal === 'SIGKILL', done: stdout.includes('{"done":true}'), stderr, workMs: doneAt - readyAt })
    })
  })
}

const seed = Number(process.env.KEYSTEAD_CRASH_SEED ?? Date.now() % 1_000_000)

beforeAll(async () => {
  await makeStore(oldTemplate, 'old')
  await makeStore(newSource, 'new')
  const { db } = await openTestServices(newSource, () => t0)
  db.close()
  await createBackup({
    databasePath: join(newSource, 'keystead.db'),
    workDir: newSource,
    secretBox: createKeyFileSecretBox(join(newSource, 'keystead.key')),
    appVersion: 'test',
    target: backupFile,
    protection: { kind: 'passphrase', passphrase: PASSPHRASE, scryptLogN: 10 },
  })
}, 120_000)

describe('SIGKILL during restore', () => {
  it(`leaves the old store or the new one, whole, through ${RESTORE_KILLS} kills`, async () => {
    const random = seededRandom(seed)
    const oldFacts = facts(oldTemplate)
    const target = join(dir.path, 'restore-target')
    // How long a whole restore takes here: the kills spread over that time (and a little past it).
    rmSync(target, { recursive: true, force: true })
    cpSync(oldTemplate, target, { recursive: true })
    const full = await runChild(['restore', target, backupFile, PASSPHRASE], null)
    expect(full.done, full.stderr).toBe(true)
    const newFacts = facts(target)
    expect(newFacts).toMatchObject({ accounts: ['new0', 'new1', 'new2'], sessions: 0, restoredEntries: 3, integrity: 'ok' })
    const spanMs = full.workMs
    const keyBefore = readFileSync(join(oldTemplate, 'keystead.key'))

    const seen = { old: 0, new: 0 }
    for (let i = 0; i < RESTORE_KILLS; i++) {
      rmSync(target, { recursive: true, force: true })
      cpSync(oldTemplate, target, { recursive: true })
      await runChild(['restore', target, backupFile, PASSPHRASE], random() * spanMs * 1.1)
      const after = facts(target)
      expect(after.integrity, `kill ${i} (seed ${seed})`).toBe('ok')
      if (after.accounts[0] === 'old0') {
        expect(after, `kill ${i} (seed ${seed})`).toEqual(oldFacts)
        seen.old++
      } else {
        expect(after, `kill ${i} (seed ${seed})`).toEqual(newFacts)
        seen.new++
      }
      // This computer's key is never touched by a restore.
      expect(readFileSync(join(target, 'keystead.key')).equals(keyBefore)).toBe(true)
    }
    console.log(`restore kills: ${RESTORE_KILLS} (seed ${seed}, restore ${spanMs} ms): old store ${seen.old}, new store ${seen.new}`)
    expect(seen.old + seen.new).toBe(RESTORE_KILLS)
  }, 3_600_000)
})

describe('SIGKILL during backup', () => {
  it(`never leaves a file under the final name through ${BACKUP_KILLS} kills`, async () => {
    const random = seededRandom(seed + 1)
    const target = join(dir.path, 'made.age')
    const full = await runChild(['backup', newSource, target, PASSPHRASE], null)
    expect(full.done, full.stderr).toBe(true)
    const spanMs = full.workMs
    await expect(verifyBackup(target, { kind: 'passphrase', passphrase: PASSPHRASE })).resolves.toBeTruthy()
    let finished = 0
    let killedAfterRename = 0
    for (let i = 0; i < BACKUP_KILLS; i++) {
      rmSync(target, { force: true })
      const run = await runChild(['backup', newSource, target, PASSPHRASE], random() * spanMs * 1.1)
      if (run.done) finished++
      else if (existsSync(target)) killedAfterRename++
      // The kill can land after the rename and before the child prints "done": the file under the
      // final name is then whole. What must never happen is a half file under that name.
      if (run.done || existsSync(target)) {
        await expect(verifyBackup(target, { kind: 'passphrase', passphrase: PASSPHRASE }), `kill ${i} (seed ${seed})`).resolves.toBeTruthy()
      }
    }
    const leftovers = readdirSync(dir.path).filter((name) => name.startsWith('.made.age.'))
    console.log(`backup kills: ${BACKUP_KILLS} (seed ${seed}, backup ${spanMs} ms): ${finished} finished before the kill, ${killedAfterRename} killed after the rename (file whole), ${leftovers.length} temporary files left (never under the final name)`)
    // Each backup removes what the killed ones before it left (their temporary files are older than its process):
    // at most the last kill's temporary file remains.
    expect(leftovers.length, `temporary files left: ${leftovers.join(', ')}`).toBeLessThanOrEqual(1)
  }, 3_600_000)
})
