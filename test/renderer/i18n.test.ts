import { describe, expect, it } from 'vitest'
import { buildMessages } from '../../src-renderer/src/i18n/index.ts'

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
