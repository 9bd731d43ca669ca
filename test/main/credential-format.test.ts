import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  CHECKSUM_LENGTH,
  computeChecksum,
  CREDENTIAL_LENGTH,
  encodeBase62,
  generateCredential,
  generateRandomBase62,
  hashCredential,
  hashCredentialToBase64,
  maskApiKey,
  parseCredential,
  RANDOM_LENGTH,
  toDisplayPrefix,
  toLastFour,
} from '../../src-main/services/credential-format.ts'

describe('credential format', () => {
  it('generates ksk_ and kst_ credentials of 46 characters: prefix, 36 random base62, 6 checksum', () => {
    const key = generateCredential('api-key')
    const token = generateCredential('token')
    expect(key).toMatch(/^ksk_[0-9A-Za-z]{42}$/)
    expect(token).toMatch(/^kst_[0-9A-Za-z]{42}$/)
    expect(CREDENTIAL_LENGTH).toBe(46)
    // 36 base62 characters carry 36 * log2(62) bits.
    expect(RANDOM_LENGTH * Math.log2(62)).toBeGreaterThan(214)
    expect(token.slice(-CHECKSUM_LENGTH)).toBe(computeChecksum(token.slice(4, 40)))
  })

  it('never repeats and spreads its characters evenly (no modulo bias)', () => {
    const many = new Set(Array.from({ length: 2000 }, () => generateCredential('token')))
    expect(many.size).toBe(2000)
    const counts = new Map<string, number>()
    const sample = generateRandomBase62(62 * 400)
    expect(sample).toHaveLength(62 * 400)
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1)
    expect(counts.size).toBe(62)
    // Each character is expected 400 times; a biased fold (byte % 62) would give '0'..'7' ~25% more.
    for (const n of counts.values()) expect(n).toBeGreaterThan(280)
    for (const n of counts.values()) expect(n).toBeLessThan(530)
  })

  it('computes the checksum as CRC32 of the random part in base62, zero-padded to 6', () => {
    expect(encodeBase62(0, 6)).toBe('000000')
    expect(encodeBase62(61, 6)).toBe('00000z')
    expect(encodeBase62(62, 6)).toBe('000010')
    expect(encodeBase62(0xffffffff, 6)).toBe('4gfFC3')
    // Known vector: CRC32("123456789") = 0xCBF43926 (the standard check value).
    expect(crc32('123456789')).toBe(0xcbf43926)
    expect(computeChecksum('123456789')).toBe(encodeBase62(0xcbf43926, 6))
  })

  it('hashes the whole credential with SHA-256', () => {
    const token = generateCredential('token')
    const hash = hashCredential(token)
    expect(hash).toHaveLength(32)
    expect(hash.equals(createHash('sha256').update(token).digest())).toBe(true)
    expect(hashCredential('ksk_' + token.slice(4)).equals(hash)).toBe(false)
    // The cache key form: the same digest in base64.
    expect(hashCredentialToBase64(token)).toBe(createHash('sha256').update(token).digest('base64'))
    expect(Buffer.from(hashCredentialToBase64(token), 'base64').equals(hash)).toBe(true)
  })

  it('accepts well-formed credentials and names their kind', () => {
    expect(parseCredential(generateCredential('api-key'))).toEqual({ ok: true, kind: 'api-key' })
    expect(parseCredential(generateCredential('token'))).toEqual({ ok: true, kind: 'token' })
  })

  it.each([
    ['empty', '', 'empty'],
    ['not a string', 42, 'empty'],
    ['a wrong prefix', () => 'ghp_' + generateCredential('token').slice(4), 'wrong-prefix'],
    ['an upper-case prefix', () => 'KST_' + generateCredential('token').slice(4), 'wrong-prefix'],
    ['one character short', () => generateCredential('token').slice(0, -1), 'wrong-length'],
    ['one character too many', () => generateCredential('token') + 'a', 'wrong-length'],
    ['a space inside', () => { const t = generateCredential('token'); return t.slice(0, 10) + ' ' + t.slice(11) }, 'bad-characters'],
    ['a typo in the random part', () => { const t = generateCredential('token'); return t.slice(0, 10) + (t[10] === 'a' ? 'b' : 'a') + t.slice(11) }, 'bad-checksum'],
    ['a typo in the checksum', () => { const t = generateCredential('api-key'); return t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a') }, 'bad-checksum'],
  ])('refuses %s', (_label, make, reason) => {
    const value = typeof make === 'function' ? make() : make
    expect(parseCredential(value)).toEqual({ ok: false, reason })
  })

  it('shows only the prefix and 8 random characters of a token, and the last four of a key', () => {
    const token = generateCredential('token')
    expect(toDisplayPrefix(token)).toBe(token.slice(0, 12))
    const key = generateCredential('api-key')
    expect(maskApiKey(toLastFour(key))).toBe(`ksk_${'•'.repeat(16)}${key.slice(-4)}`)
  })
})
