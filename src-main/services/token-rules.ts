import type { TokenExpiry, TokenScope } from '../../src-preload/contract/tokens.ts'
import { validationError } from './errors.ts'
import { refuseFormatCharacters } from './text-rules.ts'

/**
 * The rules for a new access token's fields, shared by the window, the CLI and the API.
 * Each returns the cleaned value or throws a KeysteadError with a field and an i18n reason.
 */
export const TOKEN_TITLE_MAX_LENGTH = 100
export const TOKEN_EXPIRY_DAYS = Object.freeze([7, 30, 90, 365] as const)
export const TOKEN_SCOPES: readonly TokenScope[] = Object.freeze(['read-only', 'read-write'])
const DAY_MS = 24 * 60 * 60 * 1000

export function validateTokenTitle(value: string, field = 'title'): string {
  const title = value.normalize('NFC').trim()
  if (title.length === 0) throw validationError(field, 'tokens.titleRequired', 'Give the token a title.')
  if ([...title].length > TOKEN_TITLE_MAX_LENGTH) {
    throw validationError(field, 'tokens.titleTooLong', `A title can have at most ${TOKEN_TITLE_MAX_LENGTH} characters.`, { max: TOKEN_TITLE_MAX_LENGTH })
  }
  if (/[\u0000-\u001f\u007f-\u009f]/.test(title)) throw validationError(field, 'tokens.titleInvalid', 'A title cannot contain control characters.')
  return refuseFormatCharacters(title, field)
}

/** Titles are unique per account regardless of case. */
export function toTitleKey(title: string): string {
  return title.toLowerCase()
}

export function validateTokenScope(value: string, field = 'scope'): TokenScope {
  if (!(TOKEN_SCOPES as readonly string[]).includes(value)) throw validationError(field, 'tokens.scopeInvalid', 'Choose read-only or read-write.')
  return value as TokenScope
}

/** Offset of a time zone from UTC at an instant, in milliseconds (from Intl, so DST is right). */
export function timeZoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs))
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0)
  const wallClock = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return wallClock - (epochMs - (((epochMs % 1000) + 1000) % 1000))
}

/** The instant a calendar day begins in a time zone (UTC when the zone is unknown). */
export function startOfDayIn(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day)
  try {
    const first = guess - timeZoneOffsetMs(guess, timeZone)
    return guess - timeZoneOffsetMs(first, timeZone)
  } catch {
    return guess
  }
}

/**
 * When a new token expires (epoch ms), or null for never. A date means "to the end of that day"
 * in the account's time zone; a date already over is refused.
 */
export function resolveTokenExpiry(expiry: TokenExpiry, now: number, timeZone: string, field = 'expiry'): number | null {
  switch (expiry.kind) {
    case 'never':
      return null
    case 'days':
      if (!(TOKEN_EXPIRY_DAYS as readonly number[]).includes(expiry.days)) {
        throw validationError(field, 'tokens.expiryInvalid', 'Choose 7, 30, 90 or 365 days, or a date.')
      }
      return now + expiry.days * DAY_MS
    case 'date': {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expiry.date)
      const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0]
      const check = new Date(Date.UTC(year, month - 1, day))
      if (!match || year < 1970 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
        throw validationError(field, 'tokens.expiryInvalid', 'Enter a date like 2027-01-31.')
      }
      // The last millisecond of that day there, so the list shows "31 Dec, 23:59" rather than "1 Jan, 00:00".
      const expiresAt = startOfDayIn(year, month, day + 1, timeZone) - 1
      if (expiresAt <= now) throw validationError(field, 'tokens.expiryPast', 'The expiry date is in the past. Choose today or a later day.')
      return expiresAt
    }
    default:
      throw validationError(field, 'tokens.expiryInvalid', 'Choose 7, 30, 90 or 365 days, or a date.')
  }
}
