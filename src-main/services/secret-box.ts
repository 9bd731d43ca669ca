import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomFillSync } from 'node:crypto'
import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs'
import { dirname } from 'node:path'
import type { KeyStore } from './os-keyring.ts'
import { KeysteadError } from './errors.ts'
import { writeSecretFileSync } from './secret-file.ts'

/**
 * Encrypts secrets that must be read back later (TOTP secrets, the API key copy).
 * Format: version byte 1 | 12-byte IV | 16-byte GCM tag | ciphertext.
 */
export interface SecretBox {
  /** Where the key lives: the OS keyring or an owner-only key file. */
  readonly kind: 'os-keyring' | 'key-file'
  seal(plaintext: string): Buffer
  open(sealed: Buffer): string
  /** A copy of the 256-bit data key, for the encrypted backup only (it re-seals on another computer). */
  exportDataKey(): Buffer
  /**
   * A separate 256-bit key for one purpose (HKDF-SHA-256 over the data key, `purpose` as info),
   * e.g. the security log's MAC key: the data key itself never serves two uses.
   */
  deriveKey(purpose: string): Buffer
}

const VERSION = 1
const IV_BYTES = 12

/**
 * GCM nonces: 96 random bits each, taken from a pool the CSPRNG fills 4 KiB at a time (one call into
 * it per 341 nonces instead of one each: a restore re-seals every secret of the store in a loop).
 * Each nonce is handed out once; the pool is refilled when it runs out.
 */
const noncePool = Buffer.alloc(IV_BYTES * 341)
let nonceOffset = noncePool.length
function takeNonce(): Buffer {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool)
    nonceOffset = 0
  }
  const nonce = noncePool.subarray(nonceOffset, nonceOffset + IV_BYTES)
  nonceOffset += IV_BYTES
  return nonce
}

export function createAesGcmSecretBox(key: Buffer, kind: SecretBox['kind']): SecretBox {
  if (key.length !== 32) throw new Error('The secret box needs a 256-bit key')
  return {
    kind,
    seal(plaintext) {
      const iv = takeNonce()
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body])
    },
    open(sealed) {
      if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('Sealed secret has an unknown format')
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13))
      decipher.setAuthTag(sealed.subarray(13, 29))
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8')
    },
    exportDataKey: () => Buffer.from(key),
    deriveKey(purpose) {
      return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `keystead:${purpose}`, 32))
    },
  }
}

const KEY_BYTES = 32

/**
 * The key file as it is: never through a symbolic link (O_NOFOLLOW), only a regular file of ours.
 * Null when there is none.
 */
function readKeyFile(path: string): Buffer | null {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'ELOOP') throw new Error(`The key file ${path} is a symbolic link; Keystead reads its key only from a file of its own`)
    throw error
  }
  try {
    const stats = fstatSync(fd)
    const uid = typeof process.getuid === 'function' ? process.getuid() : null
    if (!stats.isFile()) throw new Error(`The key file ${path} is not a regular file`)
    if (uid !== null && stats.uid !== uid) throw new Error(`The key file ${path} belongs to another user; Keystead does not use it`)
    const key = Buffer.alloc(KEY_BYTES + 1)
    let length = 0
    for (let read = -1; read !== 0 && length < key.length; length += read) read = readSync(fd, key, length, key.length - length, null)
    if (length !== KEY_BYTES) throw new Error(`The key file ${path} is damaged (expected ${KEY_BYTES} bytes)`)
    return key.subarray(0, KEY_BYTES)
  } finally {
    closeSync(fd)
  }
}

/**
 * Reads the 256-bit key from an owner-only file, creating it on first use through the one secret-file
 * writer (0600, a temporary file fsynced and linked into place: a crash never leaves a short key file,
 * and of two processes creating it at once, the second reads the first one's key).
 */
export function loadOrCreateKeyFile(path: string): Buffer {
  const existing = readKeyFile(path)
  if (existing) return existing
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const key = randomBytes(KEY_BYTES)
  try {
    writeSecretFileSync(path, key)
  } catch (error) {
    const winner = error instanceof KeysteadError && error.reason === 'secretFile.exists' ? readKeyFile(path) : null
    if (!winner) throw error
    key.fill(0)
    return winner
  }
  return key
}

export function createKeyFileSecretBox(path: string): SecretBox {
  return createAesGcmSecretBox(loadOrCreateKeyFile(path), 'key-file')
}

/**
 * The secret box both faces (the Electron app and the plain-Node command line) open on the same
 * data folder. The 256-bit data key lives in the OS keyring when one answers, else in the
 * owner-only key file. A key found in either place keeps being used there, so the app and the
 * CLI always agree; a new install prefers the keyring.
 */
export function createDataKeySecretBox(keyFilePath: string, keyStore: KeyStore | null): SecretBox {
  if (keyStore) {
    try {
      const stored = keyStore.readKey()
      if (stored) return createAesGcmSecretBox(Buffer.from(stored, 'base64'), 'os-keyring')
      if (!existsSync(keyFilePath)) {
        const key = randomBytes(32)
        keyStore.writeKey(key.toString('base64'))
        // Read it back: a keyring that accepts writes but forgets them must not lose the key.
        if (keyStore.readKey() === key.toString('base64')) return createAesGcmSecretBox(key, 'os-keyring')
      }
    } catch {
      // The keyring refused (locked, no daemon): fall back to the key file below.
    }
  }
  return createKeyFileSecretBox(keyFilePath)
}
