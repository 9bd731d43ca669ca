import { validationError } from './errors.ts'
import { refuseFormatCharacters } from './text-rules.ts'

/**
 * The rules for account fields. They run in the main process (and the CLI and the
 * API) whatever the form already checked. Each returns the cleaned value or throws
 * a KeysteadError with a field and an i18n reason.
 */
export const USERNAME_MIN_LENGTH = 3
export const USERNAME_MAX_LENGTH = 32
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 256
export const FULL_NAME_MAX_LENGTH = 100
export const EMAIL_MAX_LENGTH = 254
export const DESCRIPTION_MAX_LENGTH = 500

export function validateUsername(value: string, field = 'username'): string {
  if (value.length === 0) throw validationError(field, 'username.required', 'Enter a username.')
  if (/\s/.test(value)) throw validationError(field, 'username.noSpaces', 'A username cannot contain spaces or tabs.')
  if (!/^[\x21-\x7e]*$/.test(value)) {
    throw validationError(field, 'username.englishOnly', 'A username may use only English letters (a-z, A-Z) and digits.')
  }
  if (!/^[A-Za-z0-9]*$/.test(value)) {
    throw validationError(field, 'username.noPunctuation', 'A username cannot contain punctuation or symbols.')
  }
  if (/^[0-9]/.test(value)) throw validationError(field, 'username.noLeadingDigit', 'A username cannot begin with a digit.')
  if (value.length < USERNAME_MIN_LENGTH) {
    throw validationError(field, 'username.tooShort', `A username needs at least ${USERNAME_MIN_LENGTH} characters.`, { min: USERNAME_MIN_LENGTH })
  }
  if (value.length > USERNAME_MAX_LENGTH) {
    throw validationError(field, 'username.tooLong', `A username can have at most ${USERNAME_MAX_LENGTH} characters.`, { max: USERNAME_MAX_LENGTH })
  }
  return value
}

/**
 * Whether `value` passes the username rules as typed. Every place a username arrives (sign-in, the
 * CLI, the API path `/users/{name}.keys`, IPC) checks this BEFORE folding case: "\u212Aate" (Kelvin
 * sign) lower-cases to "kate" but is no username.
 */
export function isWellFormedUsername(value: string): boolean {
  try {
    validateUsername(value)
    return true
  } catch {
    return false
  }
}

/** The key that makes usernames unique regardless of case ("Alice" and "alice" clash). */
export function toUsernameKey(username: string): string {
  return username.toLowerCase()
}

export function validatePasswordRules(value: string, field = 'password'): string {
  if (value.length < PASSWORD_MIN_LENGTH) {
    throw validationError(field, 'password.tooShort', `A password needs at least ${PASSWORD_MIN_LENGTH} characters.`, { min: PASSWORD_MIN_LENGTH })
  }
  if (value.length > PASSWORD_MAX_LENGTH) {
    throw validationError(field, 'password.tooLong', `A password can have at most ${PASSWORD_MAX_LENGTH} characters.`, { max: PASSWORD_MAX_LENGTH })
  }
  if (!/\p{L}/u.test(value)) throw validationError(field, 'password.needsLetter', 'A password needs at least one letter.')
  if (!/\p{Nd}/u.test(value)) throw validationError(field, 'password.needsDigit', 'A password needs at least one digit.')
  return value
}

export function validateFullName(value: string, field = 'fullName'): string {
  const trimmed = value.trim()
  if (trimmed.length > FULL_NAME_MAX_LENGTH) {
    throw validationError(field, 'fullName.tooLong', `A full name can have at most ${FULL_NAME_MAX_LENGTH} characters.`, { max: FULL_NAME_MAX_LENGTH })
  }
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw validationError(field, 'fullName.invalid', 'A full name cannot contain control characters.')
  return refuseFormatCharacters(trimmed, field)
}

// A pragmatic address check: one @, a dotted domain, no spaces; the form's own type=email is looser.
const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/

/** Returns null for an empty address (e-mail is optional). */
export function validateEmail(value: string, field = 'email'): string | null {
  const trimmed = value.trim()
  if (trimmed.length === 0) return null
  if (trimmed.length > EMAIL_MAX_LENGTH) {
    throw validationError(field, 'email.tooLong', `An e-mail address can have at most ${EMAIL_MAX_LENGTH} characters.`, { max: EMAIL_MAX_LENGTH })
  }
  const local = trimmed.split('@')[0] ?? ''
  if (!EMAIL_PATTERN.test(trimmed) || local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    throw validationError(field, 'email.invalid', 'Enter a valid e-mail address, like name@example.com.')
  }
  return trimmed
}

export function toEmailKey(email: string): string {
  return email.toLowerCase()
}

/** Plain text shown on the profile page (never as HTML). Line breaks and tabs are allowed. */
export function validateDescription(value: string, field = 'description'): string {
  const trimmed = value.trim()
  if ([...trimmed].length > DESCRIPTION_MAX_LENGTH) {
    throw validationError(field, 'description.tooLong', `A description can have at most ${DESCRIPTION_MAX_LENGTH} characters.`, { max: DESCRIPTION_MAX_LENGTH })
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(trimmed)) {
    throw validationError(field, 'description.invalid', 'A description cannot contain control characters.')
  }
  return refuseFormatCharacters(trimmed, field)
}

/** The interface languages; the renderer's SUPPORTED_LOCALES must list the same (a test checks it). */
export const SUPPORTED_LANGUAGES = ['en', 'tr', 'de'] as const
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number]

export function validateLanguage(value: string, field = 'language'): SupportedLanguage {
  if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(value)) {
    throw validationError(field, 'language.unsupported', 'Choose one of the offered languages.')
  }
  return value as SupportedLanguage
}

let timezoneList: readonly string[] | null = null

/** Every IANA time zone this runtime knows (Intl.supportedValuesOf), plus UTC. Sorted. */
export function listTimezones(): readonly string[] {
  if (!timezoneList) {
    const zones = new Set(Intl.supportedValuesOf('timeZone'))
    zones.add('UTC')
    timezoneList = Object.freeze([...zones].sort())
  }
  return timezoneList
}

/** A zone from listTimezones(); `current` (the stored value, possibly an older alias) stays allowed. */
export function validateTimezone(value: string, current: string | null = null, field = 'timezone'): string {
  if (value === current || listTimezones().includes(value)) return value
  throw validationError(field, 'timezone.invalid', 'Choose a time zone from the list.')
}
