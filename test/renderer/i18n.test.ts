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

describe('the start-up language in the address', () => {
  it('fetches the messages of ?lang= before the start-up call answers, without switching; ignores anything else', async () => {
    const { createKeysteadI18n, prefetchStartupLocale } = await import('../../src-renderer/src/i18n/index.ts')
    const i18n = createKeysteadI18n('en')
    const global = i18n.global as unknown as { locale: { value: string }; availableLocales: string[] }
    await prefetchStartupLocale('?lang=de')
    expect(global.availableLocales.sort()).toEqual(['de', 'en'])
    expect(global.locale.value).toBe('en') // loaded, not shown: the start-up call decides

    const other = createKeysteadI18n('en')
    for (const search of ['', '?lang=', '?lang=xx', '?lang=__proto__', '?language=tr']) await prefetchStartupLocale(search)
    expect((other.global as unknown as { availableLocales: string[] }).availableLocales).toEqual(['en'])
  })
})
