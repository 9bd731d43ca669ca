import { describe, expect, it } from 'vitest'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'

/** Counts that can be 1 read "1 entry", not "1 entries", in every language that has a singular. */
function say(locale: string, key: string, named: Record<string, unknown>, count: number): string {
  const i18n = createKeysteadI18n(locale, buildMessages())
  return i18n.global.t(key, named, count)
}

describe('messages with a count', () => {
  it('the security log pager and the unchained-entries break', () => {
    expect(say('en', 'audit.pageOf', { page: 1, pages: 1, total: 1 }, 1)).toBe('Page 1 of 1 (1 entry)')
    expect(say('en', 'audit.pageOf', { page: 1, pages: 2, total: 33 }, 33)).toBe('Page 1 of 2 (33 entries)')
    expect(say('en', 'audit.pageOf', { page: 1, pages: 1, total: 0 }, 0)).toBe('Page 1 of 1 (0 entries)')
    expect(say('de', 'audit.pageOf', { page: 1, pages: 1, total: 1 }, 1)).toBe('Seite 1 von 1 (1 Eintrag)')
    expect(say('de', 'audit.pageOf', { page: 1, pages: 1, total: 2 }, 2)).toBe('Seite 1 von 1 (2 Einträge)')
    expect(say('tr', 'audit.pageOf', { page: 1, pages: 1, total: 1 }, 1)).toBe('Sayfa 1 / 1 (1 kayıt)')
    expect(say('en', 'audit.integrity.breaks.unchained', { count: 1 }, 1)).toBe('1 entry was added outside Keystead.')
    expect(say('en', 'audit.integrity.breaks.unchained', { count: 4 }, 4)).toBe('4 entries were added outside Keystead.')
    expect(say('de', 'audit.integrity.breaks.unchained', { count: 1 }, 1)).toBe('1 Eintrag wurde außerhalb von Keystead hinzugefügt.')
  })

  it('the recovery codes left after signing in with one', () => {
    expect(say('en', 'security.recoveryLow', { left: 0 }, 0)).toBe('You signed in with a recovery code and none is left. Make new recovery codes now.')
    expect(say('en', 'security.recoveryLow', { left: 1 }, 1)).toBe('You signed in with a recovery code and only 1 is left. Make new recovery codes soon.')
    expect(say('en', 'security.recoveryLow', { left: 3 }, 3)).toBe('You signed in with a recovery code and only 3 are left. Make new recovery codes soon.')
    expect(say('de', 'security.recoveryLow', { left: 1 }, 1)).toContain('es bleibt nur noch 1.')
    expect(say('tr', 'security.recoveryLow', { left: 2 }, 2)).toContain('yalnızca 2 kod kaldı')
  })

  it('the activity summary counts', () => {
    expect(say('en', 'audit.activity.counts.failedSecondFactors', {}, 1)).toBe('1 failed second factor')
    expect(say('en', 'audit.activity.counts.signIns', {}, 0)).toBe('0 sign-ins')
    expect(say('de', 'audit.activity.counts.failedSignIns', {}, 1)).toBe('1 fehlgeschlagene Anmeldung')
    expect(say('de', 'audit.activity.counts.failedSecondFactors', {}, 2)).toBe('2 fehlgeschlagene zweite Faktoren')
  })
})
