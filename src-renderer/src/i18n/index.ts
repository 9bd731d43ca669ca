import { createI18n } from 'vue-i18n'
import { auditMessages } from './messages/audit.ts'
import { authMessages } from './messages/auth.ts'
import { commonMessages } from './messages/common.ts'
import { sessionsMessages } from './messages/sessions.ts'

/**
 * Each domain keeps its strings in ./messages/<domain>.ts as `{ en, ... }`.
 * Every locale must have the same keys as English (a test checks this).
 */
const domains = [commonMessages, authMessages, sessionsMessages, auditMessages]

export const SUPPORTED_LOCALES = ['en', 'tr', 'de'] as const
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number]

type Tree = { [key: string]: string | Tree }

function mergeTrees(target: Tree, source: Tree): Tree {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key]
    if (typeof value === 'object' && typeof existing === 'object') mergeTrees(existing, value)
    else target[key] = typeof value === 'object' ? mergeTrees({}, value) : value
  }
  return target
}

export function buildMessages(): Record<string, Tree> {
  const messages: Record<string, Tree> = {}
  for (const domain of domains) {
    for (const [locale, tree] of Object.entries(domain)) {
      messages[locale] = mergeTrees(messages[locale] ?? {}, tree as Tree)
    }
  }
  return messages
}

export function createKeysteadI18n(locale: string = 'en') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: buildMessages(),
    missingWarn: false,
    fallbackWarn: false,
  })
}
