import { generate, generateSecret, generateURI, verify } from 'otplib'

/** RFC 6238 as authenticator apps use it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_ISSUER = 'Keystead'
export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
/** One step either side of the current one. */
export const TOTP_TOLERANCE_STEPS = 1

/** A fresh 160-bit secret from the CSPRNG, in base32. */
export function generateTOTPSecret(): string {
  return generateSecret({ length: 20 })
}

/** otpauth://totp/Keystead:alice?secret=...&issuer=Keystead&algorithm=SHA1&digits=6&period=30 */
export function createTOTPKeyURI(username: string, secret: string): string {
  const label = encodeURIComponent(username)
  const issuer = encodeURIComponent(TOTP_ISSUER)
  return `otpauth://totp/${issuer}:${label}?secret=${secret}&issuer=${issuer}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_PERIOD_SECONDS}`
}

/** The same URI through otplib's own builder (used by the tests to cross-check ours). */
export function createTOTPKeyURIWithOtplib(username: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret, algorithm: 'sha1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS })
}

/** The secret in groups of four for typing it by hand. */
export function formatTOTPSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ')
}

export function generateTOTP(secret: string, epochSeconds: number): Promise<string> {
  return generate({ secret, epoch: epochSeconds, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS, algorithm: 'sha1' })
}

export type TOTPVerification = { valid: true; timeStep: number } | { valid: false }

/**
 * Checks a code at `epochSeconds`, one step either side, skipping every step at or
 * before `afterTimeStep` (the last accepted one: a replay is never valid).
 */
export async function verifyTOTP(secret: string, code: string, epochSeconds: number, afterTimeStep = -1): Promise<TOTPVerification> {
  if (!/^[0-9]{6}$/.test(code)) return { valid: false }
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: epochSeconds,
      period: TOTP_PERIOD_SECONDS,
      digits: TOTP_DIGITS,
      algorithm: 'sha1',
      epochTolerance: TOTP_TOLERANCE_STEPS * TOTP_PERIOD_SECONDS,
      ...(afterTimeStep >= 0 ? { afterTimeStep } : {}),
    })
    return result.valid && 'timeStep' in result ? { valid: true, timeStep: result.timeStep } : { valid: false }
  } catch {
    // For example a last accepted step beyond the window (the clock went back): refuse.
    return { valid: false }
  }
}
