/**
 * One start-up of the main-process core, in a fresh process (so caches of an earlier
 * run do not help): open + migrate + services + the first window's data (exactly what the
 * renderer asks for on start: the one app.getStartupState call), then the integrity check
 * that runs after the window shows. Prints one JSON line.
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
const beforeState = performance.now()
const state = await core.invoke(call, 'keystead:app.getStartupState', null)
const readyMs = performance.now() - started
const startupStateMs = performance.now() - beforeState
const rssAfterReadyMB = process.memoryUsage().rss / 1024 / 1024
let quickCheckMs: number | null = null
if (process.argv.includes('--check')) {
  const checkStarted = performance.now()
  if ((await core.checkIntegrity()).state !== 'ready') throw new Error('quick_check failed')
  quickCheckMs = performance.now() - checkStarted
}
core.close()
if (!state.ok || !('signInHints' in (state.value as object))) throw new Error('start-up failed')
const { signInHints } = state.value as { signInHints: { accounts: string } }
process.stdout.write(JSON.stringify({ readyMs, coreMs, startupStateMs, quickCheckMs, rssAfterReadyMB, signInHints: signInHints.accounts }) + '\n')
