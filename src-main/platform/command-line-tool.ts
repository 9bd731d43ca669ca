import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'

/**
 * "Install Command Line Tool" (macOS and AppImage, whose installs have no after-install step): writes a
 * small `keystead` script that runs the app's executable with `--cli`, into the first folder that
 * takes it. Never replaces a file it did not write (another `keystead`, e.g. from npm, stays).
 */
export const COMMAND_LINE_TOOL_MARKER = '# keystead-command-line-tool'

const quoteForShell = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`

/** The script: the app's executable with --cli and every argument; without a display (SSH), Chromium's headless platform. */
export function commandLineToolScript(executable: string, platform: NodeJS.Platform): string {
  const headless = platform === 'linux' ? 'if [ -z "$DISPLAY" ] && [ -z "$WAYLAND_DISPLAY" ]; then set -- --ozone-platform=headless --cli "$@"; else set -- --cli "$@"; fi\n' : 'set -- --cli "$@"\n'
  return `#!/bin/sh\n${COMMAND_LINE_TOOL_MARKER}: runs the Keystead command line through the app (written by the app's "Install Command Line Tool").\n${headless}exec ${quoteForShell(executable)} "$@"\n`
}

/** Where the script may go, in order: macOS tries /usr/local/bin first (on PATH by default), then ~/.local/bin. */
export function commandLineToolFolders(platform: NodeJS.Platform, home = homedir()): string[] {
  return platform === 'darwin' ? ['/usr/local/bin', join(home, '.local', 'bin')] : [join(home, '.local', 'bin')]
}

export type CommandLineToolOutcome =
  | { status: 'installed'; path: string; onPath: boolean }
  /** A file named keystead that this app did not write is in the way (nothing was changed). */
  | { status: 'taken'; path: string }
  | { status: 'failed'; message: string }

export function installCommandLineTool(options: { executable: string; platform: NodeJS.Platform; folders: readonly string[]; pathVariable: string }): CommandLineToolOutcome {
  const problems: string[] = []
  for (const folder of options.folders) {
    const target = join(folder, 'keystead')
    try {
      if (existsSync(target) || isDanglingLink(target)) {
        const ours = lstatSync(target).isFile() && readFileSync(target, 'utf8').includes(COMMAND_LINE_TOOL_MARKER)
        if (!ours) return { status: 'taken', path: target }
      }
      mkdirSync(folder, { recursive: true, mode: 0o755 })
      const temporary = join(folder, `.keystead-${process.pid}-${Date.now()}.tmp`)
      try {
        writeFileSync(temporary, commandLineToolScript(options.executable, options.platform), { mode: 0o755, flag: 'wx' })
        chmodSync(temporary, 0o755)
        renameSync(temporary, target)
      } finally {
        rmSync(temporary, { force: true })
      }
      return { status: 'installed', path: target, onPath: options.pathVariable.split(delimiter).includes(folder) }
    } catch (error) {
      problems.push(`${folder}: ${(error as Error).message}`)
    }
  }
  return { status: 'failed', message: problems.join('; ') }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

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

export type MenuText = (typeof MENU_TEXT)[MenuLanguage]

export function menuTextFor(locale: string): MenuText {
  const language = locale.slice(0, 2).toLowerCase()
  return MENU_TEXT[(MENU_LANGUAGES as string[]).includes(language) ? (language as MenuLanguage) : 'en']
}
