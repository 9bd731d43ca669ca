/**
 * One start-up of the main-process core, in a fresh process (so caches of an earlier
 * run do not help): open + migrate + services + the first window's data (what the
 * session store asks for on start: status, current account, account list), then the
 * integrity check that runs after the window shows. Prints one JSON line.
 *
 *   node bench/startup-child.ts <data dir> [--check]
 */
import { startBenchCore } from './lib/core.ts'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: node bench/startup-child.ts <data dir>')

const call = { windowId: 1, senderUrl: 'bench://startup' }
const started = performance.now()
const core = await startBenchCore(dataDir)
const coreMs = performance.now() - started
const status = await core.invoke(call, 'keystead:app.getStatus', null)
const current = await core.invoke(call, 'keystead:auth.getCurrentAccount', null)
const beforeList = performance.now()
const accounts = await core.invoke(call, 'keystead:auth.listAccounts', null)
const readyMs = performance.now() - started
const listAccountsMs = performance.now() - beforeList
const rssAfterReadyMB = process.memoryUsage().rss / 1024 / 1024
let quickCheckMs: number | null = null
if (process.argv.includes('--check')) {
  const checkStarted = performance.now()
  if (core.checkIntegrity().state !== 'ready') throw new Error('quick_check failed')
  quickCheckMs = performance.now() - checkStarted
}
core.close()
if (!status.ok || !current.ok || !accounts.ok) throw new Error('start-up failed')
process.stdout.write(JSON.stringify({ readyMs, coreMs, listAccountsMs, quickCheckMs, rssAfterReadyMB, accountsListed: (accounts.value as unknown[]).length }) + '\n')
