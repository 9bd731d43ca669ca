import { afterAll, expect, it, vi } from 'vitest'
import { createFakeElectronState, FakeBrowserWindow } from '../fixtures/fake-electron.ts'
import type { FakeElectronState } from '../fixtures/fake-electron.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

// Its own file, so the shell module is evaluated afresh with the lock refused.
const holder = vi.hoisted(() => ({ state: null as unknown as FakeElectronState }))
vi.mock('electron', async () => (await import('../fixtures/fake-electron.ts')).createFakeElectron(holder.state))
vi.mock('electron-store', () => ({ default: class {} }))

const dir = makeTempDir('keystead-second-')
afterAll(() => dir.remove())

it('a second instance quits at once: no window, no database, no IPC', async () => {
  holder.state = createFakeElectronState(dir.path)
  holder.state.lockGranted = false
  await import('../../src-main/index.ts')
  holder.state.ready.resolve()
  await new Promise((resolve) => setTimeout(resolve, 100))
  expect(holder.state.calls).toContain('quit')
  expect(holder.state.calls).not.toContain('whenReady')
  expect(holder.state.ipcHandlers.size).toBe(0)
  expect(holder.state.protocolHandlers.size).toBe(0)
  expect(FakeBrowserWindow.all).toEqual([])
})
