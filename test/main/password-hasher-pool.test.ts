import { spawnSync } from 'node:child_process'
import { scryptSync } from 'node:crypto'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createPasswordHasher, createScryptPool, parsePasswordHash, TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'

/** scrypt runs in a small pool of low-priority worker threads; these check the pool itself. */
const options = (costLog2: number) => ({ N: 2 ** costLog2, r: 8, p: 1, maxmem: 256 * 2 ** costLog2 * 8 + 1024 * 1024 })

describe('the scrypt worker pool', () => {
  it('derives exactly what scrypt derives on the main thread', async () => {
    const pool = createScryptPool(1)
    const salt = Buffer.from('0123456789abcdef')
    const key = await pool.derive({ password: 'pool password 1', salt, length: 32, options: options(10) })
    expect(key.equals(scryptSync('pool password 1', salt, 32, options(10)))).toBe(true)
  })

  it('runs many calls at once through at most `size` workers, each answer to its own caller', async () => {
    const pool = createScryptPool(2)
    const jobs = Array.from({ length: 12 }, (_, i) => ({ password: `password ${i}`, salt: Buffer.alloc(16, i), length: 32, options: options(10) }))
    const keys = await Promise.all(jobs.map((job) => pool.derive(job)))
    expect(pool.workerCount).toBeLessThanOrEqual(2)
    keys.forEach((key, i) => expect(key.equals(scryptSync(jobs[i]!.password, jobs[i]!.salt, 32, options(10)))).toBe(true))
  })

  it('hashes and verifies concurrently through the hasher', async () => {
    const hasher = createPasswordHasher(TEST_ONLY_SCRYPT_PARAMS)
    const passwords = Array.from({ length: 8 }, (_, i) => `concurrent password ${i}`)
    const hashes = await Promise.all(passwords.map((password) => hasher.hashPassword(password)))
    const checks = await Promise.all(hashes.flatMap((hash, i) => [hasher.verifyPassword(hash, passwords[i]!), hasher.verifyPassword(hash, `${passwords[i]}x`)]))
    expect(checks).toEqual(passwords.flatMap(() => [true, false]))
  })

  it('verifies with the parameters stored in the hash, not the current ones', async () => {
    const stronger = createPasswordHasher({ ...TEST_ONLY_SCRYPT_PARAMS, costLog2: 11 })
    const hash = await stronger.hashPassword('stored params 1')
    const parsed = parsePasswordHash(hash)!
    expect(parsed.params.costLog2).toBe(11)
    expect(parsed.hash.equals(scryptSync('stored params 1', parsed.salt, 32, options(11)))).toBe(true)
    expect(await createPasswordHasher(TEST_ONLY_SCRYPT_PARAMS).verifyPassword(hash, 'stored params 1')).toBe(true)
  })

  it('rejects a job scrypt refuses, and keeps working after it', async () => {
    const pool = createScryptPool(1)
    await expect(pool.derive({ password: 'x', salt: Buffer.alloc(16), length: 32, options: { N: 2 ** 14, r: 8, p: 1, maxmem: 1024 } })).rejects.toThrow()
    const key = await pool.derive({ password: 'x', salt: Buffer.alloc(16), length: 32, options: options(10) })
    expect(key).toHaveLength(32)
  })

  it('does not keep a process alive: one that hashes once exits on its own', () => {
    const module = pathToFileURL(join(import.meta.dirname, '../../src-main/services/password-hasher.ts')).href
    const script = `import(${JSON.stringify(module)}).then(async (m) => { const hasher = m.createPasswordHasher(m.TEST_ONLY_SCRYPT_PARAMS); const hash = await hasher.hashPassword('exit 1'); console.log(await hasher.verifyPassword(hash, 'exit 1')) })`
    const started = Date.now()
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 })
    expect(child.error).toBeUndefined()
    expect(child.stderr).toBe('')
    expect(child.status).toBe(0)
    expect(child.stdout.trim()).toBe('true')
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})
