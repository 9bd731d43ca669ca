import { app, BrowserWindow, clipboard, dialog, Notification, safeStorage, webContents } from 'electron'
import Store from 'electron-store'
import type { DeviceFacts } from '../services/device-facts.ts'
import { collectDeviceFacts } from '../services/device-facts.ts'
import { DATA_FILE_MODE } from '../db/data-folder.ts'
import { createKeptSessionStore } from './kept-session.ts'
import type { KeptSessionStore } from './kept-session.ts'
import { readOSFacts } from './os-facts.ts'
import type { Platform } from './types.ts'

/** Browser (Electron + Chromium), OS, model, primary address, engine (Blink + V8), CPU architecture. */
export function collectElectronDeviceFacts(): DeviceFacts {
  return collectDeviceFacts(readOSFacts())
}

/** The kept session's token, sealed by safeStorage, in `kept-session.json` in the data folder. */
export function createElectronKeptSessionStore(dataDir: string): KeptSessionStore {
  const store = new Store<Record<string, unknown>>({ name: 'kept-session', cwd: dataDir, configFileMode: DATA_FILE_MODE })
  return createKeptSessionStore({
    isAvailable: hasOSKeyring,
    encrypt: (plaintext) => safeStorage.encryptString(plaintext),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
    store: {
      get: (key) => store.get(key),
      set: (key, value) => store.set(key, value),
      delete: (key) => store.delete(key),
    },
  })
}

function windowFor(windowId: number): BrowserWindow | undefined {
  const contents = webContents.fromId(windowId)
  return contents ? (BrowserWindow.fromWebContents(contents) ?? undefined) : undefined
}

export function createElectronPlatform(dataDir: string): Platform {
  let facts: DeviceFacts | null = null
  let factsAt = 0
  return {
    appVersion: app.getVersion(),
    deviceFacts() {
      // The address can change (another network); read the facts again after a minute.
      if (!facts || Date.now() - factsAt > 60_000) {
        facts = collectElectronDeviceFacts()
        factsAt = Date.now()
      }
      return facts
    },
    keptSession: createElectronKeptSessionStore(dataDir),
    clipboard: {
      writeText: (text) => clipboard.writeText(text),
      readText: async () => clipboard.readText(),
    },
    notifications: {
      show(notification) {
        if (Notification.isSupported()) new Notification({ title: notification.title, body: notification.body }).show()
      },
    },
    dialogs: {
      async showSaveDialog(windowId, request) {
        const win = windowFor(windowId)
        const options = { title: request.title, defaultPath: request.defaultFileName, filters: request.filters }
        const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
        return result.canceled || !result.filePath ? null : result.filePath
      },
      async showOpenDialog(windowId, request) {
        const win = windowFor(windowId)
        const options = {
          title: request.title,
          defaultPath: request.defaultDirectory,
          filters: request.filters,
          properties: ['openFile' as const],
        }
        const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
        return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]!
      },
      async showFolderDialog(windowId, request) {
        const win = windowFor(windowId)
        const options = { title: request.title, defaultPath: request.defaultDirectory, properties: ['openDirectory' as const, 'createDirectory' as const] }
        const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
        return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]!
      },
    },
  }
}

/** True when safeStorage is backed by a real OS keyring (not Linux's basic_text fallback). */
export function hasOSKeyring(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false
  if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend() !== 'basic_text'
  return true
}
