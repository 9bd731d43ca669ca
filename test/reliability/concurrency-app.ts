/**
 * The concurrency test's stand-in for the Electron main process: the real app core (the same
 * composition root, IPC guard and handlers as the app, with a fake platform) on the shared data
 * folder, calling the contract's channels in a loop until the deadline. Every write it attempts
 * is reported as one JSON line on stdout: `{ "kind", "ok": true }` or `{ "kind", "ok": false, "error" }`;
 * errors the core logs (an SQLITE_BUSY would be logged, then answered as INTERNAL) are reported too.
 *
 *   node test/reliability/concurrency-app.ts <data dir> <username> <password> <seconds>
 */
import { writeSync } from 'node:fs'
import type { Logger } from '../../src-main/log.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { startTestCore } from '../fixtures/test-core.ts'

const [dataDir, username, password, seconds] = process.argv.slice(2)
if (!dataDir || !username || !password || !seconds) throw new Error('usage: concurrency-app.ts <data dir> <username> <password> <seconds>')

const report = (value: unknown) => writeSync(1, JSON.stringify(value) + '\n')
const describe = (error: unknown) => (error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error))
const log: Logger = {
  info: () => {},
  error: (message, detail) => report({ logged: 'error', message, detail: describe(detail) }),
}

const test = await startTestCore({ dataDir, log })
const MAIN_WINDOW = 1
type Answer = { ok: boolean; value?: unknown; error?: { code: string; message: string; reason?: string } }
const call = async (channel: string, payload: unknown, windowId = MAIN_WINDOW) => (await test.call(channel, payload, windowId)) as Answer

const first = await call('keystead:auth.signIn', { username, password })
if (!first.ok) throw new Error(`the app could not sign in: ${JSON.stringify(first.error)}`)
report({ kind: 'session', ok: true })
report({ ready: true })

const deadline = Date.now() + Number(seconds) * 1000
const ownTokens: number[] = []
let seq = 0
let nextWindow = 100
const KINDS = ['token', 'sshKey', 'session', 'profile', 'tokenDisable'] as const
while (Date.now() < deadline) {
  const kind = KINDS[seq % KINDS.length]!
  seq++
  let answer: Answer
  switch (kind) {
    case 'token':
      answer = await call('keystead:tokens.createToken', { title: `app-${seq}`, isEnabled: true, scope: 'read-write', expiry: { kind: 'never' } })
      if (answer.ok) ownTokens.push((answer.value as { summary: { id: number } }).summary.id)
      break
    case 'sshKey':
      answer = await call('keystead:sshkeys.add', { title: `app-${seq}`, publicKey: buildEd25519Line(`app-${seq}@concurrency`) })
      break
    case 'session':
      // Another window signs in: one more session (origin 'app').
      answer = await call('keystead:auth.signIn', { username, password }, nextWindow++)
      break
    case 'profile': {
      const profile = await call('keystead:profile.getProfile', null)
      if (!profile.ok) {
        answer = profile
        break
      }
      const current = profile.value as { username: string; email: string | null; description: string; language: string; timezone: string }
      answer = await call('keystead:profile.updateProfile', {
        username: current.username,
        fullName: `app edit ${seq}`,
        email: current.email ?? '',
        description: current.description,
        language: current.language,
        timezone: current.timezone,
      })
      break
    }
    case 'tokenDisable': {
      const id = ownTokens.shift()
      if (id === undefined) continue
      answer = await call('keystead:tokens.setTokenEnabled', { id, isEnabled: false })
      break
    }
  }
  report(answer.ok ? { kind, ok: true } : { kind, ok: false, error: answer.error })
  // Let the core's once-a-second session check run, as it would in the app.
  await new Promise((resolve) => setImmediate(resolve))
}
test.core.close()
report({ finished: true })
