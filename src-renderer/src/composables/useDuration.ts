import { useI18n } from 'vue-i18n'

/** "12 hours", "30 days", "90 minutes": the largest whole unit, in the account's language. */
export function useDuration() {
  const { t } = useI18n()
  return function formatMinutes(minutes: number): string {
    if (minutes % 1440 === 0) return t('duration.days', { n: minutes / 1440 }, minutes / 1440)
    if (minutes % 60 === 0) return t('duration.hours', { n: minutes / 60 }, minutes / 60)
    return t('duration.minutes', { n: minutes }, minutes)
  }
}
