import { chmodSync, chownSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/** The shipped template of the sshd wrapper (resources/ssh/keystead-authorized-keys.sh). */
export const WRAPPER_TEMPLATE_PATH = join(import.meta.dirname, '../../../resources/ssh/keystead-authorized-keys.sh')

/** Single-quotes a word for /bin/sh. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

export function renderAuthorizedKeysWrapper(parts: { wrapperPath: string; node: string; launcher: string; dataDir: string; cacheDir: string }): string {
  return readFileSync(WRAPPER_TEMPLATE_PATH, 'utf8')
    .replace('@WRAPPER_PATH@', parts.wrapperPath)
    .replace('@NODE@', shellQuote(parts.node))
    .replace('@LAUNCHER@', shellQuote(parts.launcher))
    .replace('@DATA_DIR@', shellQuote(parts.dataDir))
    .replace('@CACHE_DIR@', shellQuote(parts.cacheDir))
}

/**
 * sshd's rule for AuthorizedKeysCommand: the file and every folder above it are owned by root and
 * writable by no one else. Returns why `folder` (or one above it) breaks it, or null.
 */
export function findUnsafeFolder(folder: string): string | null {
  for (let current = folder; ; current = dirname(current)) {
    let stat
    try {
      stat = statSync(current)
    } catch {
      return `${current} does not exist`
    }
    if (!stat.isDirectory()) return `${current} is not a folder`
    if (stat.uid !== 0) return `${current} is not owned by root`
    if ((stat.mode & 0o022) !== 0) return `${current} is writable by group or others`
    if (dirname(current) === current) return null
  }
}

export interface PasswdEntry {
  name: string
  uid: number
  gid: number
}

/** The /etc/passwd entry of a uid or a name (null when there is none). */
export function findPasswdEntry(match: { uid: number } | { name: string }): PasswdEntry | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid, gid] = line.split(':')
      if (!name || uid === undefined || gid === undefined) continue
      if ('uid' in match ? Number(uid) === match.uid : name === match.name) return { name, uid: Number(uid), gid: Number(gid) }
    }
  } catch {
    // No /etc/passwd (not a Unix-like system): no entry.
  }
  return null
}

/** The compile-cache folder of the wrapper: owned by the command's user, 0700 (nobody else may plant code in it). */
export function prepareCacheFolder(folder: string, owner: PasswdEntry): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const stat = lstatSync(folder)
  if (!stat.isDirectory()) throw new Error(`${folder} is not a folder`)
  chownSync(folder, owner.uid, owner.gid)
  chmodSync(folder, 0o700)
}

/** Writes `content` to `target` as root:root 0755 through a temporary file in the same folder and a rename. */
export function installRootOwnedFile(target: string, content: string): void {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(temp, 'wx', 0o700)
  try {
    try {
      writeSync(fd, content)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    chownSync(temp, 0, 0)
    chmodSync(temp, 0o755)
    renameSync(temp, target)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

/** A system user no Keystead account can be named (a username has letters and digits only): the probe's lookup. */
const PROBE_SYSTEM_USER = 'keystead-install-probe'

/**
 * Runs the lookup the wrapper will run, as `owner` (sshd's AuthorizedKeysCommandUser), for a system user no account
 * has. Returns why it fails (that user cannot run the Node binary, read Keystead or read the data folder), or null.
 * A wrapper that fails for every login would only show as "Permission denied (publickey)" in ssh.
 */
export function probeLookupAs(owner: PasswdEntry, parts: { node: string; launcher: string; dataDir: string }): string | null {
  const result = spawnSync(parts.node, [parts.launcher, '--data-dir', parts.dataDir, 'ssh', 'authorized-keys', '--', PROBE_SYSTEM_USER], {
    uid: owner.uid,
    gid: owner.gid,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (result.error) return `${parts.node}: ${result.error.message}`
  if (result.status === 0) return null
  const said = result.stderr.trim().split('\n').find((line) => line.trim() !== '')
  return said ?? `exit ${result.status ?? result.signal}`
}
