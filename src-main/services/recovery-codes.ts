import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Crockford's base32 alphabet in lower case: 32 symbols (5 bits each) without i, l, o and u.
 * On input, o is read as 0 and i/l as 1, so the look-alikes cannot be mistyped.
 */
export const RECOVERY_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
export const RECOVERY_CODE_COUNT = 10
export const RECOVERY_CODE_SYMBOLS = 10
/** 10 symbols x 5 bits. */
export const RECOVERY_CODE_BITS = RECOVERY_CODE_SYMBOLS * Math.log2(RECOVERY_CODE_ALPHABET.length)

/** A recovery code from the CSPRNG: two groups of five, e.g. `k7fq2-9xv4m`. */
export function generateRecoveryCode(): string {
  let out = ''
  for (let i = 0; i < RECOVERY_CODE_SYMBOLS; i += 1) {
    if (i === RECOVERY_CODE_SYMBOLS / 2) out += '-'
    out += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)]
  }
  return out
}

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>()
  while (codes.size < count) codes.add(generateRecoveryCode())
  return [...codes]
}

/** The canonical form of what the user typed (case, spaces, hyphens, look-alikes), or null if it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1')
  if (compact.length !== RECOVERY_CODE_SYMBOLS) return null
  for (const char of compact) if (!RECOVERY_CODE_ALPHABET.includes(char)) return null
  return compact
}

/**
 * Recovery codes are hashed with scrypt (r=8, p=1) and one salt per account, so an attempt costs one
 * hash whatever the number of codes. The cost (log2 N) is stored per account; by default it is two
 * steps below the password hasher's (2^15, 32 MiB), enough for 50-bit codes and quick for 10 at once.
 */
export const RECOVERY_CODE_COST_BELOW_PASSWORD = 2

export function generateRecoverySalt(): Buffer {
  return randomBytes(16)
}

/** Hashes a normalized code with the account's salt (async: never blocks the event loop). */
export function hashRecoveryCode(normalized: string, salt: Buffer, costLog2: number): Promise<Buffer> {
  const N = 2 ** costLog2
  const r = 8
  return new Promise((resolve, reject) => {
    scrypt(normalized, salt, 32, { N, r, p: 1, maxmem: 128 * N * r * 2 }, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

export function recoveryHashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

export function recoveryCodesFileName(username: string): string {
  return `keystead-recovery-codes-${username}.txt`
}

/** The text of the downloaded recovery-code file (also what "Copy" puts on the clipboard). */
export function formatRecoveryCodesFile(username: string, codes: readonly string[], createdAt: number): string {
  const date = new Date(createdAt).toISOString().replace('T', ' ').slice(0, 16)
  return [
    'Keystead recovery codes',
    '',
    `Account: ${username}`,
    `Created: ${date} UTC`,
    '',
    ...codes.map((code, index) => `${String(index + 1).padStart(2, ' ')}. ${code}`),
    '',
    'How to use them:',
    '- When you cannot use your authenticator app, sign in with your password, choose',
    '  "Use a recovery code" and type one of the codes above.',
    '- Each code works once. Making new codes on the Security screen ends all of these.',
    '- Keep this file private, like a password (for example in a password manager or on paper).',
    '',
  ].join('\n')
}
