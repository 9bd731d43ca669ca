/**
 * Which Keystead account's keys may log in as which system user (sshd's `%u`).
 *
 * By default a system user logs in with the keys of the account of the same name (case aside,
 * as Keystead usernames are unique regardless of case). `users` maps other names explicitly:
 * `{ "deploy": "alice" }` lets alice's keys log in as `deploy`. An account mapped explicitly is no
 * longer reachable by its own name (the mapping moves it, it does not copy it); `root` is never
 * reached by name, only by an explicit mapping; `sameName: false` turns the default off, so only
 * mapped system users get keys. A system user with no mapping gets none.
 *
 * Stored in the data folder's `settings.json` (the app's electron-store file) under `sshLogins`.
 */
export interface SSHLoginMap {
  sameName: boolean
  /** system user -> Keystead username */
  users: Record<string, string>
}

export const SSH_LOGINS_SETTINGS_KEY = 'sshLogins'
export const DEFAULT_SSH_LOGIN_MAP: SSHLoginMap = Object.freeze({ sameName: true, users: Object.freeze({}) }) as SSHLoginMap

/** POSIX-portable user names as useradd accepts them (Debian's default NAME_REGEX, 32 characters). */
export const SYSTEM_USER_PATTERN = /^[a-z_][a-z0-9_-]{0,30}\$?$/
/** A Keystead username as the account rules allow (3-32 printable ASCII characters without spaces). */
const KEYSTEAD_USERNAME_PATTERN = /^[\x21-\x7e]{3,32}$/
/** System users that a same-named account must never reach: only an explicit mapping may. */
const NEVER_BY_NAME = new Set(['root'])

export class SSHLoginMapError extends Error {}

/** Reads `sshLogins` from the parsed settings file; anything malformed is an error, never a silent default. */
export function parseSSHLoginMap(settings: unknown): SSHLoginMap {
  if (settings === undefined) return DEFAULT_SSH_LOGIN_MAP
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new SSHLoginMapError('settings.json does not hold a JSON object.')
  const raw = (settings as Record<string, unknown>)[SSH_LOGINS_SETTINGS_KEY]
  if (raw === undefined) return DEFAULT_SSH_LOGIN_MAP
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SSHLoginMapError(`settings.json: "${SSH_LOGINS_SETTINGS_KEY}" must be an object.`)
  const { sameName = true, users = {} } = raw as { sameName?: unknown; users?: unknown }
  if (typeof sameName !== 'boolean') throw new SSHLoginMapError(`settings.json: "${SSH_LOGINS_SETTINGS_KEY}.sameName" must be true or false.`)
  if (typeof users !== 'object' || users === null || Array.isArray(users)) throw new SSHLoginMapError(`settings.json: "${SSH_LOGINS_SETTINGS_KEY}.users" must be an object.`)
  const checked: Record<string, string> = Object.create(null) as Record<string, string>
  for (const [systemUser, username] of Object.entries(users)) {
    if (!SYSTEM_USER_PATTERN.test(systemUser) || typeof username !== 'string' || !KEYSTEAD_USERNAME_PATTERN.test(username)) {
      throw new SSHLoginMapError(`settings.json: "${SSH_LOGINS_SETTINGS_KEY}.users" has an invalid entry.`)
    }
    checked[systemUser] = username
  }
  return { sameName, users: checked }
}

/** The Keystead username whose keys may log in as `systemUser`, or null (no keys at all). */
export function resolveKeysteadUsername(systemUser: string, map: SSHLoginMap): string | null {
  if (!SYSTEM_USER_PATTERN.test(systemUser)) return null
  if (Object.hasOwn(map.users, systemUser)) return map.users[systemUser]!
  if (!map.sameName || NEVER_BY_NAME.has(systemUser)) return null
  const key = systemUser.toLowerCase()
  if (Object.values(map.users).some((username) => username.toLowerCase() === key)) return null
  return systemUser
}
