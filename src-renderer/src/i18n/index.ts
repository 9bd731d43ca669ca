import { createI18n } from 'vue-i18n'
import { auditMessages } from './messages/audit.ts'
import { authMessages } from './messages/auth.ts'
import { commonMessages } from './messages/common.ts'
import { securityMessages } from './messages/security.ts'
import { tokensMessages } from './messages/tokens.ts'
import { profileMessages } from './messages/profile.ts'
import { settingsMessages } from './messages/settings.ts'
import { sshKeysMessages } from './messages/sshKeys.ts'
import { sessionsMessages } from './messages/sessions.ts'

/**
 * Each domain keeps its strings in ./messages/<domain>.ts as `{ en, ... }`.
 * Every locale must have the same keys as English (a test checks this).
 */
const domains = [commonMessages, authMessages, securityMessages, tokensMessages, profileMessages, settingsMessages, sshKeysMessages, sessionsMessages, auditMessages]

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

export function toSupportedLocale(value: string | null | undefined): SupportedLocale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value ?? '') ? (value as SupportedLocale) : 'en'
}

export function createKeysteadI18n(locale: string = 'en') {
  const i18n = createI18n({
    legacy: false,
    locale: toSupportedLocale(locale),
    fallbackLocale: 'en',
    messages: buildMessages(),
    missingWarn: false,
    fallbackWarn: false,
  })
  setGlobalLocale = (locale) => {
    i18n.global.locale.value = locale
  }
  return i18n
}

let setGlobalLocale: ((locale: SupportedLocale) => void) | null = null

/**
 * Switches the whole UI at once (every `t()` is reactive on the locale) and sets `<html lang>`.
 * Called with the last signed-in account's language before the first screen renders, then with
 * the signed-in account's language whenever it changes.
 */
export function applyLocale(value: string | null | undefined): SupportedLocale {
  const locale = toSupportedLocale(value)
  setGlobalLocale?.(locale)
  // globalThis: this module is also loaded by Node tests, where there is no document.
  const page = (globalThis as { document?: { documentElement: { lang: string } } }).document
  if (page) page.documentElement.lang = locale
  return locale
}
