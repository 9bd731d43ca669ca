import { describe, expect, it } from 'vitest'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'

type Tree = { [key: string]: string | Tree }

function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`)))
}

describe('translations', () => {
  const messages = buildMessages() as Record<string, Tree>

  it('has English for every domain', () => {
    expect(keysOf(messages.en!)).toEqual(expect.arrayContaining(['auth.signInTitle', 'errors.username.tooShort', 'nav.profile']))
  })

  it('gives every locale exactly the English keys, none empty', () => {
    const english = keysOf(messages.en!).sort()
    for (const [locale, tree] of Object.entries(messages)) {
      expect(keysOf(tree).sort(), `keys of ${locale}`).toEqual(english)
      for (const key of keysOf(tree)) {
        const value = key.split('.').reduce<Tree | string>((node, part) => (node as Tree)[part]!, tree)
        expect(typeof value === 'string' && value.trim().length > 0, `${locale}: ${key}`).toBe(true)
      }
    }
  })
})

describe('loading languages', () => {
  it('starts with English only, loads another language when the UI switches to it, and the latest switch wins', async () => {
    const { applyLocale, createKeysteadI18n } = await import('../../src-renderer/src/i18n/index.ts')
    const i18n = createKeysteadI18n('en')
    const global = i18n.global as unknown as { locale: { value: string }; availableLocales: string[]; t(key: string): string }
    expect(global.availableLocales).toEqual(['en'])
    expect(global.t('auth.signInTitle')).toBe('Sign in to Keystead')

    expect(await applyLocale('tr')).toBe('tr')
    expect(global.locale.value).toBe('tr')
    expect(global.t('auth.signInTitle')).toBe((buildMessages().tr.auth as Tree).signInTitle)
    expect(global.availableLocales.sort()).toEqual(['en', 'tr'])

    // Two quick switches: German is asked for last, so it stays, whichever chunk arrives first.
    const [first, second] = await Promise.all([applyLocale('en'), applyLocale('de')])
    expect([first, second]).toEqual(['de', 'de'])
    expect(global.locale.value).toBe('de')
    expect(await applyLocale('xx')).toBe('en') // unknown: English
    expect(global.locale.value).toBe('en')
  })
})

describe('the remembered language', () => {
  it('keeps the language main asked for and fetches its messages at the next start before any switch', async () => {
    const stored = new Map<string, string>()
    const storage = { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) }
    const holder = globalThis as { localStorage?: unknown }
    const before = holder.localStorage
    holder.localStorage = storage
    try {
      const { createKeysteadI18n, prefetchRememberedLocale, rememberLocale, REMEMBERED_LOCALE_KEY } = await import('../../src-renderer/src/i18n/index.ts')
      rememberLocale('de')
      expect(stored.get(REMEMBERED_LOCALE_KEY)).toBe('de')

      // The next start: English on screen, German's messages loading before the start-up call answers.
      const i18n = createKeysteadI18n('en')
      const global = i18n.global as unknown as { locale: { value: string }; availableLocales: string[] }
      await prefetchRememberedLocale()
      expect(global.availableLocales.sort()).toEqual(['de', 'en'])
      expect(global.locale.value).toBe('en') // loaded, not shown: main's answer decides

      // A hint that is no language: nothing is fetched.
      stored.set(REMEMBERED_LOCALE_KEY, '<script>')
      const other = createKeysteadI18n('en')
      await prefetchRememberedLocale()
      expect((other.global as unknown as { availableLocales: string[] }).availableLocales).toEqual(['en'])
    } finally {
      holder.localStorage = before
    }
  })
})
