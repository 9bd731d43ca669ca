import type { Reminder } from '../../../src-preload/contract/reminders.ts'

/** The operating-system notification for a reminder, in the account's language. */
interface ReminderTexts {
  title: string
  body(reminder: Reminder, when: string): string
}

const kindNames: Record<string, Record<Reminder['kind'], string>> = {
  en: { token: 'Access token', 'ssh-key': 'SSH key', 'api-key': 'API key', backup: 'Backup' },
  tr: { token: 'Erişim belirteci', 'ssh-key': 'SSH anahtarı', 'api-key': 'API anahtarı', backup: 'Yedek' },
  de: { token: 'Zugriffstoken', 'ssh-key': 'SSH-Schlüssel', 'api-key': 'API-Schlüssel', backup: 'Sicherung' },
}

const REMINDER_TEXTS: Record<string, ReminderTexts> = {
  en: {
    title: 'Keystead reminder',
    body: (r, when) => `${kindNames.en![r.kind]} “${r.title}” ${r.isExpired ? 'expired on' : 'expires on'} ${when}.`,
  },
  tr: {
    title: 'Keystead hatırlatması',
    body: (r, when) => `${kindNames.tr![r.kind]} “${r.title}” ${when} tarihinde ${r.isExpired ? 'sona erdi' : 'sona eriyor'}.`,
  },
  de: {
    title: 'Keystead-Erinnerung',
    body: (r, when) => `${kindNames.de![r.kind]} „${r.title}“ ${r.isExpired ? 'ist abgelaufen am' : 'läuft ab am'} ${when}.`,
  },
}

export function describeReminderNotification(reminder: Reminder, language: string, timeZone: string): { title: string; body: string } {
  const texts = REMINDER_TEXTS[language] ?? REMINDER_TEXTS.en!
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(reminder.expiresAt)
  const when = new Intl.DateTimeFormat(language, isDate ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(isDate ? `${reminder.expiresAt}T00:00:00Z` : reminder.expiresAt),
  )
  return { title: texts.title, body: texts.body(reminder, when) }
}
