import { app, dialog, Menu } from 'electron'
import type { MenuItemConstructorOptions } from 'electron'
import { commandLineToolFolders, installCommandLineTool, menuTextFor } from './command-line-tool.ts'
import type { CommandLineToolOutcome, MenuText } from './command-line-tool.ts'

/** The installed executable the command line tool should run: the AppImage file itself, or the app's binary. */
function appExecutable(): string {
  return process.env.APPIMAGE || process.execPath
}

/**
 * macOS and AppImage get an application menu with "Install Command Line Tool…" (their installs have no
 * step that could put `keystead` on PATH); other installs keep Electron's default menu (deb and NSIS put
 * `keystead` on PATH when they install).
 */
export function installApplicationMenu(): void {
  const isAppImage = process.platform === 'linux' && Boolean(process.env.APPIMAGE)
  if (process.platform !== 'darwin' && !isAppImage) return
  const text = menuTextFor(app.getLocale())
  const installItem: MenuItemConstructorOptions = { label: text.install, click: () => void installFromMenu(text) }
  const template: MenuItemConstructorOptions[] =
    process.platform === 'darwin'
      ? [
          { role: 'appMenu', submenu: [{ role: 'about' }, { type: 'separator' }, installItem, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] },
          { role: 'editMenu' },
          { role: 'windowMenu' },
        ]
      : [{ role: 'fileMenu', submenu: [installItem, { type: 'separator' }, { role: 'quit' }] }, { role: 'editMenu' }]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

async function installFromMenu(text: MenuText): Promise<void> {
  const outcome: CommandLineToolOutcome = installCommandLineTool({
    executable: appExecutable(),
    platform: process.platform,
    folders: commandLineToolFolders(process.platform),
    pathVariable: process.env.PATH ?? '',
  })
  if (outcome.status === 'installed') {
    await dialog.showMessageBox({ type: 'info', message: text.installed, detail: outcome.onPath ? text.installedDetail(outcome.path) : text.notOnPath(outcome.path) })
  } else if (outcome.status === 'taken') {
    await dialog.showMessageBox({ type: 'warning', message: text.taken, detail: text.takenDetail(outcome.path) })
  } else {
    await dialog.showMessageBox({ type: 'error', message: text.failed, detail: outcome.message })
  }
}
