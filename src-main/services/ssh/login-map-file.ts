import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeSecretFileSync } from '../secret-file.ts'
import { DEFAULT_SSH_LOGIN_MAP, parseSSHLoginMap, SSH_LOGINS_SETTINGS_KEY, SSHLoginMapError } from './login-map.ts'
import type { SSHLoginMap } from './login-map.ts'

/** The app's electron-store file in the data folder (`new Store({ name: 'settings', cwd: dataDir })`). */
export const SETTINGS_FILE_NAME = 'settings.json'

function readSettingsObject(dataDir: string): Record<string, unknown> | undefined {
  let text: string
  try {
    text = readFileSync(join(dataDir, SETTINGS_FILE_NAME), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new SSHLoginMapError(`Cannot read ${SETTINGS_FILE_NAME}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new SSHLoginMapError(`${SETTINGS_FILE_NAME} is not valid JSON.`)
  }
}

/** The data folder's mapping; the defaults when settings.json or its `sshLogins` is absent; SSHLoginMapError when malformed. */
export function readSSHLoginMap(dataDir: string): SSHLoginMap {
  const settings = readSettingsObject(dataDir)
  return settings === undefined ? DEFAULT_SSH_LOGIN_MAP : parseSSHLoginMap(settings)
}

/**
 * Stores the mapping in settings.json, keeping every other setting, through the one secret-file writer
 * (a temporary 0600 file, fsync, renamed over the file, the folder fsynced). A symlink at settings.json,
 * or a file of another user, is refused (KeysteadError `secretFile.symlink` / `secretFile.notOwned`).
 */
export function writeSSHLoginMap(dataDir: string, map: SSHLoginMap): void {
  const target = join(dataDir, SETTINGS_FILE_NAME)
  const settings = readSettingsObject(dataDir) ?? {}
  parseSSHLoginMap(settings)
  const next = { ...settings, [SSH_LOGINS_SETTINGS_KEY]: { sameName: map.sameName, users: { ...map.users } } }
  writeSecretFileSync(target, `${JSON.stringify(next, null, '\t')}\n`, { overwrite: true })
}
