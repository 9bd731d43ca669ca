import { app, dialog, Menu } from 'electron'
import type { MenuItemConstructorOptions } from 'electron'
import { commandLineToolFolders, installCommandLineTool } from './command-line-tool.ts'
import type { CommandLineToolOutcome } from './command-line-tool.ts'

/** The menu's own words in the three languages (the window's text lives in the renderer's message files). */
const MENU_TEXT = {
  en: {
    install: 'Install Command Line Tool…',
    installed: 'The keystead command is installed.',
    installedDetail: (path: string) => `It was written to ${path}. Try "keystead --help" in a new terminal.`,
    notOnPath: (path: string) => `It was written to ${path}, which is not on your PATH yet: add its folder to PATH, then try "keystead --help".`,
    taken: 'Another keystead command is already installed.',
    takenDetail: (path: string) => `${path} was not written by this app, so it was left as it is.`,
    failed: 'The keystead command could not be installed.',
  },
  tr: {
    install: 'Komut Satırı Aracını Kur…',
    installed: 'keystead komutu kuruldu.',
    installedDetail: (path: string) => `${path} konumuna yazıldı. Yeni bir terminalde "keystead --help" deneyin.`,
    notOnPath: (path: string) => `${path} konumuna yazıldı, ancak bu klasör henüz PATH içinde değil: klasörü PATH'e ekleyin, sonra "keystead --help" deneyin.`,
    taken: 'Başka bir keystead komutu zaten kurulu.',
    takenDetail: (path: string) => `${path} bu uygulama tarafından yazılmadı; olduğu gibi bırakıldı.`,
    failed: 'keystead komutu kurulamadı.',
  },
  de: {
    install: 'Befehlszeilenwerkzeug installieren…',
    installed: 'Der Befehl keystead ist installiert.',
    installedDetail: (path: string) => `Er wurde nach ${path} geschrieben. Probieren Sie „keystead --help“ in einem neuen Terminal.`,
    notOnPath: (path: string) => `Er wurde nach ${path} geschrieben; dieser Ordner ist noch nicht im PATH: Fügen Sie ihn hinzu und probieren Sie dann „keystead --help“.`,
    taken: 'Ein anderer Befehl keystead ist bereits installiert.',
    takenDetail: (path: string) => `${path} wurde nicht von dieser App geschrieben und blieb unverändert.`,
    failed: 'Der Befehl keystead konnte nicht installiert werden.',
  },
} as const

export type MenuLanguage = keyof typeof MENU_TEXT
export const MENU_LANGUAGES = Object.keys(MENU_TEXT) as MenuLanguage[]

export function menuTextFor(locale: string): (typeof MENU_TEXT)[MenuLanguage] {
  const language = locale.slice(0, 2).toLowerCase()
  return MENU_TEXT[(MENU_LANGUAGES as string[]).includes(language) ? (language as MenuLanguage) : 'en']
}

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

async function installFromMenu(text: (typeof MENU_TEXT)[MenuLanguage]): Promise<void> {
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
