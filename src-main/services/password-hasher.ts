import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * scrypt from node:crypto: the one memory-hard KDF that both Electron's Node
 * (BoringSSL) and plain Node (CLI, tests) can compute. The parameters travel with
 * every hash: `$scrypt$ln=17,r=8,p=1$<salt b64>$<hash b64>`.
 */
export interface ScryptParams {
  /** log2 of N. 17 (N = 131072) is the OWASP minimum and our default. */
  costLog2: number
  blockSize: number
  parallelization: number
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ costLog2: 17, blockSize: 8, parallelization: 1 })

/** Only for tests: a cheap cost so suites that create many accounts stay fast. Never a default. */
export const TEST_ONLY_SCRYPT_PARAMS: ScryptParams = Object.freeze({ costLog2: 10, blockSize: 8, parallelization: 1 })

const KEY_LENGTH = 32
const SALT_LENGTH = 16

export interface PasswordHasher {
  readonly params: ScryptParams
  hashPassword(password: string): Promise<string>
  verifyPassword(hash: string, password: string): Promise<boolean>
  /** True when the stored hash uses weaker parameters than the current ones. */
  needsRehash(hash: string): boolean
  /** Spends the same time as a real verification, for unknown usernames. */
  verifyDummy(password: string): Promise<void>
}

interface ParsedHash {
  params: ScryptParams
  salt: Buffer
  hash: Buffer
}

function deriveKey(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  const N = 2 ** params.costLog2
  const maxmem = 256 * N * params.blockSize + 1024 * 1024
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { N, r: params.blockSize, p: params.parallelization, maxmem }, (error, key) => {
      if (error) reject(error)
      else resolve(key)
    })
  })
}

export function formatPasswordHash(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `$scrypt$ln=${params.costLog2},r=${params.blockSize},p=${params.parallelization}$${salt.toString('base64')}$${hash.toString('base64')}`
}

export function parsePasswordHash(value: string): ParsedHash | null {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(value)
  if (!match) return null
  const params = { costLog2: Number(match[1]), blockSize: Number(match[2]), parallelization: Number(match[3]) }
  if (params.costLog2 < 1 || params.costLog2 > 24 || params.blockSize < 1 || params.parallelization < 1) return null
  return { params, salt: Buffer.from(match[4]!, 'base64'), hash: Buffer.from(match[5]!, 'base64') }
}

export function createPasswordHasher(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): PasswordHasher {
  let dummyHash: Promise<string> | null = null
  async function hashPassword(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH)
    const hash = await deriveKey(password, salt, params, KEY_LENGTH)
    return formatPasswordHash(params, salt, hash)
  }
  async function verifyPassword(stored: string, password: string): Promise<boolean> {
    const parsed = parsePasswordHash(stored)
    if (!parsed || parsed.hash.length === 0) return false
    const candidate = await deriveKey(password, parsed.salt, parsed.params, parsed.hash.length)
    return timingSafeEqual(candidate, parsed.hash)
  }
  return {
    params,
    hashPassword,
    verifyPassword,
    needsRehash(stored) {
      const parsed = parsePasswordHash(stored)
      if (!parsed) return true
      return (
        parsed.params.costLog2 < params.costLog2 ||
        parsed.params.blockSize < params.blockSize ||
        parsed.params.parallelization < params.parallelization
      )
    },
    async verifyDummy(password) {
      dummyHash ??= hashPassword('keystead-dummy-password-0')
      await verifyPassword(await dummyHash, password)
    },
  }
}
