import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient, Stanza } from 'age-encryption'
import type { Identity, Recipient } from 'age-encryption'

/**
 * age (https://age-encryption.org/v1) through typage, the reference TypeScript implementation.
 * Passphrases use age's scrypt recipient, but the scrypt itself runs in Node's thread pool
 * (crypto.scrypt) instead of typage's JavaScript one, so a work factor of 2^18 never blocks the
 * event loop. The stanza is byte-for-byte the one `age -p` writes and reads.
 */
export const AGE_SCRYPT_LABEL = 'age-encryption.org/v1/scrypt'
export const DEFAULT_SCRYPT_LOG_N = 18
/** age refuses more than 2^20 when decrypting; so do we (a file cannot make us spend gigabytes). */
export const MAX_SCRYPT_LOG_N = 20

function deriveScryptKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN
  const labelAndSalt = Buffer.concat([Buffer.from(AGE_SCRYPT_LABEL), salt])
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), labelAndSalt, 32, { N, r: 8, p: 1, maxmem: 128 * N * 8 + (1 << 20) }, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

function sealFileKey(key: Buffer, fileKey: Uint8Array): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 })
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()])
}

function openFileKey(key: Buffer, body: Uint8Array): Uint8Array | null {
  if (body.length !== 32) throw new Error('invalid scrypt stanza')
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 })
    decipher.setAuthTag(body.subarray(16))
    return Buffer.concat([decipher.update(body.subarray(0, 16)), decipher.final()])
  } catch {
    return null
  }
}

export function createScryptRecipient(passphrase: string, logN = DEFAULT_SCRYPT_LOG_N): Recipient {
  return {
    async wrapFileKey(fileKey) {
      const salt = randomBytes(16)
      const key = await deriveScryptKey(passphrase, salt, logN)
      return [new Stanza(['scrypt', salt.toString('base64').replace(/=+$/, ''), String(logN)], sealFileKey(key, fileKey))]
    },
  }
}

export function createScryptIdentity(passphrase: string): Identity {
  return {
    async unwrapFileKey(stanzas) {
      const stanza = stanzas.find((s) => s.args[0] === 'scrypt')
      if (!stanza) return null
      if (stanzas.length !== 1 || stanza.args.length !== 3 || !/^[1-9][0-9]*$/.test(stanza.args[2]!)) throw new Error('invalid scrypt stanza')
      const salt = Buffer.from(stanza.args[1]!, 'base64')
      const logN = Number(stanza.args[2])
      if (salt.length !== 16) throw new Error('invalid scrypt stanza')
      if (logN > MAX_SCRYPT_LOG_N) throw new Error('scrypt work factor is too high')
      return openFileKey(await deriveScryptKey(passphrase, salt, logN), stanza.body)
    },
  }
}

export type BackupProtection = { kind: 'passphrase'; passphrase: string; scryptLogN?: number } | { kind: 'recipients'; recipients: readonly string[] }
export type BackupUnlock = { kind: 'passphrase'; passphrase: string } | { kind: 'identity'; identity: string }

export function createEncrypter(protection: BackupProtection): Encrypter {
  const encrypter = new Encrypter()
  if (protection.kind === 'passphrase') encrypter.addRecipient(createScryptRecipient(protection.passphrase, protection.scryptLogN))
  else for (const recipient of protection.recipients) encrypter.addRecipient(recipient)
  return encrypter
}

export function createDecrypter(unlock: BackupUnlock): Decrypter {
  const decrypter = new Decrypter()
  if (unlock.kind === 'passphrase') decrypter.addIdentity(createScryptIdentity(unlock.passphrase))
  else decrypter.addIdentity(unlock.identity)
  return decrypter
}

/** An X25519 recipient as age writes it (age1 + 58 bech32 characters). */
export const AGE_RECIPIENT_PATTERN = /^age1[02-9ac-hj-np-z]{58}$/
export const AGE_IDENTITY_PATTERN = /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/

/** The age1 recipients of a recipients file (one a line; `#` comments and blank lines skipped); null when a line is not one. */
export function parseRecipientsFile(text: string): string[] | null {
  const recipients: string[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    if (!AGE_RECIPIENT_PATTERN.test(line)) return null
    recipients.push(line)
  }
  return recipients.length > 0 ? recipients : null
}

/** A new backup key: the secret identity (shown once) and its public recipient (kept). */
export async function generateBackupKey(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity()
  return { identity, recipient: await identityToRecipient(identity) }
}

export async function recipientOfIdentity(identity: string): Promise<string> {
  return identityToRecipient(identity)
}

/** The identity file `age-keygen` writes; `age -d -i FILE` reads it. */
export function formatIdentityFile(identity: string, recipient: string, createdAt: Date): string {
  return `# created: ${createdAt.toISOString()}\n# public key: ${recipient}\n${identity}\n`
}

/** The first AGE-SECRET-KEY-1 line of an identity file (comments and blank lines skipped). */
export function parseIdentityFile(text: string): string | null {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    return AGE_IDENTITY_PATTERN.test(line) ? line : null
  }
  return null
}

/** What the age header says protects a file: a passphrase, recipients, or not age at all. */
export function describeAgeHeader(head: Uint8Array): { kind: 'not-age' } | { kind: 'passphrase' } | { kind: 'recipients'; types: string[] } {
  const text = Buffer.from(head).toString('latin1')
  if (!text.startsWith('age-encryption.org/v1\n')) return { kind: 'not-age' }
  const types = [...text.matchAll(/^-> (\S+)/gm)].map((match) => match[1]!)
  return types.includes('scrypt') ? { kind: 'passphrase' } : { kind: 'recipients', types }
}

/** Bytes of the age header (up to and including the MAC line), or null when not found in `head`. */
export function ageHeaderLength(head: Uint8Array): number | null {
  const text = Buffer.from(head).toString('latin1')
  const mac = text.indexOf('\n--- ')
  if (mac === -1) return null
  const end = text.indexOf('\n', mac + 1)
  return end === -1 ? null : end + 1
}

/** The size of an age payload (nonce + chunks with their tags) for `plaintextBytes`. */
export function agePayloadLength(plaintextBytes: number): number {
  const chunks = Math.max(1, Math.ceil(plaintextBytes / 65536))
  return 16 + plaintextBytes + chunks * 16
}
