import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generate } from 'otplib'
import QRCode from 'qrcode'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createTOTPKeyURI,
  createTOTPKeyURIWithOtplib,
  formatTOTPSecret,
  generateTOTP,
  generateTOTPSecret,
  verifyTOTP,
} from '../../src-main/services/totp.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

// RFC 6238 / RFC 4226 test key: ASCII "12345678901234567890" (20 bytes), in base32.
const RFC_SECRET_ASCII = '12345678901234567890'
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

describe('RFC vectors', () => {
  it('RFC 4226 Appendix D: HOTP values for counters 0..9', async () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
    const key = new TextEncoder().encode(RFC_SECRET_ASCII)
    const actual = await Promise.all(expected.map((_, counter) => generate({ strategy: 'hotp', secret: key, counter, digits: 6, algorithm: 'sha1' })))
    expect(actual).toEqual(expected)
  })

  // RFC 6238 Appendix B, SHA-1 rows (8 digits); SHA-256/512 rows use their own longer keys.
  const appendixB: Array<[number, string, 'sha1' | 'sha256' | 'sha512']> = [
    [59, '94287082', 'sha1'],
    [1111111109, '07081804', 'sha1'],
    [1111111111, '14050471', 'sha1'],
    [1234567890, '89005924', 'sha1'],
    [2000000000, '69279037', 'sha1'],
    [20000000000, '65353130', 'sha1'],
    [59, '46119246', 'sha256'],
    [1111111109, '68084774', 'sha256'],
    [20000000000, '77737706', 'sha256'],
    [59, '90693936', 'sha512'],
    [1111111109, '25091201', 'sha512'],
    [20000000000, '47863826', 'sha512'],
  ]
  const keys = {
    sha1: RFC_SECRET_ASCII,
    sha256: '12345678901234567890123456789012',
    sha512: '1234567890123456789012345678901234567890123456789012345678901234',
  }
  it.each(appendixB)('RFC 6238 Appendix B: T=%i -> %s (%s)', async (epoch, code, algorithm) => {
    const secret = new TextEncoder().encode(keys[algorithm])
    expect(await generate({ secret, epoch, digits: 8, algorithm, period: 30 })).toBe(code)
  })

  it('our 6-digit generator and verifier agree with the SHA-1 rows (last six digits)', async () => {
    for (const [epoch, code, algorithm] of appendixB.filter((row) => row[2] === 'sha1')) {
      expect(await generateTOTP(RFC_SECRET, epoch)).toBe(code.slice(2))
      expect(await verifyTOTP(RFC_SECRET, code.slice(2), epoch)).toMatchObject({ valid: true, timeStep: Math.floor(epoch / 30) })
      void algorithm
    }
  })
})

describe('verifyTOTP', () => {
  it('accepts one 30-second step either side, not two', async () => {
    const now = 1_795_000_000
    const secret = generateTOTPSecret()
    expect((await verifyTOTP(secret, await generateTOTP(secret, now - 30), now)).valid).toBe(true)
    expect((await verifyTOTP(secret, await generateTOTP(secret, now + 30), now)).valid).toBe(true)
    expect((await verifyTOTP(secret, await generateTOTP(secret, now - 60), now)).valid).toBe(false)
    expect((await verifyTOTP(secret, await generateTOTP(secret, now + 60), now)).valid).toBe(false)
  })

  it('refuses steps at or before the last accepted one, and malformed codes', async () => {
    const now = 1_795_000_000
    const secret = generateTOTPSecret()
    const code = await generateTOTP(secret, now)
    const step = Math.floor(now / 30)
    expect(await verifyTOTP(secret, code, now, step)).toEqual({ valid: false })
    expect(await verifyTOTP(secret, code, now, step - 1)).toEqual({ valid: true, timeStep: step })
    expect(await verifyTOTP(secret, code, now, step + 5)).toEqual({ valid: false })
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 12345', '12 456']) expect(await verifyTOTP(secret, bad, now)).toEqual({ valid: false })
  })

  it('accepts codes computed by oathtool', async () => {
    const secret = generateTOTPSecret()
    for (const epoch of [1_795_000_000, 1_800_000_015, 2_000_000_000]) {
      const code = execFileSync('oathtool', ['--totp', '-b', '-N', `@${epoch}`, secret], { encoding: 'utf8' }).trim()
      expect(code).toMatch(/^[0-9]{6}$/)
      expect(await verifyTOTP(secret, code, epoch)).toEqual({ valid: true, timeStep: Math.floor(epoch / 30) })
    }
  })
})

describe('secret and key URI', () => {
  let dir: ReturnType<typeof makeTempDir>
  beforeEach(() => {
    dir = makeTempDir()
  })
  afterEach(() => dir.remove())

  it('makes a fresh 160-bit base32 secret every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateTOTPSecret()))
    expect(secrets.size).toBe(50)
    for (const secret of secrets) expect(secret).toMatch(/^[A-Z2-7]{32}$/) // 32 x 5 bits = 160 bits
  })

  it('builds the otpauth URI with issuer, label and parameters', () => {
    expect(createTOTPKeyURI('alice', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe(
      'otpauth://totp/Keystead:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Keystead&algorithm=SHA1&digits=6&period=30',
    )
    const ours = new URL(createTOTPKeyURI('bob', RFC_SECRET))
    const theirs = new URL(createTOTPKeyURIWithOtplib('bob', RFC_SECRET))
    expect(ours.pathname).toBe(theirs.pathname)
    for (const key of ['secret', 'issuer']) expect(ours.searchParams.get(key)).toBe(theirs.searchParams.get(key))
    expect(formatTOTPSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')
  })

  it('the QR code PNG decodes with zbarimg to exactly the URI', async () => {
    const uri = createTOTPKeyURI('alice', generateTOTPSecret())
    const file = join(dir.path, 'qr.png')
    await import('node:fs/promises').then(async (fs) => fs.writeFile(file, await QRCode.toBuffer(uri, { type: 'png' })))
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
    const decoded = execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    expect(decoded).toBe(`${uri}\n`)
  })

  it('the data URL shown on screen holds the same PNG', async () => {
    const uri = createTOTPKeyURI('alice', generateTOTPSecret())
    const dataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 })
    expect(dataUrl).toMatch(/^data:image\/png;base64,/)
    const file = join(dir.path, 'qr2.png')
    await import('node:fs/promises').then((fs) => fs.writeFile(file, Buffer.from(dataUrl.split(',')[1]!, 'base64')))
    expect(execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toBe(`${uri}\n`)
  })
})
