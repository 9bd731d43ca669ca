import { createHash, createPublicKey } from 'node:crypto'
import { validationError } from './errors.ts'
import { fingerprintSHA256 } from './ssh/key-line.ts'

export { fingerprintSHA256, formatAuthorizedKeyLine } from './ssh/key-line.ts'
import type { KeysteadError } from './errors.ts'

/**
 * A parser for OpenSSH public key lines (`[options] type base64 [comment]`, as in
 * authorized_keys) and the wire format of the key blob (RFC 4253 section 6.6,
 * RFC 5656 section 3.1, RFC 8709, OpenSSH PROTOCOL.u2f).
 *
 * Written here because no maintained npm library parses every type we accept:
 * sshpk and ssh2 do not know the security-key (sk-*) types.
 *
 * Every refusal is a KeysteadError on the field `publicKey` with an i18n reason
 * `sshKeys.<reason>`. No refusal ever carries the input text.
 */

export const SSHKeyType = Object.freeze({
  Ed25519: 'ssh-ed25519',
  EcdsaP256: 'ecdsa-sha2-nistp256',
  EcdsaP384: 'ecdsa-sha2-nistp384',
  EcdsaP521: 'ecdsa-sha2-nistp521',
  SkEd25519: 'sk-ssh-ed25519@openssh.com',
  SkEcdsaP256: 'sk-ecdsa-sha2-nistp256@openssh.com',
  RSA: 'ssh-rsa',
} as const)
export type SSHKeyType = (typeof SSHKeyType)[keyof typeof SSHKeyType]

const ACCEPTED_TYPES: ReadonlySet<string> = new Set(Object.values(SSHKeyType))
export const RSA_MIN_BITS = 2048
/** OpenSSH refuses larger moduli (SSH_RSA_MAXIMUM_MODULUS_SIZE). */
export const RSA_MAX_BITS = 16384
const FIELD = 'publicKey'

/** Curves of the ECDSA types: the name inside the blob, the point length (uncompressed), bits, JWK curve. */
const CURVES = {
  nistp256: { pointLength: 65, bits: 256, jwk: 'P-256' },
  nistp384: { pointLength: 97, bits: 384, jwk: 'P-384' },
  nistp521: { pointLength: 133, bits: 521, jwk: 'P-521' },
} as const
type CurveName = keyof typeof CURVES

/** Option names sshd accepts in authorized_keys (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"); value = takes "...". */
const KNOWN_OPTIONS: Readonly<Record<string, boolean>> = Object.freeze({
  'agent-forwarding': false,
  'cert-authority': false,
  command: true,
  environment: true,
  'expiry-time': true,
  from: true,
  'no-agent-forwarding': false,
  'no-port-forwarding': false,
  'no-pty': false,
  'no-user-rc': false,
  'no-x11-forwarding': false,
  permitlisten: true,
  permitopen: true,
  'port-forwarding': false,
  principals: true,
  pty: false,
  'no-touch-required': false,
  'verify-required': false,
  restrict: false,
  tunnel: true,
  'user-rc': false,
  'x11-forwarding': false,
})

export interface ParsedSSHPublicKey {
  type: SSHKeyType
  /** The wire-format key blob (what the fingerprint is taken of). */
  blob: Buffer
  bits: number
  comment: string
  /** authorized_keys options as written (validated), or ''. */
  options: string
  fingerprintSHA256: string
  fingerprintMD5: string
}

function refuse(reason: string, message: string, params?: Record<string, string | number>): KeysteadError {
  return validationError(FIELD, `sshKeys.${reason}`, message, params)
}

const PRIVATE_KEY_MARKERS: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/i, // OpenSSH, PEM (RSA, EC, DSA), PKCS#8, encrypted, PGP
  /----\s*BEGIN SSH2 ENCRYPTED PRIVATE KEY\s*----/i, // ssh.com / Tectia
  /PuTTY-User-Key-File-\d/i, // PuTTY .ppk
  /b3BlbnNzaC1rZXktdjE/, // base64 of "openssh-key-v1": an OpenSSH private key body without its header
]

/** True when the text holds a private key (pasted by mistake instead of the .pub file). */
export function looksLikePrivateKey(text: string): boolean {
  return PRIVATE_KEY_MARKERS.some((marker) => marker.test(text))
}


export function fingerprintMD5(blob: Buffer): string {
  const hex = createHash('md5').update(blob).digest('hex')
  return 'MD5:' + hex.match(/../g)!.join(':')
}

/** Reads RFC 4251 `string`s and `mpint`s from a blob; running past the end is a truncated blob. */
class WireReader {
  #offset = 0
  private readonly buffer: Buffer
  constructor(buffer: Buffer) {
    this.buffer = buffer
  }

  readString(): Buffer {
    if (this.#offset + 4 > this.buffer.length) throw refuse('truncated', 'The key data is cut short (truncated). Copy the whole line of the .pub file.')
    const length = this.buffer.readUInt32BE(this.#offset)
    this.#offset += 4
    if (length > this.buffer.length - this.#offset) {
      throw refuse('truncated', 'The key data is cut short (truncated). Copy the whole line of the .pub file.')
    }
    const value = this.buffer.subarray(this.#offset, this.#offset + length)
    this.#offset += length
    return value
  }

  readText(): string {
    return this.readString().toString('latin1')
  }

  /** A non-negative mpint; returns its magnitude without leading zero bytes. */
  readPositiveMpint(what: string): Buffer {
    const raw = this.readString()
    if (raw.length > 0 && (raw[0]! & 0x80) !== 0) throw refuse('malformed', `The key's ${what} is negative, so the key data is damaged.`)
    if (raw.length > 1 && raw[0] === 0 && (raw[1]! & 0x80) === 0) throw refuse('malformed', `The key's ${what} is not in its canonical form, so the key data is damaged.`)
    let start = 0
    while (start < raw.length && raw[start] === 0) start++
    return raw.subarray(start)
  }

  assertEnd(): void {
    if (this.#offset !== this.buffer.length) {
      throw refuse('trailingBytes', 'The key data has extra bytes after the key. Copy the line of the .pub file exactly as it is.')
    }
  }
}

function bitLength(magnitude: Buffer): number {
  if (magnitude.length === 0) return 0
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!))
}

function dsaRefusal(): KeysteadError {
  return refuse('dsaUnsupported', 'DSA keys (ssh-dss) are not accepted: OpenSSH no longer supports them. Create an Ed25519 key instead (ssh-keygen -t ed25519).')
}

function unknownTypeRefusal(type: string): KeysteadError {
  const shown = type.length > 60 ? `${type.slice(0, 60)}…` : type
  return refuse('unknownType', `"${shown}" is not a key type Keystead accepts. Use ssh-ed25519, ecdsa-sha2-nistp256/384/521, their security-key (sk-) forms, or ssh-rsa.`, { type: shown })
}

function notAKeyRefusal(): KeysteadError {
  return refuse('notAKey', 'This does not look like an SSH public key. Paste the one line of your .pub file, which starts with its type (for example ssh-ed25519).')
}

function checkEcPoint(point: Buffer, curve: CurveName): void {
  const spec = CURVES[curve]
  if (point.length !== spec.pointLength || point[0] !== 0x04) {
    throw refuse('badPoint', `The key's point does not fit the ${curve} curve, so the key data is damaged.`, { curve })
  }
  const size = (spec.pointLength - 1) / 2
  try {
    createPublicKey({
      key: {
        kty: 'EC',
        crv: spec.jwk,
        x: point.subarray(1, 1 + size).toString('base64url'),
        y: point.subarray(1 + size).toString('base64url'),
      },
      format: 'jwk',
    })
  } catch {
    throw refuse('badPoint', `The key's point does not fit the ${curve} curve, so the key data is damaged.`, { curve })
  }
}

/** Parses the wire-format blob; `expectedType` is the type word written before it. */
export function parseKeyBlob(blob: Buffer, expectedType: string): { type: SSHKeyType; bits: number } {
  const reader = new WireReader(blob)
  const innerType = reader.readText()
  if (innerType === 'ssh-dss') throw dsaRefusal()
  if (innerType !== expectedType) {
    throw refuse('typeMismatch', `The line says "${expectedType}" but the key data inside is "${innerType.slice(0, 60)}". The line was edited or is damaged.`, {
      type: expectedType,
      inner: innerType.slice(0, 60),
    })
  }
  let bits: number
  switch (innerType) {
    case SSHKeyType.Ed25519:
    case SSHKeyType.SkEd25519: {
      const key = reader.readString()
      if (key.length !== 32) throw refuse('malformed', 'An Ed25519 key must be 32 bytes long, so the key data is damaged.')
      if (innerType === SSHKeyType.SkEd25519) reader.readText() // application, e.g. "ssh:"
      bits = 256
      break
    }
    case SSHKeyType.EcdsaP256:
    case SSHKeyType.EcdsaP384:
    case SSHKeyType.EcdsaP521:
    case SSHKeyType.SkEcdsaP256: {
      const expectedCurve = (innerType === SSHKeyType.SkEcdsaP256 ? 'nistp256' : innerType.slice('ecdsa-sha2-'.length)) as CurveName
      const curve = reader.readText()
      if (curve !== expectedCurve) {
        throw refuse('curveMismatch', `The key type needs the ${expectedCurve} curve but the key data names "${curve.slice(0, 40)}".`, {
          expected: expectedCurve,
          curve: curve.slice(0, 40),
        })
      }
      checkEcPoint(reader.readString(), expectedCurve)
      if (innerType === SSHKeyType.SkEcdsaP256) reader.readText() // application
      bits = CURVES[expectedCurve].bits
      break
    }
    case SSHKeyType.RSA: {
      const exponent = reader.readPositiveMpint('exponent')
      const modulus = reader.readPositiveMpint('modulus')
      if (exponent.length === 0 || (exponent[exponent.length - 1]! & 1) === 0) throw refuse('malformed', "The key's RSA exponent is not valid, so the key data is damaged.")
      bits = bitLength(modulus)
      if (bits < RSA_MIN_BITS) {
        throw refuse('rsaTooShort', `This RSA key has ${bits} bits; at least ${RSA_MIN_BITS} are needed. Create an Ed25519 key (ssh-keygen -t ed25519) or a longer RSA key.`, {
          bits,
          min: RSA_MIN_BITS,
        })
      }
      if (bits > RSA_MAX_BITS) {
        throw refuse('rsaTooLong', `This RSA key has ${bits} bits; OpenSSH accepts at most ${RSA_MAX_BITS}.`, { bits, max: RSA_MAX_BITS })
      }
      break
    }
    default:
      throw unknownTypeRefusal(innerType)
  }
  reader.assertEnd()
  return { type: innerType as SSHKeyType, bits }
}

/** Splits the authorized_keys options prefix (commas, quoted values with \" escapes) from the rest. */
function splitOptions(line: string): { options: string; rest: string } {
  let inQuotes = false
  let index = 0
  for (; index < line.length; index++) {
    const char = line[index]!
    if (!inQuotes && (char === ' ' || char === '\t')) break
    if (char === '\\' && inQuotes && line[index + 1] === '"') {
      index++
      continue
    }
    if (char === '"') inQuotes = !inQuotes
  }
  if (inQuotes) throw refuse('unclosedQuote', 'The options before the key have a quote that is never closed.')
  return { options: line.slice(0, index), rest: line.slice(index).trimStart() }
}

function validateOptions(options: string): void {
  const parts: string[] = []
  let current = ''
  let inQuotes = false
  for (let i = 0; i < options.length; i++) {
    const char = options[i]!
    if (char === '\\' && inQuotes && options[i + 1] === '"') {
      current += '\\"'
      i++
      continue
    }
    if (char === '"') inQuotes = !inQuotes
    if (char === ',' && !inQuotes) {
      parts.push(current)
      current = ''
      continue
    }
    current += char
  }
  parts.push(current)
  for (const part of parts) {
    const match = /^([A-Za-z0-9-]+)(?:="(.*)")?$/s.exec(part)
    const name = match?.[1]?.toLowerCase() ?? ''
    const takesValue = KNOWN_OPTIONS[name]
    if (!match || takesValue === undefined) {
      const shown = (match?.[1] ?? part).slice(0, 40)
      throw refuse('unknownOption', `"${shown}" is not an option that authorized_keys understands.`, { option: shown })
    }
    if (takesValue !== (match[2] !== undefined)) {
      throw refuse('badOptionValue', `The option "${name}" is not written correctly${takesValue ? ' (it needs a value in quotes)' : ' (it takes no value)'}.`, { option: name })
    }
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

function decodeBase64(text: string): Buffer {
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    throw refuse('badBase64', 'The key data is not valid base64. Copy the whole line of the .pub file without changes.')
  }
  const decoded = Buffer.from(text, 'base64')
  if (decoded.toString('base64') !== text) {
    throw refuse('badBase64', 'The key data is not valid base64. Copy the whole line of the .pub file without changes.')
  }
  return decoded
}

/** Removes control characters from a comment or title and squeezes it to one line. */
function cleanComment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
}

export const COMMENT_MAX_LENGTH = 1024

/**
 * Parses one OpenSSH public key (the content of a .pub file, or one authorized_keys
 * line). Blank lines and `#` comment lines around it are ignored.
 */
export function parseSSHPublicKey(text: string): ParsedSSHPublicKey {
  if (looksLikePrivateKey(text)) {
    throw refuse('privateKey', 'This is a PRIVATE key. Never share it: paste the public key instead, the line in the file that ends in .pub (for example ~/.ssh/id_ed25519.pub).')
  }
  if (/----\s*BEGIN SSH2 PUBLIC KEY\s*----/i.test(text)) {
    throw refuse('rfc4716', 'This key is in the SSH2 (RFC 4716) format. Convert it to one OpenSSH line first: ssh-keygen -i -f key.pub')
  }
  const lines = text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
  if (lines.length === 0) throw refuse('required', 'Paste a public key, or import a .pub file.')
  if (lines.length > 1) throw refuse('oneKeyOnly', 'Add one key at a time: paste a single line.')
  const line = lines[0]!

  // authorized_keys: options come first when the first word is not followed by key data ("AAAA...").
  let options = ''
  let rest = line
  const words = line.split(/[ \t]+/)
  const startsWithType = words.length >= 2 && /^AAAA/.test(words[1]!)
  const mentionsType = words.some((word) => word === 'ssh-dss' || ACCEPTED_TYPES.has(word))
  if (!startsWithType && words.length >= 3) {
    try {
      const split = splitOptions(line)
      validateOptions(split.options)
      options = split.options
      rest = split.rest
    } catch (error) {
      if (!mentionsType) throw notAKeyRefusal()
      throw error
    }
  }
  const match = /^(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(.*))?$/.exec(rest)
  const typeWord = match?.[1] ?? ''
  const data = match?.[2]
  if (typeWord === 'ssh-dss') throw dsaRefusal()
  if (!ACCEPTED_TYPES.has(typeWord)) {
    // A word shaped like a key type followed by key data: an unknown type. Anything else is not a key line.
    if (data !== undefined && /^[a-z0-9][a-z0-9.@-]*-[a-z0-9.@-]+$/i.test(typeWord) && /^AAAA/.test(data)) throw unknownTypeRefusal(typeWord)
    throw notAKeyRefusal()
  }
  if (data === undefined) throw refuse('noKeyData', 'The key data is missing after the key type. Copy the whole line of the .pub file.')
  const blob = decodeBase64(data)
  const { type, bits } = parseKeyBlob(blob, typeWord)
  const comment = cleanComment(match?.[3] ?? '').slice(0, COMMENT_MAX_LENGTH)
  return {
    type,
    blob,
    bits,
    comment,
    options,
    fingerprintSHA256: fingerprintSHA256(blob),
    fingerprintMD5: fingerprintMD5(blob),
  }
}

/** One authorized_keys line: `[options ]type base64[ comment]`. */

/** Human name of a type, as ssh-keygen shows it in brackets. */
export function describeKeyType(type: SSHKeyType): string {
  switch (type) {
    case SSHKeyType.Ed25519:
      return 'ED25519'
    case SSHKeyType.SkEd25519:
      return 'ED25519-SK'
    case SSHKeyType.SkEcdsaP256:
      return 'ECDSA-SK'
    case SSHKeyType.RSA:
      return 'RSA'
    default:
      return 'ECDSA'
  }
}
