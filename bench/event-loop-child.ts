/**
 * The event-loop figures' measurements (bench/run.ts, section event-loop), in a fresh process on the seeded
 * full-scale database, as the app's main process would run them. Prints one JSON line.
 *
 *   node bench/event-loop-child.ts <data dir> <id of the account to delete> <password of "heavy-log">
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startAppCore } from '../src-main/core.ts'
import { checkDatabaseQuickly } from '../src-main/db/database.ts'
import { silentLogger } from '../src-main/log.ts'
import { createKeyFileSecretBox } from '../src-main/services/secret-box.ts'
import { createFakePlatform } from '../test/fixtures/fake-platform.ts'

const [dataDir, deleteIdText, PASSWORD] = process.argv.slice(2)
if (!dataDir || !deleteIdText || !PASSWORD) throw new Error('usage: node bench/event-loop-child.ts <data dir> <account id> <password>')
const deleteId = Number(deleteIdText)

/** The main thread's worst event-loop delay while `run` runs, and how long it ran. */
async function watchEventLoop(run: () => Promise<unknown>): Promise<{ durationMs: number; worstDelayMs: number; p99DelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  const started = performance.now()
  await run()
  const durationMs = performance.now() - started
  // A block that ended with `run` shows only when the histogram's timer fires late: let it fire first.
  await sleep(20)
  histogram.disable()
  return { durationMs, worstDelayMs: histogram.max / 1e6, p99DelayMs: histogram.percentile(99) / 1e6 }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const platform = createFakePlatform()
const core = await startAppCore({
  dataDir,
  platform,
  createSecretBox: (dir) => createKeyFileSecretBox(join(dir, 'keystead.key')),
  isTrustedSender: () => true,
  notify: () => {},
  log: silentLogger,
})
try {
  // Start-up's check, as src-main/index.ts runs it once the window shows: 50 ms later, on a worker thread.
  const startup = await watchEventLoop(async () => {
    await sleep(50)
    if ((await core.checkIntegrity()).state !== 'ready') throw new Error('quick_check failed')
  })
  // For the record: the same check on this thread, as it ran before.
  const inline = await watchEventLoop(async () => {
    await sleep(50)
    if (!checkDatabaseQuickly(core.services!.db).ok) throw new Error('quick_check failed')
  })

  const services = core.services!
  const deletion = await watchEventLoop(async () => {
    const { sessionsEnded } = await services.profile.deleteAccountAsAdmin(deleteId, 'cli')
    if (sessionsEnded !== 10_000) throw new Error(`deletion ended ${sessionsEnded} sessions`)
  })
  const left = services.db.prepare('SELECT (SELECT count(*) FROM sessions WHERE account_id = ?) + (SELECT count(*) FROM access_tokens WHERE account_id = ?) + (SELECT count(*) FROM security_log WHERE account_id = ?) AS n').get(deleteId, deleteId, deleteId) as { n: number }
  if (left.n !== 0) throw new Error(`${left.n} rows of the deleted account are left`)

  // The export as the window asks for it: sign in, choose a file, write it.
  const call = { windowId: 1, senderUrl: 'bench://event-loop' }
  const signedIn = await core.invoke(call, 'keystead:auth.signIn', { username: 'heavy-log', password: PASSWORD })
  if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.message}`)
  const file = join(dataDir, 'security-log.csv')
  platform.nextSavePaths.push(file)
  let exported = 0
  const exporting = await watchEventLoop(async () => {
    const result = await core.invoke(call, 'keystead:audit.exportEvents', { format: 'csv' })
    if (!result.ok) throw new Error(`export failed: ${result.error.message}`)
    exported = (result.value as { count: number }).count
  })
  if (exported < 100_000) throw new Error(`exported ${exported} entries`)
  const fileMB = statSync(file).size / 2 ** 20
  // Control: an idle loop (a timer only) for one second, in the same process after the work.
  const idle = await watchEventLoop(() => sleep(1000))
  process.stdout.write(JSON.stringify({ idle, startup, inline, deletion, exporting, exported, fileMB }) + '\n')
} finally {
  core.close()
}
