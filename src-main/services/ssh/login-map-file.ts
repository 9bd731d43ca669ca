import { closeSync, fsyncSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
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
 * Stores the mapping in settings.json, keeping every other setting: a temporary 0600 file (O_EXCL)
 * in the same folder, fsync, then rename over the file. A symlink at settings.json is refused.
 */
export function writeSSHLoginMap(dataDir: string, map: SSHLoginMap): void {
  const target = join(dataDir, SETTINGS_FILE_NAME)
  const settings = readSettingsObject(dataDir) ?? {}
  parseSSHLoginMap(settings)
  try {
    if (lstatSync(target).isSymbolicLink()) throw new SSHLoginMapError(`${SETTINGS_FILE_NAME} is a symbolic link; refusing to replace it.`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const next = { ...settings, [SSH_LOGINS_SETTINGS_KEY]: { sameName: map.sameName, users: { ...map.users } } }
  const temp = join(dataDir, `.${SETTINGS_FILE_NAME}.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(temp, 'wx', 0o600)
  try {
    writeSync(fd, `${JSON.stringify(next, null, '\t')}\n`)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(temp, { force: true })
    throw error
  }
  closeSync(fd)
  renameSync(temp, target)
}
