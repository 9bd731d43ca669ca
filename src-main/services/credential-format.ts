import { hash, randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'

/**
 * The shape of Keystead's two long-lived credentials, after GitHub's token format:
 *
 *   ksk_ | kst_   +   36 base62 characters from the CSPRNG (~214 bits)   +   6 base62 characters of CRC32
 *
 * The prefix tells people and secret scanners what leaked; the checksum (CRC32 of the random part,
 * base62, zero-padded) lets a typo be refused before any database lookup. Only the SHA-256 of the
 * whole string is stored for verification.
 */
export const CredentialKind = Object.freeze({ ApiKey: 'api-key', Token: 'token' } as const)
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind]

export const CREDENTIAL_PREFIX: Readonly<Record<CredentialKind, string>> = Object.freeze({ 'api-key': 'ksk_', token: 'kst_' })
export const RANDOM_LENGTH = 36
export const CHECKSUM_LENGTH = 6
export const PREFIX_LENGTH = 4
export const CREDENTIAL_LENGTH = PREFIX_LENGTH + RANDOM_LENGTH + CHECKSUM_LENGTH
/** How many random characters the token list shows after the prefix ("kst_Ab3dE9xQ"). */
export const DISPLAY_RANDOM_LENGTH = 8

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const BASE62_BODY = /^[0-9A-Za-z]+$/

/** `length` base62 characters, each uniform: bytes >= 248 (= 4 * 62) are rejected, not folded. */
export function generateRandomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length + 8)) {
      if (byte >= 248) continue
      out += BASE62[byte % 62]
      if (out.length === length) break
    }
  }
  return out
}

export function encodeBase62(value: number, width: number): string {
  let rest = value
  let out = ''
  do {
    out = BASE62[rest % 62] + out
    rest = Math.floor(rest / 62)
  } while (rest > 0)
  return out.padStart(width, '0')
}

/** CRC32 of the random part, base62, 6 characters. */
export function computeChecksum(randomPart: string): string {
  return encodeBase62(crc32(randomPart), CHECKSUM_LENGTH)
}

export function generateCredential(kind: CredentialKind): string {
  const random = generateRandomBase62(RANDOM_LENGTH)
  return `${CREDENTIAL_PREFIX[kind]}${random}${computeChecksum(random)}`
}

/** SHA-256 of the whole credential, prefix included. This is all the database keeps for verification. */
export function hashCredential(credential: string): Buffer {
  // The one-shot hash (Node >= 21.7) costs about half of createHash().update().digest() on the API's hot path.
  return hash('sha256', credential, 'buffer')
}

/**
 * The same SHA-256 in base64 (`Buffer.from(key, 'base64')` gives hashCredential's bytes back): a
 * key for remembering verified credentials. About a third of the cost of hashCredential(...).toString('base64').
 */
export function hashCredentialToBase64(credential: string): string {
  return hash('sha256', credential, 'base64')
}

export type MalformedReason = 'empty' | 'wrong-length' | 'wrong-prefix' | 'bad-characters' | 'bad-checksum'

export type ParsedCredential = { ok: true; kind: CredentialKind } | { ok: false; reason: MalformedReason }

/** Checks a credential's form (no lookup): prefix, length, alphabet and checksum. */
export function parseCredential(value: unknown): ParsedCredential {
  if (typeof value !== 'string' || value.length === 0) return { ok: false, reason: 'empty' }
  const prefix = value.slice(0, PREFIX_LENGTH)
  const kind = (Object.keys(CREDENTIAL_PREFIX) as CredentialKind[]).find((k) => CREDENTIAL_PREFIX[k] === prefix)
  if (!kind) return { ok: false, reason: 'wrong-prefix' }
  if (value.length !== CREDENTIAL_LENGTH) return { ok: false, reason: 'wrong-length' }
  const body = value.slice(PREFIX_LENGTH)
  if (!BASE62_BODY.test(body)) return { ok: false, reason: 'bad-characters' }
  const random = body.slice(0, RANDOM_LENGTH)
  if (computeChecksum(random) !== body.slice(RANDOM_LENGTH)) return { ok: false, reason: 'bad-checksum' }
  return { ok: true, kind }
}

/** The part of an access token the list may show: the prefix and the first 8 random characters. */
export function toDisplayPrefix(credential: string): string {
  return credential.slice(0, PREFIX_LENGTH + DISPLAY_RANDOM_LENGTH)
}

/** The last four characters (all checksum), for showing the API key obfuscated. */
export function toLastFour(credential: string): string {
  return credential.slice(-4)
}

export function maskApiKey(lastFour: string): string {
  return `${CREDENTIAL_PREFIX['api-key']}${'•'.repeat(16)}${lastFour}`
}
