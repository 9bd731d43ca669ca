import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useSessionStore } from '../stores/session.ts'

type DateTimeStyle = Pick<Intl.DateTimeFormatOptions, 'dateStyle' | 'timeStyle'>

const DATE_TIME: DateTimeStyle = { dateStyle: 'medium', timeStyle: 'short' }
const DATE: DateTimeStyle = { dateStyle: 'medium' }
const TIME: DateTimeStyle = { timeStyle: 'short' }

/**
 * One formatter per language, time zone and style, shared by every component: a table formats each row's dates,
 * and building an Intl.DateTimeFormat costs far more than using one.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatterFor(locale: string, timeZone: string, style: DateTimeStyle): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style.dateStyle ?? ''}|${style.timeStyle ?? ''}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...style, timeZone })
    formatters.set(key, formatter)
  }
  return formatter
}

/** Formats dates in the account's language and chosen time zone. */
export function useDateTime() {
  const { locale } = useI18n()
  const session = useSessionStore()
  const timeZone = computed(() => session.account?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone)

  const format = (iso: string | null | undefined, style: DateTimeStyle): string =>
    iso ? formatterFor(locale.value, timeZone.value, style).format(new Date(iso)) : ''

  return {
    timeZone,
    formatDateTime: (iso: string | null | undefined) => format(iso, DATE_TIME),
    formatDate: (iso: string | null | undefined) => format(iso, DATE),
    formatTime: (iso: string | null | undefined) => format(iso, TIME),
  }
}
