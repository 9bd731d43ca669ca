import { BrowserWindow, screen, shell } from 'electron'
import type Store from 'electron-store'
import { join } from 'node:path'
import { APP_ORIGIN, appIndexUrl, SECURE_WEB_PREFERENCES } from './security-policy.ts'

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
  maximized?: boolean
}

export type WindowStateStore = Store<{ bounds: WindowBounds }>

function visibleBounds(bounds: WindowBounds | undefined): WindowBounds {
  const fallback = { width: 1100, height: 760 }
  if (!bounds) return fallback
  if (bounds.x === undefined || bounds.y === undefined) return { ...fallback, ...bounds }
  const onScreen = screen.getAllDisplays().some(({ workArea }) =>
    bounds.x! < workArea.x + workArea.width && bounds.x! + bounds.width > workArea.x && bounds.y! < workArea.y + workArea.height && bounds.y! + bounds.height > workArea.y,
  )
  return onScreen ? bounds : { width: bounds.width, height: bounds.height }
}

/** A hardened window: sandboxed, isolated, no navigation, no pop-ups. */
export function createMainWindow(options: { stateStore: WindowStateStore; devServerUrl?: string; startupLanguage?: string }): BrowserWindow {
  const bounds = visibleBounds(options.stateStore.get('bounds'))
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Keystead',
    autoHideMenuBar: true,
    webPreferences: {
      ...SECURE_WEB_PREFERENCES,
      preload: join(import.meta.dirname, '../preload/index.cjs'),
    },
  })
  if (bounds.maximized) win.maximize()

  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.on('will-redirect', (event) => event.preventDefault())
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never inside Keystead.
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })

  const saveBounds = (): void => {
    if (win.isDestroyed()) return
    options.stateStore.set('bounds', { ...win.getNormalBounds(), maximized: win.isMaximized() })
  }
  win.on('close', saveBounds)
  win.once('ready-to-show', () => win.show())

  void win.loadURL(appIndexUrl(options.devServerUrl ?? `${APP_ORIGIN}/index.html`, options.startupLanguage))
  return win
}
