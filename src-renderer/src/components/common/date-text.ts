import { toSupportedLocale } from '../../i18n/index.ts'
import type { SupportedLocale } from '../../i18n/index.ts'

/**
 * How a calendar day is written in each language of the app (the field shows it this way and reads it back),
 * whatever language the browser itself runs in. The placeholder letters are user text and live in the
 * messages (`common.date.format`); a test checks they follow this order and separator.
 */
export const DATE_TEXT_FORMATS = Object.freeze({
  en: { order: ['month', 'day', 'year'], separator: '/' },
  de: { order: ['day', 'month', 'year'], separator: '.' },
  tr: { order: ['day', 'month', 'year'], separator: '.' },
} as const satisfies Record<SupportedLocale, { order: readonly ['day' | 'month', 'day' | 'month', 'year']; separator: string }>)

export type DateTextResult =
  /** `iso` is YYYY-MM-DD, or '' for an empty field. */
  | { ok: true; iso: string }
  /** 'format': not written as a date; 'day': written as one, but no such day (31.02.2027). */
  | { ok: false; problem: 'format' | 'day' }

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/
/** Day and month of one or two digits and a four-digit year, separated by any of . / - or spaces. */
const WRITTEN_DATE = /^(\d{1,2})\s*[./\s-]\s*(\d{1,2})\s*[./\s-]\s*(\d{4})\.?$/

function toISODate(year: number, month: number, day: number): DateTextResult {
  const check = new Date(Date.UTC(year, month - 1, day))
  if (month < 1 || month > 12 || day < 1 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { ok: false, problem: 'day' }
  }
  return { ok: true, iso: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` }
}

/**
 * Reads what the person typed: the language's own way (31.12.2027 in German and Turkish, 12/31/2027 in
 * English; one-digit days and months too) or ISO (2027-12-31) in every language. Only the calendar is checked
 * here: whether the day is allowed (not in the past, ...) is for the main process to say.
 */
export function parseDateText(text: string, locale: string): DateTextResult {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: true, iso: '' }
  const iso = ISO_DATE.exec(trimmed)
  if (iso) return toISODate(Number(iso[1]), Number(iso[2]), Number(iso[3]))
  const written = WRITTEN_DATE.exec(trimmed)
  if (!written) return { ok: false, problem: 'format' }
  const [first, second, year] = written.slice(1, 4).map(Number) as [number, number, number]
  const { order } = DATE_TEXT_FORMATS[toSupportedLocale(locale)]
  return order[0] === 'day' ? toISODate(year, second, first) : toISODate(year, first, second)
}

/** A YYYY-MM-DD day written the language's way (31.12.2027, 12/31/2027); anything else is returned as it is. */
export function formatDateText(iso: string, locale: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!match) return iso
  const parts = { year: match[1]!, month: match[2]!, day: match[3]! }
  const { order, separator } = DATE_TEXT_FORMATS[toSupportedLocale(locale)]
  return order.map((part) => parts[part]).join(separator)
}
