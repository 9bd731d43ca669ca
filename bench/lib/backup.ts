/**
 * The backup section of `npm run bench` (runs alone with `--only backup`): a backup of the scale
 * database against the bare steps it cannot avoid (SQLite's backup-API copy of the same file, then
 * age encryption of its bytes), a restore against the steps every restore must take done with no
 * Keystead code (typage's age decryption, the tar read, the SHA-256 of the database's bytes,
 * `PRAGMA integrity_check`, a rename into place), and, during both, this process's resident memory
 * growth and its worst event-loop delay (a restore's against its duration, as the event-loop section's figures).
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Decrypter } from 'age-encryption'
import Database from 'better-sqlite3'
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

/**
 * Reads a tar stream (512-byte headers, entries padded to 512 bytes, zero blocks at the end) and
 * hands each entry's bytes, as they come, to `onData`.
 */
async function readTarEntries(stream: AsyncIterable<Uint8Array>, onData: (name: string, bytes: Buffer) => Promise<void>): Promise<void> {
  const BLOCK = 512
  let buffered: Buffer = Buffer.alloc(0)
  let name = ''
  let left = 0
  let skip = 0
  for await (const chunk of stream) {
    const bytes = buffered.length > 0 ? Buffer.concat([buffered, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    buffered = Buffer.alloc(0)
    let at = 0
    while (at < bytes.length) {
      if (left > 0) {
        const n = Math.min(left, bytes.length - at)
        await onData(name, bytes.subarray(at, at + n))
        at += n
        left -= n
      } else if (skip > 0) {
        const n = Math.min(skip, bytes.length - at)
        at += n
        skip -= n
      } else if (bytes.length - at < BLOCK) {
        buffered = Buffer.from(bytes.subarray(at))
        at = bytes.length
      } else {
        const header = bytes.subarray(at, at + BLOCK)
        at += BLOCK
        if (header.every((byte) => byte === 0)) continue
        name = header.toString('utf8', 0, 100).replace(/\0.*$/s, '')
        left = Number.parseInt(header.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8)
        skip = (BLOCK - (left % BLOCK)) % BLOCK
      }
    }
  }
}

/**
 * The bare restore: the steps the issue asks of every restore, with no Keystead code: typage's age
 * decryption of the file, the tar read (the manifest, the database written to a file), the SHA-256
 * of the database's bytes checked against the manifest, `PRAGMA integrity_check`, and a rename into place.
 */
async function restoreBare(file: string, identity: string, dir: string): Promise<void> {
  const decrypter = new Decrypter()
  decrypter.addIdentity(identity)
  const plaintext = (await decrypter.decrypt(toWeb(file))) as unknown as AsyncIterable<Uint8Array>
  const staged = join(dir, 'staged.db')
  const output = await open(staged, 'wx', 0o600)
  const hash = createHash('sha256')
  const manifestParts: Buffer[] = []
  try {
    await readTarEntries(plaintext, async (name, bytes) => {
      if (name === 'manifest.json') manifestParts.push(Buffer.from(bytes))
      if (name !== 'keystead.db') return
      hash.update(bytes)
      await output.write(bytes)
    })
  } finally {
    await output.close()
  }
  const manifest = JSON.parse(Buffer.concat(manifestParts).toString('utf8')) as { database: { sha256: string } }
  if (hash.digest('hex') !== manifest.database.sha256) throw new Error('bare restore: the SHA-256 does not match')
  const db = new Database(staged, { readonly: true, fileMustExist: true })
  try {
    if ((db.pragma('integrity_check', { simple: true }) as string) !== 'ok') throw new Error('bare restore: integrity_check failed')
  } finally {
    db.close()
  }
  await rename(staged, join(dir, 'keystead.db'))
}

/** This process's peak resident memory since the last reset (Linux: VmHWM), in bytes; null elsewhere. */
function peakResidentBytes(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

/**
 * Runs `work` and gives this process's resident memory growth (its peak over the resident size at
 * the start) and the event-loop delay meanwhile. On Linux the kernel keeps the peak (VmHWM, reset by
 * writing 5 to /proc/self/clear_refs): exact, and nothing polls during the work; elsewhere RSS is
 * sampled every 5 ms.
 */
/**
 * V8's full collection, taken once the way the backup worker takes its own (the bench runs without
 * --expose-gc): each measurement starts from a collected heap, so the seeding's garbage is not
 * collected, at the cost of a long turn, in the middle of a backup.
 */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  setFlagsFromString('--no-expose-gc')
  return gc
})()

async function watch<T>(work: () => Promise<T>): Promise<{ value: T; rssGrowthMB: number; worstDelayMs: number; worstTurnCpuMs: number }> {
  collectGarbage()
  let kernelPeak = false
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    kernelPeak = peakResidentBytes() !== null
  } catch {
    kernelPeak = false
  }
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const timer = kernelPeak ? null : setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5)
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  // This thread's own work in its longest turn: its CPU time between two ticks of a 1 ms timer (a
  // turn that waited for a core on a loaded machine shows a long delay but little CPU time).
  let worstTurnCpuMs = 0
  let lastCpu = process.threadCpuUsage()
  const ticks = setInterval(() => {
    const cpu = process.threadCpuUsage()
    worstTurnCpuMs = Math.max(worstTurnCpuMs, (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000)
    lastCpu = cpu
  }, 1)
  try {
    const value = await work()
    if (kernelPeak) peak = Math.max(peak, peakResidentBytes() ?? 0)
    return { value, rssGrowthMB: (peak - baseline) / 2 ** 20, worstDelayMs: histogram.max / 1e6, worstTurnCpuMs }
  } finally {
    histogram.disable()
    clearInterval(ticks)
    if (timer) clearInterval(timer)
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
    const formerBareRestoreRuns: number[] = []
    const restoreStageRuns: Array<Record<string, number>> = []
    const restoreRssGrowthRuns: number[] = []
    let restoreWorstDelayMs = 0
    const restoreWorstDelayRuns: number[] = []
    let worstTurnCpuMs = 0
    let restoreWorstTurnCpuMs = 0
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
      worstTurnCpuMs = Math.max(worstTurnCpuMs, watched.worstTurnCpuMs)

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
        const stageStarted = new Map<string, number>()
        const restored = await watch(() =>
          timeMs(() =>
            restoreBackup({
              file,
              unlock: { kind: 'identity', identity: key.identity },
              dataDir: target.path,
              openSecretBox: () => createKeyFileSecretBox(join(target.path, 'keystead.key')),
              origin: 'cli',
              onProgress: ({ stage }) => {
                if (!stageStarted.has(stage)) stageStarted.set(stage, performance.now())
              },
            }),
          ),
        )
        const ended = performance.now()
        const starts = [...stageStarted.entries()]
        restoreStageRuns.push(Object.fromEntries(starts.map(([stage, at], i) => [stage, Math.round((starts[i + 1]?.[1] ?? ended) - at)])))
        restoreRuns.push(restored.value)
        restoreRssGrowthMB = Math.max(restoreRssGrowthMB, restored.rssGrowthMB)
        restoreRssGrowthRuns.push(restored.rssGrowthMB)
        restoreWorstDelayMs = Math.max(restoreWorstDelayMs, restored.worstDelayMs)
        restoreWorstDelayRuns.push(restored.worstDelayMs)
        restoreWorstTurnCpuMs = Math.max(restoreWorstTurnCpuMs, restored.worstTurnCpuMs)
      } finally {
        target.remove()
      }
      const bareTarget = makeTempDir('keystead-bench-bare-restore-')
      try {
        bareRestoreRuns.push(await timeMs(() => restoreBare(file, key.identity, bareTarget.path)))
      } finally {
        bareTarget.remove()
      }
      // The former denominator (age decryption of a bare-encrypted copy, then a backup-API copy), kept for comparison.
      const decrypted = join(work.path, 'decrypted.bin')
      formerBareRestoreRuns.push(
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
    const formerRatio = median(restoreRuns) / median(formerBareRestoreRuns)
    const stages = Object.keys(restoreStageRuns[0] ?? {})
      .map((stage) => `${stage} ${median(restoreStageRuns.map((run) => run[stage] ?? 0)).toFixed(0)}`)
      .join(', ')
    return {
      figures: [
        makeFigure('backup.create', 'backup / bare backup-API copy + age encryption', { label: 'backup', value: median(backupRuns), unit: 'ms' }, { label: 'bare', value: median(bareBackupRuns), unit: 'ms' }, { op: '<=', value: 1.3 }, note),
        makeFigure(
          'backup.restore',
          'restore / bare age decryption + tar read + SHA-256 + integrity_check + rename',
          { label: 'restore', value: median(restoreRuns), unit: 'ms' },
          { label: 'bare', value: median(bareRestoreRuns), unit: 'ms' },
          { op: '<=', value: 1.5 },
          `restore stages (median ms): ${stages}; against the former denominator (age decryption + a backup-API copy, ${median(formerBareRestoreRuns).toFixed(0)} ms): ${formerRatio.toFixed(2)}`,
        ),
        makeFigure(
          'backup.rss',
          'resident memory growth during a backup or a restore / 64 MB budget',
          { label: 'growth', value: Math.max(rssGrowthMB, restoreRssGrowthMB), unit: 'MB' },
          { label: 'budget', value: 64, unit: 'MB' },
          { op: '<=', value: 1 },
          `each backup: ${rssGrowthRuns.map((mb) => mb.toFixed(1)).join(', ')} MB; each restore: ${restoreRssGrowthRuns.map((mb) => mb.toFixed(1)).join(', ')} MB`,
        ),
        makeFigure(
          'backup.eventLoop',
          'worst event-loop delay during a backup / 50 ms',
          { label: 'worst delay', value: worstDelayMs, unit: 'ms' },
          { label: 'budget', value: 50, unit: 'ms' },
          { op: '<=', value: 1 },
          `the longest turn's own CPU time: ${worstTurnCpuMs.toFixed(1)} ms; this process idle for as long as a backup, same run: ${idleDelayMs.toFixed(1)} ms (the machine's load alone); load average at the end ${loadavg().map((load) => load.toFixed(2)).join(', ')}`,
        ),
        makeFigure(
          'backup.restoreEventLoop',
          'worst event-loop delay / duration: restore (worst of the rounds / the shortest restore)',
          { label: 'worst delay', value: restoreWorstDelayMs, unit: 'ms' },
          { label: 'duration', value: Math.min(...restoreRuns), unit: 'ms' },
          { op: '<=', value: 0.05 },
          `the longest turn's own CPU time ${restoreWorstTurnCpuMs.toFixed(1)} ms; each restore: ${restoreWorstDelayRuns.map((ms) => ms.toFixed(1)).join(', ')} ms; the row counts of the re-sealing come from the unpacking worker, the re-sealing and the log entries run in repeatInSlices`,
        ),
      ],
      details: {
        scale: options.scale,
        counts: seeded.counts,
        databaseMB,
        backupRuns,
        bareBackupRuns,
        restoreRuns,
        bareRestoreRuns,
        formerBareRestoreRuns,
        restoreStageRuns,
        rssGrowthMB,
        rssGrowthRuns,
        restoreRssGrowthMB,
        restoreRssGrowthRuns,
        worstDelayMs,
        restoreWorstDelayMs,
        restoreWorstDelayRuns,
        worstTurnCpuMs,
        restoreWorstTurnCpuMs,
        idleDelayMs,
      },
    }
  } finally {
    source.remove()
    work.remove()
  }
}
