import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import { seededRandom } from '../fixtures/seeded-random.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { WRITE_OPS } from './crash-ops.ts'
import type { CommittedWrite } from './crash-ops.ts'

/**
 * Crash safety: a child writes through the services and is killed with SIGKILL at a random
 * moment, KEYSTEAD_CRASH_KILLS times (200 by default) on the same database. After every kill
 * the file opens, `PRAGMA integrity_check` says ok, and every write the child reported as
 * committed is there (or superseded by a later reported write with the same key); the write
 * a kill cut short shows either its old or its new state.
 */
const KILLS = Number(process.env.KEYSTEAD_CRASH_KILLS ?? 200)
const WRITER = join(import.meta.dirname, 'crash-writer.ts')
const dir = makeTempDir('keystead-crash-')
afterAll(() => dir.remove())

interface KillOutcome {
  /** Writes reported done, in order. */
  writes: CommittedWrite[]
  /** The write that was under way when the kill came (intent printed, done not). */
  cut: CommittedWrite | null
  killedBeforeReady: boolean
}

function runAndKill(runId: string, random: () => number): Promise<KillOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir.path, runId], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let ready = false
    let timer: NodeJS.Timeout | null = null
    const kill = () => child.kill('SIGKILL')
    // One kill in ten lands at a random moment of start-up (open, migrate); the rest mid-writing.
    const early = random() < 0.1
    if (early) timer = setTimeout(kill, random() * 300)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (!ready && stdout.includes('{"ready":true}\n')) {
        ready = true
        if (!early) timer = setTimeout(kill, 5 + random() * 600)
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer)
      if (signal !== 'SIGKILL') return reject(new Error(`the writer exited by itself (code ${code}): ${stderr}`))
      // Only complete lines count: a line cut by the kill was never fully reported.
      const lines = stdout.split('\n').slice(0, -1).map((line) => JSON.parse(line) as (CommittedWrite & { phase: 'intent' | 'done' }) | { ready: true })
      const reports = lines.filter((v): v is CommittedWrite & { phase: 'intent' | 'done' } => 'op' in v)
      const writes = reports.filter((r) => r.phase === 'done')
      const last = reports.at(-1)
      resolve({ writes, cut: last && last.phase === 'intent' ? last : null, killedBeforeReady: !ready })
    })
  })
}


it(`keeps every reported write and a sound file through ${KILLS} SIGKILLs`, async () => {
  const seed = Number(process.env.KEYSTEAD_CRASH_SEED ?? Date.now() % 1_000_000)
  const random = seededRandom(seed)
  const latest = new Map<string, CommittedWrite>()
  /** Keys whose last write was cut by a kill: the old or the new state may show. */
  const inDoubt = new Map<string, { before: CommittedWrite | undefined; cut: CommittedWrite }>()
  let cutWrites = 0
  const perOp: Record<string, number> = Object.fromEntries(WRITE_OPS.map((op) => [op.name, 0]))
  let reported = 0
  let killedBeforeReady = 0
  const started = Date.now()
  for (let kill = 1; kill <= KILLS; kill++) {
    const outcome = await runAndKill(`${kill}`, random)
    if (outcome.killedBeforeReady) killedBeforeReady++
    for (const write of outcome.writes) {
      latest.set(write.key, write)
      perOp[write.op] = (perOp[write.op] ?? 0) + 1
      reported++
    }
    if (outcome.cut) {
      cutWrites++
      inDoubt.set(outcome.cut.key, { before: latest.get(outcome.cut.key), cut: outcome.cut })
      latest.delete(outcome.cut.key)
    }
    const db = openDatabase(join(dir.path, 'keystead.db'))
    try {
      const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check)
      expect(integrity, `integrity_check after kill ${kill} (seed ${seed})`).toEqual(['ok'])
      const problems: string[] = []
      const check = (write: CommittedWrite) => WRITE_OPS.find((op) => op.name === write.op)!.check(db, write)
      for (const write of latest.values()) {
        const problem = check(write)
        if (problem) problems.push(problem)
      }
      for (const { before, cut } of inDoubt.values()) {
        if (before && check(before) !== null && check(cut) !== null) problems.push(`${cut.key}: neither the state before the cut ${cut.op} nor after it`)
      }
      expect(problems, `lost writes after kill ${kill} (seed ${seed})`).toEqual([])
    } finally {
      db.close()
    }
  }
  const summary = `crash safety: ${KILLS} SIGKILLs (${killedBeforeReady} during start-up, ${cutWrites} in the middle of a write), ${reported} committed writes reported and all present (${Object.entries(perOp)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ')}), integrity_check ok every time; seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`
  console.log(summary)
  expect(reported).toBeGreaterThan(KILLS)
}, 1_800_000)
