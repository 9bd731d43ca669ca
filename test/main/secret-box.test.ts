import { chownSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

let dir: ReturnType<typeof makeTempDir>
beforeEach(() => (dir = makeTempDir()))
afterEach(() => dir.remove())

describe('key-file secret box (AES-256-GCM)', () => {
  it('round-trips, never contains the plaintext, and keeps the key owner-only', () => {
    const path = join(dir.path, 'keystead.key')
    const box = createKeyFileSecretBox(path)
    const sealed = box.seal('JBSWY3DPEHPK3PXP')
    expect(sealed.includes(Buffer.from('JBSWY3DPEHPK3PXP'))).toBe(false)
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(createKeyFileSecretBox(path).open(sealed)).toBe('JBSWY3DPEHPK3PXP')
  })

  it('refuses tampered ciphertext and a different key', () => {
    const box = createKeyFileSecretBox(join(dir.path, 'a.key'))
    const sealed = box.seal('secret')
    const tampered = Buffer.from(sealed)
    tampered[tampered.length - 1]! ^= 1
    expect(() => box.open(tampered)).toThrow()
    expect(() => createKeyFileSecretBox(join(dir.path, 'b.key')).open(sealed)).toThrow()
  })
})

describe('the key file goes through the one secret-file writer', () => {
  it('is created 0600 with umask 000, leaving no temporary file, and read back the same', () => {
    const umask = process.umask(0o000)
    try {
      const path = join(dir.path, 'keystead.key')
      const sealed = createKeyFileSecretBox(path).seal('abc')
      expect(statSync(path).mode & 0o777).toBe(0o600)
      expect(statSync(path).size).toBe(32)
      expect(readdirSync(dir.path)).toEqual(['keystead.key'])
      expect(createKeyFileSecretBox(path).open(sealed)).toBe('abc')
    } finally {
      process.umask(umask)
    }
  })

  it('never reads a key through a symbolic link, nor creates one through a dangling link', () => {
    const elsewhere = join(dir.path, 'elsewhere.key')
    writeFileSync(elsewhere, randomBytes(32), { mode: 0o600 })
    symlinkSync(elsewhere, join(dir.path, 'linked.key'))
    expect(() => createKeyFileSecretBox(join(dir.path, 'linked.key'))).toThrow(/symbolic link/)
    const dangling = join(dir.path, 'dangling.key')
    symlinkSync(join(dir.path, 'made-through-link'), dangling)
    expect(() => createKeyFileSecretBox(dangling)).toThrow(/symbolic link/)
    expect(readdirSync(dir.path).sort()).toEqual(['dangling.key', 'elsewhere.key', 'linked.key'])
  })

  it.skipIf(process.getuid?.() !== 0)("refuses a key file that belongs to another user (uid 65534)", () => {
    const path = join(dir.path, 'keystead.key')
    const key = randomBytes(32)
    writeFileSync(path, key, { mode: 0o600 })
    chownSync(path, 65534, 65534)
    expect(() => createKeyFileSecretBox(path)).toThrow(/belongs to another user/)
    expect(readFileSync(path).equals(key)).toBe(true)
  })

  it('refuses a damaged key file (short or long) and leaves it as it is', () => {
    for (const size of [31, 33]) {
      const path = join(dir.path, `k${size}`)
      writeFileSync(path, Buffer.alloc(size, 7))
      expect(() => createKeyFileSecretBox(path)).toThrow(/damaged/)
      expect(readFileSync(path)).toEqual(Buffer.alloc(size, 7))
    }
  })
})

describe('processes that create the key file at the same moment', () => {
  it('all end up with one key (the losers of the race read the winner\'s), none fails', async () => {
    const path = join(dir.path, 'keystead.key')
    const script = `import { loadOrCreateKeyFile } from ${JSON.stringify(join(import.meta.dirname, '../../src-main/services/secret-box.ts'))}
process.stdout.write(loadOrCreateKeyFile(process.argv[1]).toString('hex'))`
    const run = (): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'pipe'] })
        let out = ''
        let err = ''
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
        child.on('close', (code) => resolve({ code, out, err }))
      })
    const results = await Promise.all(Array.from({ length: 6 }, run))
    expect(results.map((r) => r.err)).toEqual(Array(6).fill(''))
    expect(results.map((r) => r.code)).toEqual(Array(6).fill(0))
    expect(new Set(results.map((r) => r.out))).toEqual(new Set([readFileSync(path).toString('hex')]))
    expect(readdirSync(dir.path)).toEqual(['keystead.key'])
  }, 60_000)
})
