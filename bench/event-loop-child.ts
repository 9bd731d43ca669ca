/**
 * The event-loop figures' measurements (bench/run.ts, section event-loop), in a fresh process on the seeded
 * full-scale database, as the app's main process would run them. Prints one JSON line.
 *
 *   node bench/event-loop-child.ts <data dir> <id of the account to delete> <password of "heavylog" and "heavysessions">
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startAppCore } from '../src-main/core.ts'
import { checkDatabaseQuickly } from '../src-main/db/database.ts'
import { silentLogger } from '../src-main/log.ts'
import { createKeyFileSecretBox } from '../src-main/services/secret-box.ts'
import { createFakePlatform } from '../test/fixtures/fake-platform.ts'

/** How many times the security log figure walks the screen's pages (see there). */
const LOG_WALKS = 10

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
  const signedIn = await core.invoke(call, 'keystead:auth.signIn', { username: 'heavylog', password: PASSWORD })
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

  // The security log screen on the 100,000-entry log: the first page, three more by cursor (Next), then a
  // page 4,000 deep asked for by number (the entries before it stepped over in slices). Each counts the total.
  // Ten such walks (a person paging through the log): one walk lasts about as long as one idle turn of the
  // control, so alone it would measure the machine's floor, not the screen.
  let logPages = 0
  const logListing = await watchEventLoop(async () => {
    for (let walk = 0; walk < LOG_WALKS; walk++) {
      let query: Record<string, unknown> = { pageSize: 25 }
      for (let i = 0; i < 4; i++) {
        const page = await core.invoke(call, 'keystead:audit.listEvents', query)
        if (!page.ok) throw new Error(`listEvents failed: ${page.error.message}`)
        const value = page.value as { total: number; page: number; nextCursor: string | null; entries: unknown[] }
        if (value.total < 100_000 || value.entries.length !== 25) throw new Error(`listEvents answered ${value.entries.length} of ${value.total}`)
        query = { pageSize: 25, page: value.page + 1, cursor: value.nextCursor }
        logPages++
      }
      const deep = await core.invoke(call, 'keystead:audit.listEvents', { pageSize: 25, page: 4000 })
      if (!deep.ok || (deep.value as { entries: unknown[] }).entries.length !== 25) throw new Error('the deep page failed')
      logPages++
    }
  })
  // For the record: what one page cost before, in one piece (count(*) and OFFSET over the whole log).
  const heavyLogId = services.accounts.findAccountByUsername('heavylog')!.id
  const inlineLogPage = await watchEventLoop(async () => {
    await sleep(20)
    services.db.prepare('SELECT count(*) FROM security_log WHERE account_id = ?').get(heavyLogId)
    services.db.prepare('SELECT DISTINCT kind FROM security_log WHERE account_id = ? ORDER BY kind').all(heavyLogId)
    services.db.prepare('SELECT * FROM security_log WHERE account_id = ? ORDER BY at DESC, id DESC LIMIT 25 OFFSET 99975').all(heavyLogId)
  })

  // The sessions screen of an account with 10,000 other sessions: every page as "Show more" asks for them (200 a page).
  const sessionsCall = { windowId: 2, senderUrl: 'bench://event-loop' }
  const sessionsSignedIn = await core.invoke(sessionsCall, 'keystead:auth.signIn', { username: 'heavysessions', password: PASSWORD })
  if (!sessionsSignedIn.ok) throw new Error(`sign-in failed: ${sessionsSignedIn.error.message}`)
  let sessionsListed = 0
  let sessionPages = 0
  const sessionsListing = await watchEventLoop(async () => {
    let cursor: string | null = null
    do {
      const page = await core.invoke(sessionsCall, 'keystead:sessions.list', cursor ? { cursor, limit: 200 } : { limit: 200 })
      if (!page.ok) throw new Error(`sessions.list failed: ${page.error.message}`)
      const value = page.value as { others: unknown[]; nextCursor: string | null; othersTotal: number }
      sessionsListed += value.others.length
      cursor = value.nextCursor
      sessionPages++
    } while (cursor)
  })
  if (sessionsListed !== 10_000) throw new Error(`listed ${sessionsListed} sessions`)
  const heavySessionsId = services.accounts.findAccountByUsername('heavysessions')!.id
  // For the record: the whole list in one piece, as the screen asked for it before.
  const inlineSessions = await watchEventLoop(async () => {
    await sleep(20)
    services.sessions.listAccountSessions(heavySessionsId)
  })

  // Sign out everywhere (an administrator's action) on the same account: 10,000 sessions and the window's own.
  let signedOut = 0
  const signOut = await watchEventLoop(async () => {
    signedOut = (await services.administration.signOutEverywhere({ kind: 'cli' }, heavySessionsId)).sessionsEnded
  })
  if (signedOut !== 10_001) throw new Error(`signed out ${signedOut} sessions`)
  // Control: an idle loop (a timer only) for one second, in the same process after the work.
  const idle = await watchEventLoop(() => sleep(1000))
  process.stdout.write(JSON.stringify({ idle, startup, inline, deletion, exporting, exported, fileMB, logListing, logPages, inlineLogPage, sessionsListing, sessionPages, inlineSessions, signOut }) + '\n')
} finally {
  core.close()
}
