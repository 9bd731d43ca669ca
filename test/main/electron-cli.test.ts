import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createFakeElectronState, FakeBrowserWindow } from '../fixtures/fake-electron.ts'
import type { FakeElectronState } from '../fixtures/fake-electron.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'

/**
 * `keystead` in an installed app runs through the app's own executable: `Keystead --cli <command>`.
 * The real src-main/index.ts runs here against the fake `electron` module (as in hardening.test.ts),
 * with the process's argv set as the executable would get it.
 */
const holder = vi.hoisted(() => ({ state: null as unknown as FakeElectronState }))
vi.mock('electron', async () => (await import('../fixtures/fake-electron.ts')).createFakeElectron(holder.state))
// electron-store (imported by the shell) would load the real electron package: the shell never uses it in --cli mode.
vi.mock('electron-store', () => ({ default: class UnusedStore {} }))

const dir = makeTempDir('keystead-electron-cli-')
const appData = makeTempDir('keystead-electron-cli-app-')
const originalArgv = process.argv

beforeAll(async () => {
  const test = await startTestCore({ dataDir: dir.path })
  await test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1', email: 'alice@example.com' })
  await test.core.services!.accounts.createAccount({ username: 'bob', password: 'builder 42' })
  test.core.close()
})
afterEach(() => {
  process.argv = originalArgv
  vi.restoreAllMocks()
})
afterAll(() => {
  dir.remove()
  appData.remove()
})

/** Starts the real shell as `Keystead ...args` and waits for it to call app.exit; returns the code and what it printed. */
async function runApp(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string; state: FakeElectronState }> {
  // The shell runs afresh; the fake electron module stays the same one (mocks outlive resetModules), so its state is emptied in place.
  vi.resetModules()
  FakeBrowserWindow.all.length = 0
  holder.state ??= createFakeElectronState(appData.path)
  holder.state.calls.length = 0
  holder.state.protocolHandlers.clear()
  holder.state.ipcHandlers.clear()
  const printed = { stdout: '', stderr: '' }
  for (const stream of ['stdout', 'stderr'] as const) {
    vi.spyOn(process[stream], 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed[stream] += String(chunk)
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
      callback?.()
      return true
    }) as typeof process.stdout.write)
  }
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]))
  Object.assign(process.env, env)
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key]
  process.argv = ['/opt/Keystead/keystead', ...args]
  try {
    await import('../../src-main/index.ts')
    await vi.waitFor(() => expect(holder.state.calls.some((call) => call.startsWith('exit '))).toBe(true), { timeout: 20_000 })
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
  const exit = holder.state.calls.find((call) => call.startsWith('exit '))!
  return { code: Number(exit.slice(5)), ...printed, state: holder.state }
}

describe('the app executable with --cli', () => {
  it('prints the accounts for `--cli accounts list --json`, opens no window and exits 0', async () => {
    const run = await runApp(['--cli', '--data-dir', dir.path, 'accounts', 'list', '--json'])
    expect(run.code).toBe(0)
    expect((JSON.parse(run.stdout) as { accounts: Array<{ username: string }> }).accounts.map((account) => account.username)).toEqual(['alice', 'bob'])
    expect(run.stderr).toBe('')
    // Nothing of the desktop app started: no window, no lock (the app may be open meanwhile), no protocol, no IPC.
    expect(FakeBrowserWindow.all).toEqual([])
    expect(run.state.calls).not.toContain('requestSingleInstanceLock')
    expect(run.state.calls).not.toContain('whenReady')
    expect(run.state.calls).not.toContain('enableSandbox')
    expect(run.state.protocolHandlers.size).toBe(0)
    expect(run.state.ipcHandlers.size).toBe(0)
    expect(run.state.calls.filter((call) => call.startsWith('exit '))).toEqual(['exit 0'])
  })

  it('uses the app\'s data folder when neither --data-dir nor KEYSTEAD_DATA_DIR is given', async () => {
    const run = await runApp(['--cli', '--json', 'accounts', 'list'], { KEYSTEAD_DATA_DIR: undefined })
    // The fake app's userData folder has no data: the command says so, naming that folder.
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'NOT_FOUND', reason: 'cli.noData' } })
    expect(run.stderr).toContain(appData.path)
    const fromEnv = await runApp(['--cli', '--json', 'accounts', 'list'], { KEYSTEAD_DATA_DIR: dir.path })
    expect(fromEnv.code).toBe(0)
  })

  it('exits 2 on a usage error, with the message on standard error and no window', async () => {
    const run = await runApp(['--cli', '--data-dir', dir.path, 'accounts', 'nosuch'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain("unknown command 'nosuch'")
    expect(FakeBrowserWindow.all).toEqual([])
    const bare = await runApp(['--cli'])
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('a command is needed')
  })

  it('prints the version as the npm-installed command does', async () => {
    const run = await runApp(['--cli', '--version'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})
