import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Reads `--data-dir DIR` or `--data-dir=DIR` from argv. */
export function readDataDirArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--data-dir' && argv[i + 1]) return argv[i + 1]
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length)
  }
  return undefined
}

/** Where Electron keeps `userData` for an app named "Keystead", computed without Electron (for the CLI). */
export function defaultUserDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Keystead')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Keystead')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Keystead')
}

/** `--data-dir` wins, then KEYSTEAD_DATA_DIR, then the platform default. */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv, fallback: string): string {
  const chosen = readDataDirArgument(argv) ?? (env.KEYSTEAD_DATA_DIR || undefined) ?? fallback
  return resolve(chosen)
}
