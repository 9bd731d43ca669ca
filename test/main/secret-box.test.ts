import { statSync } from 'node:fs'
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
