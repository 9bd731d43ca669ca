import { app, BrowserWindow, ipcMain, net, protocol, session } from 'electron'
import Store from 'electron-store'
import path, { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { eventChannels } from '../src-preload/contract/api.ts'
import { startAppCore } from './core.ts'
import type { AppCore } from './core.ts'
import { resolveDataDir } from './data-dir.ts'
import { DATA_FILE_MODE, OWNER_ONLY_UMASK } from './db/data-folder.ts'
import { installApplicationMenu } from './platform/electron-menu.ts'
import { readCommandLineArguments, runCommandLineMode } from './command-line-mode.ts'
import { registerIpcHandlers } from './ipc/register.ts'
import { createConsoleLogger } from './log.ts'
import { createElectronPlatform } from './platform/electron-platform.ts'
import { APP_SCHEME, CONTENT_SECURITY_POLICY, isAppUrl, resolveAppUrlToPath } from './security-policy.ts'
import { openOSKeyStore } from './services/os-keyring.ts'
import { createDataKeySecretBox } from './services/secret-box.ts'
import type { SettingsStore } from './services/settings-service.ts'
import { createMainWindow } from './window.ts'
import type { WindowStateStore } from './window.ts'

// Whatever the desktop's umask: Chromium's and electron-store's files in the data folder are the owner's only.
process.umask(OWNER_ONLY_UMASK)
const log = createConsoleLogger()
const commandLine = readCommandLineArguments(process.argv)

if (commandLine) {
  // `keystead` through the app's executable (`Keystead --cli accounts list`): one command, then exit with
  // its code. Before the single-instance lock (it may run while the app is open) and before any window.
  runCommandLineMode(commandLine, process.env, app.getPath('userData')).then(
    (code) => app.exit(code),
    (error: unknown) => {
      log.error('The command line failed', error)
      app.exit(1)
    },
  )
} else {
  startDesktopApp()
}

function startDesktopApp(): void {
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
  const dataDir = resolveDataDir(process.argv, process.env, app.getPath('userData'))
  app.setPath('userData', dataDir)

  app.enableSandbox()
  protocol.registerSchemesAsPrivileged([
    // codeCache: V8 keeps the compiled renderer bundle between launches (Chromium does so for https only by default),
    // so from the second start the entry's 200 KB are not parsed and compiled again before the first paint.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ])

  if (!app.requestSingleInstanceLock()) {
    app.quit()
  } else {
    let mainWindow: BrowserWindow | null = null
    let core: AppCore | null = null

    app.on('second-instance', () => {
      if (!mainWindow) return
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    })

    app.on('web-contents-created', (_event, contents) => {
      contents.on('will-navigate', (event) => event.preventDefault())
      contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    })

    app.whenReady().then(async () => {
      const rendererDir = join(import.meta.dirname, '../renderer')
      protocol.handle(APP_SCHEME, async (request) => {
        const file = resolveAppUrlToPath(request.url, rendererDir, path)
        if (!file) return new Response('Not found', { status: 404 })
        const response = await net.fetch(pathToFileURL(file).toString())
        const headers = new Headers(response.headers)
        headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
        headers.set('X-Content-Type-Options', 'nosniff')
        return new Response(response.body, { status: response.status, headers })
      })
      session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
      session.defaultSession.setPermissionCheckHandler(() => false)
      installApplicationMenu()

      const platform = createElectronPlatform(dataDir)
      core = await startAppCore({
        dataDir,
        platform,
        createSecretBox: (dir) => createDataKeySecretBox(join(dir, 'keystead.key'), openOSKeyStore(dir)),
        isTrustedSender: (url) => isAppUrl(url, devServerUrl),
        notify: (windowId, channel, payload) => {
          const win = BrowserWindow.getAllWindows().find((w) => w.webContents.id === windowId)
          win?.webContents.send(channel, payload)
        },
        log,
        settingsStore: new Store({ name: 'settings', cwd: dataDir, configFileMode: DATA_FILE_MODE }) as unknown as SettingsStore,
      })
      registerIpcHandlers(ipcMain, core.channelNames, core.invoke)

      const stateStore = new Store({ name: 'window-state', cwd: dataDir, configFileMode: DATA_FILE_MODE }) as unknown as WindowStateStore
      // The start-up language in the page's address: its messages load alongside the start-up call.
      mainWindow = createMainWindow({ stateStore, devServerUrl, startupLanguage: core.services?.profile.getStartupLanguage() })
      const windowId = mainWindow.webContents.id
      // "Keep me signed in": before the page asks who is signed in (its first request comes later).
      core.restoreKeptSession(windowId)
      mainWindow.on('closed', () => {
        core?.forgetWindow(windowId)
        mainWindow = null
      })
      mainWindow.once('show', () => {
        // The quick check reads the whole file: run it once the window is on screen.
        // It runs on a worker thread with its own read-only connection: the window answers meanwhile.
        setTimeout(() => {
          const before = core!.status().state
          core!.checkIntegrity().then(
            (status) => {
              if (before === 'ready' && status.state === 'error') {
                for (const win of BrowserWindow.getAllWindows()) win.webContents.send(eventChannels.appStatusChanged, status)
              }
            },
            (error: unknown) => log.error('The quick check failed to run', error),
          )
        }, 50)
      })
    }).catch((error: unknown) => {
      log.error('Keystead failed to start', error)
      app.exit(1)
    })

    app.on('window-all-closed', () => {
      core?.close()
      app.quit()
    })
  }
}
