import { describe, expect, it } from 'vitest'
import { mergeMessageTrees } from '../../src-renderer/src/i18n/merge.ts'
import type { MessageTree } from '../../src-renderer/src/i18n/merge.ts'

describe('mergeMessageTrees', () => {
  it('merges the domains deeply, later ones adding to and overriding earlier ones, and never changes a domain', () => {
    const first: MessageTree = { common: { save: 'Save' }, errors: { auth: { wrong: 'Wrong.' } }, only: { a: 'A' } }
    const second: MessageTree = { errors: { auth: { locked: 'Locked.' }, tokens: { past: 'Past.' } }, nav: { tokens: 'Tokens' } }
    const third: MessageTree = { errors: { auth: { wrong: 'Still wrong.' } }, common: 'flat' }
    const copies = [first, second, third].map((domain) => structuredClone(domain))
    expect(mergeMessageTrees([first, second, third])).toEqual({
      common: 'flat',
      errors: { auth: { wrong: 'Still wrong.', locked: 'Locked.' }, tokens: { past: 'Past.' } },
      only: { a: 'A' },
      nav: { tokens: 'Tokens' },
    })
    expect([first, second, third]).toEqual(copies)
    // Twice from the same domains: the same result (nothing was merged into a domain's own objects).
    expect(mergeMessageTrees([first, second, third])).toEqual(mergeMessageTrees([first, second, third]))
  })
})
