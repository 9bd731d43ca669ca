import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useSessionStore } from '../stores/session.ts'

/** Formats dates in the account's language and chosen time zone. */
export function useDateTime() {
  const { locale } = useI18n()
  const session = useSessionStore()
  const timeZone = computed(() => session.account?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone)

  function formatDateTime(iso: string | null | undefined): string {
    if (!iso) return ''
    return new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone.value }).format(new Date(iso))
  }

  function formatDate(iso: string | null | undefined): string {
    if (!iso) return ''
    return new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeZone: timeZone.value }).format(new Date(iso))
  }

  function formatTime(iso: string | null | undefined): string {
    if (!iso) return ''
    return new Intl.DateTimeFormat(locale.value, { timeStyle: 'short', timeZone: timeZone.value }).format(new Date(iso))
  }

  return { timeZone, formatDateTime, formatDate, formatTime }
}
