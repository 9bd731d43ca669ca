import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { openDatabase, openDatabaseReadOnly } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { lookupAuthorizedKeys } from '../../src-main/services/ssh/authorized-keys.ts'
import { DEFAULT_SSH_LOGIN_MAP } from '../../src-main/services/ssh/login-map.ts'
import { makeTempDir } from '../../test/fixtures/temp-dir.ts'
import { makeFigure, median } from './figures.ts'
import type { Figure } from './figures.ts'
import { HEAVY_ACCOUNT_ID, HEAVY_ROWS, seedDatabase, SEEDERS } from './seed.ts'

const LAUNCHER = join(import.meta.dirname, '../../bin/keystead.js')
const SSH_SEEDERS = SEEDERS.filter((seeder) => seeder.table === 'accounts' || seeder.table === 'ssh_keys')

/** A data folder with `accounts` accounts and as many SSH keys (the heavy account has HEAVY_ROWS.ssh_keys of them at both sizes). */
async function makeSSHDatabase(dataDir: string, accounts: number, passwordHash: string): Promise<{ keyType: string; keyBase64: string }> {
  const db = openDatabase(join(dataDir, 'keystead.db'))
  try {
    await migrateDatabase(db)
    seedDatabase(db, { rows: { accounts, ssh_keys: accounts }, seeders: SSH_SEEDERS, passwordHash, now: Date.now() })
    const key = db.prepare('SELECT key_type, key_blob FROM ssh_keys WHERE account_id = ? ORDER BY id DESC LIMIT 1').get(HEAVY_ACCOUNT_ID) as { key_type: string; key_blob: Buffer }
    return { keyType: key.key_type, keyBase64: key.key_blob.toString('base64') }
  } finally {
    db.close()
  }
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string } {
  const started = performance.now()
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', env })
  const ms = performance.now() - started
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`)
  return { ms, stdout: child.stdout }
}

/**
 * sshd runs `keystead ssh authorized-keys %u %t %k` as a fresh process on every login attempt. Times one
 * such call (through bin/keystead.js, with Node's compile cache warm, as the installed wrapper sets it)
 * against `node -e ""`, on a database of 100,000 accounts and keys and on one of 100; and the lookup's
 * own query in one process at both sizes.
 */
export async function benchSSHLookup(options: { rounds: number; passwordHash: string; log(message: string): void }): Promise<{ figures: Figure[]; details: unknown }> {
  const large = makeTempDir('keystead-bench-ssh-large-')
  const small = makeTempDir('keystead-bench-ssh-small-')
  const cache = makeTempDir('keystead-bench-ssh-cache-')
  try {
    options.log('ssh: seeding 100,000 accounts and SSH keys, and 100 of each')
    const offered = await makeSSHDatabase(large.path, 100_000, options.passwordHash)
    const offeredSmall = await makeSSHDatabase(small.path, 100, options.passwordHash)
    const env = { PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: cache.path }
    const lookupArgs = (dir: string, key: { keyType: string; keyBase64: string } | null) => [
      LAUNCHER, '--data-dir', dir, 'ssh', 'authorized-keys', '--', `user${HEAVY_ACCOUNT_ID}`, ...(key ? [key.keyType, key.keyBase64] : []),
    ]
    // Warm-up (fills the compile cache), and a check that the calls answer what sshd needs.
    const listed = timeProcess(lookupArgs(large.path, null), env).stdout.split('\n').filter(Boolean).length
    const matched = timeProcess(lookupArgs(large.path, offered), env).stdout.split('\n').filter(Boolean).length
    if (listed !== HEAVY_ROWS.ssh_keys || matched !== 1 || timeProcess(lookupArgs(small.path, offeredSmall), env).stdout.split('\n').filter(Boolean).length !== 1) {
      throw new Error(`the lookup printed ${listed} keys (expected ${HEAVY_ROWS.ssh_keys}) and ${matched} for the offered key (expected 1)`)
    }
    const coldCache = makeTempDir('keystead-bench-ssh-cold-')
    const times = { nodeE: [] as number[], large: [] as number[], small: [] as number[], cold: [] as number[] }
    const samples = Math.max(9, options.rounds * 2)
    options.log(`ssh: ${samples} alternated fresh processes each`)
    try {
      for (let i = 0; i < samples; i++) {
        times.nodeE.push(timeProcess(['-e', ''], env).ms)
        times.large.push(timeProcess(lookupArgs(large.path, offered), env).ms)
        times.small.push(timeProcess(lookupArgs(small.path, offeredSmall), env).ms)
        if (i < 3) times.cold.push(timeProcess(lookupArgs(large.path, offered), { ...env, NODE_COMPILE_CACHE: join(coldCache.path, String(i)) }).ms)
      }
    } finally {
      coldCache.remove()
    }
    // The query alone, in one process: 100,000 accounts against 100.
    const inProcess = (dir: string, key: { keyType: string; keyBase64: string }) => {
      const db = openDatabaseReadOnly(join(dir, 'keystead.db'))
      try {
        const request = { systemUser: `user${HEAVY_ACCOUNT_ID}`, ...key, map: DEFAULT_SSH_LOGIN_MAP, now: Date.now() }
        for (let i = 0; i < 200; i++) lookupAuthorizedKeys(db, request)
        const runs: number[] = []
        for (let r = 0; r < 15; r++) {
          const started = performance.now()
          for (let i = 0; i < 200; i++) lookupAuthorizedKeys(db, request)
          runs.push(((performance.now() - started) * 1000) / 200)
        }
        return median(runs)
      } finally {
        db.close()
      }
    }
    const queryLarge = inProcess(large.path, offered)
    const querySmall = inProcess(small.path, offeredSmall)
    const m = { nodeE: median(times.nodeE), large: median(times.large), small: median(times.small), cold: median(times.cold) }
    return {
      figures: [
        makeFigure(
          'ssh.freshProcess',
          'sshd key lookup (keystead ssh authorized-keys %u %t %k) as a fresh process / node -e "" as a fresh process',
          { label: 'lookup', value: m.large, unit: 'ms' },
          { label: 'node -e ""', value: m.nodeE, unit: 'ms' },
          { op: '<=', value: 3 },
          `${samples} alternated runs each, 100,000 accounts and keys, Node's compile cache warm (as the installed wrapper sets it); with a cold cache (first call after an install or upgrade) ${m.cold.toFixed(0)} ms`,
        ),
        makeFigure(
          'ssh.scale',
          'sshd key lookup as a fresh process, 100,000 accounts / 100 accounts',
          { label: '100,000', value: m.large, unit: 'ms' },
          { label: '100', value: m.small, unit: 'ms' },
          { op: '<=', value: 1.5 },
          `the query alone (in one process): ${queryLarge.toFixed(1)} µs at 100,000 accounts, ${querySmall.toFixed(1)} µs at 100`,
        ),
      ],
      details: { times, medians: m, queryMicroseconds: { large: queryLarge, small: querySmall } },
    }
  } finally {
    large.remove()
    small.remove()
    cache.remove()
  }
}
