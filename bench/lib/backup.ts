/**
 * The backup section of `npm run bench` (runs alone with `--only-backup`): a backup of the scale
 * database against the bare steps it cannot avoid (SQLite's backup-API copy of the same file, then
 * age encryption of its bytes), a restore against its bare steps (age decryption, the same copy),
 * and, during a backup, this process's resident memory growth and its worst event-loop delay.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { openDatabase } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { createDecrypter, createEncrypter, generateBackupKey } from '../../src-main/services/backup/age.ts'
import { createBackup, restoreBackup } from '../../src-main/services/backup/backup-service.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { makeTempDir } from '../../test/fixtures/temp-dir.ts'
import { makeFigure, median, timeMs } from './figures.ts'
import type { Figure } from './figures.ts'
import { seedDatabase } from './seed.ts'

type WebStream = ReadableStream<Uint8Array>
const toWeb = (path: string): WebStream => Readable.toWeb(createReadStream(path, { highWaterMark: 256 * 1024 })) as unknown as WebStream
async function writeWeb(stream: WebStream, path: string): Promise<void> {
  await pipeline(Readable.fromWeb(stream as never), createWriteStream(path, { mode: 0o600 }))
}

/** Samples RSS every 5 ms and the event-loop delay while `work` runs. */
async function watch<T>(work: () => Promise<T>): Promise<{ value: T; rssGrowthMB: number; worstDelayMs: number }> {
  globalThis.gc?.()
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5)
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  try {
    const value = await work()
    return { value, rssGrowthMB: (peak - baseline) / 2 ** 20, worstDelayMs: histogram.max / 1e6 }
  } finally {
    histogram.disable()
    clearInterval(timer)
  }
}

/** The worst event-loop delay of this process doing nothing for `ms`: what the machine's load alone costs. */
async function idleWorstDelay(ms: number): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  await new Promise((resolve) => setTimeout(resolve, ms))
  histogram.disable()
  return histogram.max / 1e6
}

export async function benchBackup(options: { scale: number; rounds: number; passwordHash: string; log(message: string): void }): Promise<{ figures: Figure[]; details: unknown }> {
  const source = makeTempDir('keystead-bench-backup-')
  const work = makeTempDir('keystead-bench-backup-work-')
  try {
    options.log(`backup: seeding the scale database at ${options.scale} of full size`)
    const db = openDatabase(join(source.path, 'keystead.db'))
    await migrateDatabase(db)
    const secretBox = createKeyFileSecretBox(join(source.path, 'keystead.key'))
    const seeded = seedDatabase(db, { scale: options.scale, passwordHash: options.passwordHash, now: Date.now(), seal: (plaintext) => secretBox.seal(plaintext) })
    db.close()
    const databaseMB = statSync(join(source.path, 'keystead.db')).size / 2 ** 20
    const key = await generateBackupKey()
    const protection = { kind: 'recipients' as const, recipients: [key.recipient] }
    const file = join(work.path, 'backup.age')

    const backupRuns: number[] = []
    const bareBackupRuns: number[] = []
    const restoreRuns: number[] = []
    const bareRestoreRuns: number[] = []
    let rssGrowthMB = 0
    const rssGrowthRuns: number[] = []
    let worstDelayMs = 0
    let restoreRssGrowthMB = 0
    let idleDelayMs = 0
    for (let i = 0; i < options.rounds; i++) {
      await rm(file, { force: true })
      const watched = await watch(() =>
        timeMs(() => createBackup({ databasePath: join(source.path, 'keystead.db'), workDir: source.path, secretBox, appVersion: 'bench', target: file, protection })),
      )
      backupRuns.push(watched.value)
      idleDelayMs = Math.max(idleDelayMs, await idleWorstDelay(watched.value))
      rssGrowthMB = Math.max(rssGrowthMB, watched.rssGrowthMB)
      rssGrowthRuns.push(watched.rssGrowthMB)
      worstDelayMs = Math.max(worstDelayMs, watched.worstDelayMs)

      const copy = join(work.path, 'copy.db')
      const bareEncrypted = join(work.path, 'copy.age')
      bareBackupRuns.push(
        await timeMs(async () => {
          const live = openDatabase(join(source.path, 'keystead.db'))
          try {
            await live.backup(copy)
          } finally {
            live.close()
          }
          await writeWeb(await createEncrypter(protection).encrypt(toWeb(copy)), bareEncrypted)
        }),
      )

      const target = makeTempDir('keystead-bench-restore-')
      try {
        const restored = await watch(() =>
          timeMs(() => restoreBackup({ file, unlock: { kind: 'identity', identity: key.identity }, dataDir: target.path, openSecretBox: () => createKeyFileSecretBox(join(target.path, 'keystead.key')), origin: 'cli' })),
        )
        restoreRuns.push(restored.value)
        restoreRssGrowthMB = Math.max(restoreRssGrowthMB, restored.rssGrowthMB)
      } finally {
        target.remove()
      }
      const decrypted = join(work.path, 'decrypted.bin')
      bareRestoreRuns.push(
        await timeMs(async () => {
          const decrypter = createDecrypter({ kind: 'identity', identity: key.identity })
          await writeWeb((await decrypter.decrypt(toWeb(bareEncrypted))) as WebStream, decrypted)
          const restoredCopy = openDatabase(copy)
          try {
            await restoredCopy.backup(join(work.path, 'restored-copy.db'))
          } finally {
            restoredCopy.close()
          }
        }),
      )
      for (const name of ['copy.db', 'copy.age', 'decrypted.bin', 'restored-copy.db']) await rm(join(work.path, name), { force: true })
    }
    const note = `${options.scale === 1 ? 'full scale' : `scale ${options.scale}`}: ${Object.entries(seeded.counts).map(([t, n]) => `${n.toLocaleString('en')} ${t}`).join(', ')}; ${databaseMB.toFixed(0)} MB database; ${options.rounds} rounds`
    return {
      figures: [
        makeFigure('backup.create', 'backup / bare backup-API copy + age encryption', { label: 'backup', value: median(backupRuns), unit: 'ms' }, { label: 'bare', value: median(bareBackupRuns), unit: 'ms' }, { op: '<=', value: 1.3 }, note),
        makeFigure('backup.restore', 'restore / bare age decryption + backup-API copy', { label: 'restore', value: median(restoreRuns), unit: 'ms' }, { label: 'bare', value: median(bareRestoreRuns), unit: 'ms' }, { op: '<=', value: 1.5 }),
        makeFigure('backup.rss', 'resident memory growth during a backup / 64 MB budget', { label: 'growth', value: rssGrowthMB, unit: 'MB' }, { label: 'budget', value: 64, unit: 'MB' }, { op: '<=', value: 1 }, `each backup: ${rssGrowthRuns.map((mb) => mb.toFixed(1)).join(', ')} MB (the first of the process pays for its first worker thread and loading age-encryption there); restore: ${restoreRssGrowthMB.toFixed(1)} MB`),
        makeFigure('backup.eventLoop', 'worst event-loop delay during a backup / 50 ms', { label: 'worst delay', value: worstDelayMs, unit: 'ms' }, { label: 'budget', value: 50, unit: 'ms' }, { op: '<=', value: 1 }, `this process idle for as long as a backup, same run: worst delay ${idleDelayMs.toFixed(1)} ms (the machine's load alone)`),
      ],
      details: { scale: options.scale, counts: seeded.counts, databaseMB, backupRuns, bareBackupRuns, restoreRuns, bareRestoreRuns, rssGrowthMB, rssGrowthRuns, restoreRssGrowthMB, worstDelayMs, idleDelayMs },
    }
  } finally {
    source.remove()
    work.remove()
  }
}
