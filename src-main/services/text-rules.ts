import { validationError } from './errors.ts'

/**
 * Invisible format characters (Unicode category Cf): the bidirectional overrides and isolates
 * (U+202A-202E, U+2066-2069) that make shown text read differently from what is stored, zero-width
 * characters (U+200B-200D, U+FEFF), the soft hyphen and the like. No free-text field accepts them.
 */
const FORMAT_CHARACTER = /\p{Cf}/u

export function hasFormatCharacters(value: string): boolean {
  return FORMAT_CHARACTER.test(value)
}

/**
 * The one rule for every free-text field (full name, description, token and SSH key titles, SSH key
 * comments, ...): refused with a clear message, never stripped silently. Returns the value.
 */
export function refuseFormatCharacters(value: string, field: string): string {
  if (hasFormatCharacters(value)) {
    const at = value.search(FORMAT_CHARACTER)
    const code = value.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0')
    throw validationError(
      field,
      'text.formatCharacter',
      `This text contains an invisible formatting character (U+${code}, such as a direction override or a zero-width space). Remove it and try again.`,
      { codePoint: `U+${code}` },
    )
  }
  return value
}
