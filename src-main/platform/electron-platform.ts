import { app, BrowserWindow, clipboard, dialog, safeStorage, webContents } from 'electron'
import type { DeviceFacts } from '../services/device-facts.ts'
import { collectHostFacts } from './host-facts.ts'
import type { Platform } from './types.ts'

export function collectElectronDeviceFacts(): DeviceFacts {
  return collectHostFacts({
    browser: `Keystead ${app.getVersion()} (Electron ${process.versions.electron}, Chromium ${process.versions.chrome})`,
    engine: `Blink ${process.versions.chrome}, V8 ${process.versions.v8}`,
  })
}

function windowFor(windowId: number): BrowserWindow | undefined {
  const contents = webContents.fromId(windowId)
  return contents ? (BrowserWindow.fromWebContents(contents) ?? undefined) : undefined
}

export function createElectronPlatform(): Platform {
  let facts: DeviceFacts | null = null
  return {
    appVersion: app.getVersion(),
    deviceFacts: () => (facts ??= collectElectronDeviceFacts()),
    clipboard: {
      writeText: (text) => clipboard.writeText(text),
      readText: async () => clipboard.readText(),
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
    },
  }
}

/** True when safeStorage is backed by a real OS keyring (not Linux's basic_text fallback). */
export function hasOSKeyring(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false
  if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend() !== 'basic_text'
  return true
}
