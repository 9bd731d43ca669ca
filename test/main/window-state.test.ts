import { afterAll, describe, expect, it, vi } from 'vitest'
import { createFakeElectronState } from '../fixtures/fake-electron.ts'
import type { FakeElectronState , FakeBrowserWindow } from '../fixtures/fake-electron.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import type { WindowBounds, WindowStateStore } from '../../src-main/window.ts'

/** The window's size and position are kept across starts (electron-store), and never restored off screen. */
const holder = vi.hoisted(() => ({ state: null as unknown as FakeElectronState }))
vi.mock('electron', async () => (await import('../fixtures/fake-electron.ts')).createFakeElectron(holder.state))

const dir = makeTempDir('keystead-window-')
holder.state = createFakeElectronState(dir.path)
afterAll(() => dir.remove())

function memoryStore(bounds?: WindowBounds): WindowStateStore & { saved: WindowBounds | undefined } {
  const store = {
    saved: bounds,
    get: () => store.saved,
    set: (_key: string, value: WindowBounds) => void (store.saved = value),
  }
  return store as unknown as WindowStateStore & { saved: WindowBounds | undefined }
}

async function openWindow(store: WindowStateStore): Promise<FakeBrowserWindow> {
  const { createMainWindow } = await import('../../src-main/window.ts')
  return createMainWindow({ stateStore: store }) as unknown as FakeBrowserWindow
}

describe('the window state', () => {
  it('starts at 1100x760, placed by the system, when nothing was saved; closing saves the normal bounds and maximized state', async () => {
    const store = memoryStore()
    const win = await openWindow(store)
    expect(win.options).toMatchObject({ width: 1100, height: 760 })
    expect(win.options.x).toBeUndefined()
    win.normalBounds = { x: 40, y: 60, width: 900, height: 640 }
    win.maximizedState = true
    win.emit('close')
    expect(store.saved).toEqual({ x: 40, y: 60, width: 900, height: 640, maximized: true })
  })

  it('reopens where it was, maximized again if it was', async () => {
    const win = await openWindow(memoryStore({ x: 40, y: 60, width: 900, height: 640, maximized: true }))
    expect(win.options).toMatchObject({ x: 40, y: 60, width: 900, height: 640 })
    expect(win.isMaximized()).toBe(true)
  })

  it('keeps only the size when the saved place is on no display any more (a monitor was unplugged)', async () => {
    const win = await openWindow(memoryStore({ x: 5000, y: 3000, width: 900, height: 640 }))
    expect(win.options).toMatchObject({ width: 900, height: 640 })
    expect(win.options.x).toBeUndefined()
    expect(win.options.y).toBeUndefined()
    expect(win.isMaximized()).toBe(false)
  })
})
