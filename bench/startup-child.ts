/**
 * One start-up of the main-process core, in a fresh process (so caches of an earlier
 * run do not help): open + migrate + services + the first window's data (what the
 * session store asks for on start: status, current account, account list), then the
 * integrity check that runs after the window shows. Prints one JSON line.
 *
 *   node bench/startup-child.ts <data dir> [--check]
 */
import { join } from 'node:path'
import { startAppCore } from '../src-main/core.ts'
import { silentLogger } from '../src-main/log.ts'
import { createKeyFileSecretBox } from '../src-main/services/secret-box.ts'
import { createFakePlatform } from '../test/fixtures/fake-platform.ts'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: node bench/startup-child.ts <data dir>')

const call = { windowId: 1, senderUrl: 'bench://startup' }
const started = performance.now()
const core = await startAppCore({
  dataDir,
  platform: createFakePlatform(),
  createSecretBox: (dir) => createKeyFileSecretBox(join(dir, 'keystead.key')),
  isTrustedSender: () => true,
  notify: () => {},
  log: silentLogger,
})
const status = await core.invoke(call, 'keystead:app.getStatus', null)
const current = await core.invoke(call, 'keystead:auth.getCurrentAccount', null)
const accounts = await core.invoke(call, 'keystead:auth.listAccounts', null)
const readyMs = performance.now() - started
const rssAfterReadyMB = process.memoryUsage().rss / 1024 / 1024
const checkStarted = performance.now()
const checked = core.checkIntegrity()
const quickCheckMs = performance.now() - checkStarted
core.close()
if (!status.ok || !current.ok || !accounts.ok || checked.state !== 'ready') throw new Error('start-up failed')
process.stdout.write(
  JSON.stringify({ readyMs, quickCheckMs, rssAfterReadyMB, accountsListed: (accounts.value as unknown[]).length }) + '\n',
)
