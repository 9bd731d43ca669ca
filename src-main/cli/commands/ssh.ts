import type { Command } from 'commander'
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { DATABASE_FILE_NAME } from '../../db/database.ts'
import { ErrorCode, KeysteadError, validationError } from '../../services/errors.ts'
import { resolveKeysteadUsername, SSHLoginMapError, SYSTEM_USER_PATTERN } from '../../services/ssh/login-map.ts'
import type { SSHLoginMap } from '../../services/ssh/login-map.ts'
import { readSSHLoginMap, writeSSHLoginMap } from '../../services/ssh/login-map-file.ts'
import { resolveCliDataDir } from '../context.ts'
import { UsageError } from '../errors.ts'
import type { CliRuntime } from '../runtime.ts'
import { formatTable } from '../runtime.ts'
import { lookupAuthorizedKeyLines } from '../ssh-authorized-keys.ts'
import { findPasswdEntry, findUnsafeFolder, installRootOwnedFile, prepareCacheFolder, probeLookupAs, renderAuthorizedKeysWrapper } from './ssh-install.ts'

export const DEFAULT_WRAPPER_PATH = '/usr/local/bin/keystead-authorized-keys'
export const DEFAULT_COMPILE_CACHE_DIR = '/var/cache/keystead-authorized-keys'

function loadMap(dataDir: string): SSHLoginMap {
  try {
    return readSSHLoginMap(dataDir)
  } catch (error) {
    if (error instanceof SSHLoginMapError) throw new KeysteadError(ErrorCode.Validation, error.message, { reason: 'ssh.mapUnreadable' })
    throw error
  }
}

function requireDataDir(dataDir: string): void {
  if (!existsSync(join(dataDir, DATABASE_FILE_NAME))) {
    throw new KeysteadError(ErrorCode.NotFound, `There is no Keystead data in ${dataDir}. Pass --data-dir.`, { reason: 'cli.noData' })
  }
}

function validateSystemUser(name: string): string {
  if (!SYSTEM_USER_PATTERN.test(name)) {
    throw validationError('systemUser', 'ssh.systemUserInvalid', 'A system user name has 1-32 lowercase letters, digits, "_" or "-", and does not start with a digit or "-".')
  }
  return name
}

function describeMap(map: SSHLoginMap): { json: unknown; text: string } {
  const rows = Object.entries(map.users).sort(([a], [b]) => a.localeCompare(b))
  const text = [
    `Same-name logins: ${map.sameName ? 'on (a system user gets the keys of the account of the same name, except root)' : 'off (only mapped system users get keys)'}`,
    rows.length === 0 ? 'No explicit mappings.' : formatTable(['SYSTEM USER', 'KEYSTEAD ACCOUNT'], rows.map(([user, account]) => [user, account])),
  ].join('\n')
  return { json: { sameName: map.sameName, users: Object.fromEntries(rows) }, text }
}

export function registerSSHCommands(program: Command, cli: CliRuntime): void {
  const ssh = program.command('ssh').description('SSH logins from Keystead keys: the sshd AuthorizedKeysCommand, system user mapping and installation')

  ssh
    .command('authorized-keys')
    .description('Print the keys that may log in as a system user (what sshd runs; read-only, prints only key lines; nothing for no keys)')
    .argument('<system-user>', 'the system user sshd asks about (%u)')
    .argument('[key-type]', 'the offered key type (%t): print only that key, if it may log in')
    .argument('[base64-key]', 'the offered key (%k)')
    .action((systemUser: string, keyType: string | undefined, keyBase64: string | undefined, _options: object, command: Command) => {
      if ((keyType === undefined) !== (keyBase64 === undefined)) throw new UsageError('give both <key-type> and <base64-key>, or neither')
      let lines: string[]
      try {
        lines = lookupAuthorizedKeyLines({ dataDir: resolveCliDataDir(cli.globals(command), cli.io.env), systemUser, ...(keyType !== undefined ? { keyType, keyBase64 } : {}) }, cli.io.env)
      } catch (error) {
        throw new KeysteadError(ErrorCode.Unavailable, `ssh authorized-keys: ${(error as Error).message.split('\n')[0]}`, { reason: 'ssh.lookupFailed' })
      }
      if (lines.length > 0) cli.io.writeOut(lines.map((line) => `${line}\n`).join(''))
    })

  ssh
    .command('map')
    .description('Let a Keystead account’s keys log in as a system user of another name (stored in settings.json); without arguments, list the mappings')
    .argument('[system-user]', 'the system user (e.g. deploy)')
    .argument('[username]', 'the Keystead account')
    .action(async (systemUser: string | undefined, username: string | undefined, _options: object, command: Command) => {
      const dataDir = resolveCliDataDir(cli.globals(command), cli.io.env)
      if (systemUser === undefined) {
        requireDataDir(dataDir)
        cli.print(command, describeMap(loadMap(dataDir)))
        return
      }
      if (username === undefined) throw new UsageError('give <system-user> and <username>, or neither to list the mappings')
      validateSystemUser(systemUser)
      const map = loadMap(dataDir)
      const account = await cli.withServices(command, (services) => services.administration.requireAccountByUsername(username))
      const next: SSHLoginMap = { sameName: map.sameName, users: { ...map.users, [systemUser]: account.username } }
      writeSSHLoginMap(dataDir, next)
      cli.print(command, { json: { systemUser, username: account.username }, text: `${account.username}'s keys may now log in as the system user ${systemUser}.` })
    })

  ssh
    .command('unmap')
    .description('Remove a system user’s explicit mapping')
    .argument('<system-user>', 'the system user')
    .action((systemUser: string, _options: object, command: Command) => {
      const dataDir = resolveCliDataDir(cli.globals(command), cli.io.env)
      requireDataDir(dataDir)
      validateSystemUser(systemUser)
      const map = loadMap(dataDir)
      if (!Object.hasOwn(map.users, systemUser)) throw new KeysteadError(ErrorCode.NotFound, `The system user ${systemUser} has no mapping.`, { reason: 'ssh.mapNotFound' })
      const users = { ...map.users }
      delete users[systemUser]
      writeSSHLoginMap(dataDir, { sameName: map.sameName, users })
      const now = resolveKeysteadUsername(systemUser, { sameName: map.sameName, users })
      cli.print(command, { json: { systemUser, removed: true, nowUses: now }, text: `Removed the mapping of ${systemUser}${now ? ` (it now gets the keys of the account ${now}, if there is one)` : ''}.` })
    })

  ssh
    .command('same-name')
    .description('Whether a system user gets the keys of the Keystead account of the same name (on by default; never for root)')
    .argument('<on|off>', 'on or off')
    .action((value: string, _options: object, command: Command) => {
      if (value !== 'on' && value !== 'off') throw new UsageError('say on or off')
      const dataDir = resolveCliDataDir(cli.globals(command), cli.io.env)
      requireDataDir(dataDir)
      const map = loadMap(dataDir)
      writeSSHLoginMap(dataDir, { sameName: value === 'on', users: { ...map.users } })
      cli.print(command, { json: { sameName: value === 'on' }, text: `Same-name SSH logins are ${value}.` })
    })

  ssh
    .command('install-command')
    .description(`Install the wrapper sshd runs (${DEFAULT_WRAPPER_PATH}) when run as root; otherwise print what to do`)
    .option('--path <file>', 'where to install the wrapper (it and every folder above it must be owned by root)', DEFAULT_WRAPPER_PATH)
    .option('--user <name>', 'AuthorizedKeysCommandUser (default: the owner of the data folder)')
    .option('--cache-dir <dir>', 'where Node keeps the compiled lookup (made owned by that user, 0700)', DEFAULT_COMPILE_CACHE_DIR)
    .action((options: { path: string; user?: string; cacheDir: string }, command: Command) => {
      const dataDir = resolve(resolveCliDataDir(cli.globals(command), cli.io.env))
      requireDataDir(dataDir)
      const target = resolve(options.path)
      const owner = options.user !== undefined ? findPasswdEntry({ name: options.user }) : findPasswdEntry({ uid: statSync(dataDir).uid })
      if (!owner) throw new KeysteadError(ErrorCode.NotFound, options.user ? `There is no system user ${options.user}.` : `The owner of ${dataDir} has no user name; pass --user.`, { field: 'user', reason: 'ssh.userUnknown' })
      const user = owner.name
      const cacheDir = resolve(options.cacheDir)
      const launcher = resolve(import.meta.dirname, '../../../bin/keystead.js')
      const script = renderAuthorizedKeysWrapper({ wrapperPath: target, node: process.execPath, launcher, dataDir, cacheDir })
      const config = `AuthorizedKeysCommand ${target} %u %t %k\nAuthorizedKeysCommandUser ${user}\n`
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
      if (!isRoot) {
        cli.print(command, {
          json: { installed: false, path: target, script, sshdConfig: config },
          text: [
            `Not root: nothing was installed. As root, run this same command, or write this file to ${target} (owner root, mode 0755; every folder above it owned by root and not writable by group or others) and make ${cacheDir} a folder owned by ${user}, mode 0700:`,
            '',
            script,
            'Then add these lines to /etc/ssh/sshd_config (or a file in /etc/ssh/sshd_config.d/) and reload sshd:',
            '',
            config,
          ].join('\n'),
        })
        return
      }
      const unsafe = findUnsafeFolder(dirname(target))
      if (unsafe) {
        throw new KeysteadError(ErrorCode.Validation, `sshd would refuse ${target}: ${unsafe}. Choose another --path.`, { field: 'path', reason: 'ssh.unsafePath' })
      }
      if (existsSync(target) && lstatSync(target).isSymbolicLink()) {
        throw new KeysteadError(ErrorCode.Conflict, `${target} is a symbolic link; refusing to replace it.`, { field: 'path', reason: 'ssh.unsafePath' })
      }
      if (existsSync(target) && !readFileSync(target, 'utf8').includes('keystead ssh install-command')) {
        throw new KeysteadError(ErrorCode.Conflict, `${target} exists and was not made by Keystead; refusing to replace it.`, { field: 'path', reason: 'ssh.pathTaken' })
      }
      // Before anything is written: the lookup must work as the user sshd will run it as.
      const failure = probeLookupAs(owner, { node: process.execPath, launcher, dataDir })
      if (failure) {
        throw new KeysteadError(
          ErrorCode.Validation,
          `sshd would run the lookup as ${user}, and it fails there: ${failure}. ${user} must be able to run ${process.execPath} and read ${launcher} and ${dataDir} (install Node and Keystead where ${user} can read them, or pass --user); nothing was installed.`,
          { field: 'user', reason: 'ssh.lookupFails' },
        )
      }
      prepareCacheFolder(cacheDir, owner)
      installRootOwnedFile(target, script)
      cli.print(command, {
        json: { installed: true, path: target, script, sshdConfig: config },
        text: `Installed ${target} (root, 0755). Add these lines to /etc/ssh/sshd_config (or a file in /etc/ssh/sshd_config.d/) and reload sshd:\n\n${config}`,
      })
    })
}
