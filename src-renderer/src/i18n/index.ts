import { createI18n } from 'vue-i18n'
import en from './locales/en.ts'
import type { MessageTree } from './merge.ts'

/**
 * Each domain keeps its strings in ./messages/<locale>/<domain>.ts; ./locales/<locale>.ts merges one
 * language's domains. English ships with the first screen (it is also the fallback); Turkish and German
 * are their own chunks, fetched when the UI switches to them. Every locale must have the same keys as
 * English (a test checks this, through ./all-messages.ts).
 */
export const SUPPORTED_LOCALES = ['en', 'tr', 'de'] as const
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number]

const loadOtherLocale: Record<Exclude<SupportedLocale, 'en'>, () => Promise<{ default: MessageTree }>> = {
  tr: () => import('./locales/tr.ts'),
  de: () => import('./locales/de.ts'),
}

export function toSupportedLocale(value: string | null | undefined): SupportedLocale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value ?? '') ? (value as SupportedLocale) : 'en'
}

/**
 * The app's i18n instance. `preloaded`: languages to hold from the start (the app passes none but
 * English; component tests pass every language so they can mount in any of them at once).
 */
export function createKeysteadI18n(locale: string = 'en', preloaded: Partial<Record<SupportedLocale, MessageTree>> = {}) {
  const messages = { ...preloaded, en }
  const start = toSupportedLocale(locale)
  const i18n = createI18n({
    legacy: false,
    locale: messages[start] ? start : 'en',
    fallbackLocale: 'en',
    // Typed as every supported language although only English is here at first: the rest arrive by setLocaleMessage.
    messages: messages as Record<SupportedLocale, MessageTree>,
    missingWarn: false,
    fallbackWarn: false,
  })
  // One load per language, shared by every caller (at start the language watcher and the router's first guard both ask).
  const loading = new Map<SupportedLocale, Promise<void>>((Object.keys(messages) as SupportedLocale[]).map((held) => [held, Promise.resolve()]))
  loadLocale = (wanted) => {
    let pending = loading.get(wanted)
    if (!pending) {
      pending = loadOtherLocale[wanted as Exclude<SupportedLocale, 'en'>]().then(({ default: loaded }) => i18n.global.setLocaleMessage(wanted, loaded))
      // A failed fetch may be tried again by the next switch.
      pending.catch(() => loading.delete(wanted))
      loading.set(wanted, pending)
    }
    return pending
  }
  setGlobalLocale = (wanted) => {
    i18n.global.locale.value = wanted
  }
  void applyLocale(locale)
  return i18n
}

let loadLocale: ((locale: SupportedLocale) => Promise<void>) | null = null
let setGlobalLocale: ((locale: SupportedLocale) => void) | null = null

/**
 * Starts fetching the messages of the start-up language the main process put in the page's address
 * (`index.html?lang=de`) before the start-up call answers: a Turkish or German first screen then waits for one
 * round trip, not for the call and then its language's chunk. It only loads them; the UI switches when
 * applyLocale is called with the call's answer (which decides).
 */
export function prefetchStartupLocale(search: string): Promise<void> {
  const wanted = new URLSearchParams(search).get('lang')
  if (!wanted || !loadLocale || !(SUPPORTED_LOCALES as readonly string[]).includes(wanted)) return Promise.resolve()
  // A failed fetch is tried again when the UI switches to that language.
  return loadLocale(wanted as SupportedLocale).catch(() => {})
}

/** The latest locale asked for: a slower, earlier request never wins over a later one. */
let wantedLocale: SupportedLocale = 'en'

/**
 * Switches the whole UI at once (every `t()` is reactive on the locale) and sets `<html lang>`,
 * once the language's messages are loaded (English at once; the others from their chunk, so the
 * UI never shows a mix). Called with the last signed-in account's language before the first screen
 * renders (the router's first guard awaits it), then with the signed-in account's language whenever
 * it changes.
 */
export async function applyLocale(value: string | null | undefined): Promise<SupportedLocale> {
  const locale = toSupportedLocale(value)
  wantedLocale = locale
  await loadLocale?.(locale)
  if (wantedLocale !== locale) return wantedLocale
  setGlobalLocale?.(locale)
  // globalThis: this module is also loaded by Node tests, where there is no document.
  const page = (globalThis as { document?: { documentElement: { lang: string } } }).document
  if (page) page.documentElement.lang = locale
  return locale
}
