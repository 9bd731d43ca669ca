import { describe, expect, it } from 'vitest'
import {
  createPasswordHasher,
  DEFAULT_SCRYPT_PARAMS,
  parsePasswordHash,
  TEST_ONLY_SCRYPT_PARAMS,
} from '../../src-main/services/password-hasher.ts'

const hasher = createPasswordHasher(TEST_ONLY_SCRYPT_PARAMS)

describe('password hashing (scrypt)', () => {
  it('defaults to the OWASP minimum N=2^17, r=8, p=1', () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ costLog2: 17, blockSize: 8, parallelization: 1 })
  })

  it('stores algorithm and parameters in the hash and verifies', async () => {
    const hash = await hasher.hashPassword('correct horse 1')
    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(hash).not.toContain('correct horse')
    expect(parsePasswordHash(hash)?.salt.length).toBe(16)
    expect(await hasher.verifyPassword(hash, 'correct horse 1')).toBe(true)
    expect(await hasher.verifyPassword(hash, 'correct horse 2')).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hasher.hashPassword('same password 1')).not.toBe(await hasher.hashPassword('same password 1'))
  })

  it('never truncates: passwords that differ only at character 250 differ', async () => {
    const base = 'a1'.repeat(124)
    const hash = await hasher.hashPassword(`${base}xy`)
    expect(await hasher.verifyPassword(hash, `${base}xz`)).toBe(false)
    expect(await hasher.verifyPassword(hash, `${base}xy`)).toBe(true)
  })

  it('treats composed and decomposed Unicode as the same password', async () => {
    const hash = await hasher.hashPassword('caf\u00e9 1234')
    expect(await hasher.verifyPassword(hash, 'cafe\u0301 1234')).toBe(true)
  })

  it('flags weaker stored parameters for re-hashing, and only those', async () => {
    const weak = await hasher.hashPassword('password 1')
    expect(createPasswordHasher({ ...TEST_ONLY_SCRYPT_PARAMS, costLog2: 11 }).needsRehash(weak)).toBe(true)
    expect(hasher.needsRehash(weak)).toBe(false)
    expect(hasher.needsRehash('garbage')).toBe(true)
  })

  it('rejects malformed stored hashes instead of throwing', async () => {
    expect(await hasher.verifyPassword('$scrypt$ln=99,r=8,p=1$AAAA$AAAA', 'x')).toBe(false)
    expect(await hasher.verifyPassword('', 'x')).toBe(false)
  })
})
