import { describe, expect, it } from 'vitest'
import { SUPPORTED_LANGUAGES } from '../../src-main/services/account-rules.ts'
import { SecurityEventKind } from '../../src-main/services/audit-service.ts'
import type { SecurityEvent } from '../../src-main/services/audit-service.ts'
import { SECURITY_EVENT_GROUPS, SecurityEventGroup } from '../../src-main/services/audit/event-groups.ts'
import { describeSecurityEvent, listSecurityEventKindGroups, localizeDevice, SECURITY_LOG_TEXTS } from '../../src-main/services/audit/event-text.ts'
import type { EventActorFacts } from '../../src-main/services/audit/event-text.ts'

/** The list of kinds comes from the services (one source of truth), never from this test. */
const KINDS = Object.values(SecurityEventKind)

/** Details of the shapes the services record, so every sentence has something to read. */
const SAMPLE_DETAIL = {
  title: 'Backup',
  tokenId: 2,
  scope: 'read-only',
  expiresAt: '2027-01-02T17:08:06.300Z',
  isEnabled: false,
  fields: 'fullName,email',
  from: 'al',
  to: 'alice',
  count: 3,
  left: 7,
  signedOutSessions: 2,
  type: 'ssh-ed25519',
  fingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyz',
  closedDevice: 'Firefox on Linux (x64)',
  idleTimeoutMinutes: 30,
  absoluteTimeoutMinutes: 720,
  format: 'csv',
  sourceType: 'png',
  width: 800,
  height: 600,
  method: 'totp',
}

const eventOf = (kind: string, detail: SecurityEvent['detail'] = SAMPLE_DETAIL, sessionId: string | null = 's1'): SecurityEvent => ({
  id: 1,
  at: '2026-12-01T10:00:00.000Z',
  kind,
  sessionId,
  device: 'Chrome on Linux (x64)',
  detail,
})

const describeIn = (language: string, event: SecurityEvent, actor: EventActorFacts = { session: { id: 's1', origin: 'app', device: 'Chrome on Linux (x64)' }, viewerSessionId: 's1' }) =>
  describeSecurityEvent(event, { language, timeZone: 'Europe/Berlin', actor, exists: () => true })

describe('every security-log kind in words', () => {
  it('has text for every supported language', () => {
    expect(Object.keys(SECURITY_LOG_TEXTS).sort()).toEqual([...SUPPORTED_LANGUAGES].sort())
  })

  it.each([...SUPPORTED_LANGUAGES])('names every kind and builds its sentence in %s', (language) => {
    const texts = SECURITY_LOG_TEXTS[language]!
    const missing = KINDS.filter((kind) => !(kind in texts.kinds) || !texts.kinds[kind].name.trim())
    expect(missing, `kinds without a name in ${language}: add them to src-main/services/audit/event-text-${language}.ts`).toEqual([])
    for (const kind of KINDS) {
      const sentence = texts.kinds[kind].sentence
      expect(typeof sentence, `${kind} in ${language}`).toBe('function')
      const described = describeIn(language, eventOf(kind))
      expect(described.sentence, `${kind} in ${language}`).toMatch(/\S/)
      expect(described.sentence, `${kind} in ${language} leaks a detail key`).not.toMatch(/undefined|null|NaN|\[object/)
      expect(described.name).toBe(texts.kinds[kind].name)
    }
    const names = KINDS.map((kind) => texts.kinds[kind].name)
    expect(new Set(names).size, `two kinds share a name in ${language}`).toBe(names.length)
    for (const group of Object.values(SecurityEventGroup)) expect(texts.groups[group]).toMatch(/\S/)
  })

  it('puts every kind in a group, and the filter lists each kind once by name', () => {
    expect(KINDS.filter((kind) => !SECURITY_EVENT_GROUPS[kind])).toEqual([])
    for (const language of SUPPORTED_LANGUAGES) {
      const groups = listSecurityEventKindGroups(language)
      expect(groups.map((g) => g.group)).toEqual(Object.values(SecurityEventGroup))
      expect(groups.flatMap((g) => g.kinds.map((k) => k.kind)).sort()).toEqual([...KINDS].sort())
    }
    expect(listSecurityEventKindGroups('de')[0]).toMatchObject({ name: 'Anmeldungen', kinds: expect.arrayContaining([{ kind: 'signin', name: 'Angemeldet' }]) })
  })

  it('writes a token’s creation with its date in the account’s zone and language, and who did it', () => {
    const event = eventOf('token.created')
    expect(describeIn('en', event).sentence).toBe('Access token “Backup” created: read-only, expires Jan 2, 2027, 6:08 PM, switched off — in this window')
    expect(describeIn('de', event).sentence).toBe('Zugriffstoken „Backup“ erstellt: nur lesen, läuft ab am 02.01.2027, 18:08, ausgeschaltet — in diesem Fenster')
    expect(describeIn('tr', event).sentence).toBe('“Backup” erişim belirteci oluşturuldu: salt okunur, 2 Oca 2027 18:08 tarihinde sona erer, kapalı — bu pencereden')
    expect(describeIn('en', event).link).toEqual({ screen: 'tokens', id: '2' })
    expect(describeSecurityEvent(event, { language: 'en', timeZone: 'UTC', actor: {}, exists: () => false }).link).toBeNull()
  })

  it('names the actor: this window, another session, the command line, the local API, an administrator', () => {
    const session = (origin: string, id = 's2') => ({ session: { id, origin, device: 'Firefox on Windows (arm64)' }, viewerSessionId: 's1' })
    expect(describeIn('en', eventOf('signout'), session('app')).actor).toBe('from another session (Firefox on Windows (arm64))')
    expect(describeIn('de', eventOf('signout'), session('app')).actor).toBe('aus einer anderen Sitzung (Firefox unter Windows (arm64))')
    expect(describeIn('en', eventOf('signout'), session('cli')).actor).toBe('from the command line')
    expect(describeIn('tr', eventOf('signout'), session('api')).actor).toBe('yerel API üzerinden')
    expect(describeIn('en', eventOf('password.reset', { origin: 'cli' }, null), {}).sentence).toBe(
      'The password was reset; every session was signed out — by an administrator (the command line)',
    )
    expect(describeIn('en', eventOf('signin.failed', { origin: 'app' }, null), {}).actor).toBe('at the sign-in of the app')
    expect(describeIn('en', eventOf('token.deleted', { title: 'x', tokenTitle: 'CI' }, null), {}).actor).toBe('through the local API with token “CI”')
  })

  it('writes device text in the language', () => {
    expect(localizeDevice('Unknown on Linux (x64)', SECURITY_LOG_TEXTS.tr!)).toBe('Linux üzerinde Bilinmiyor (x64)')
    expect(localizeDevice('Chrome on macOS (Unknown)', SECURITY_LOG_TEXTS.de!)).toBe('Chrome unter macOS (Unbekannt)')
    expect(localizeDevice('something else', SECURITY_LOG_TEXTS.de!)).toBe('something else')
  })

  it('shows a kind this version does not know as it is stored, with a sentence saying so', () => {
    const described = describeIn('de', eventOf('backup.failed'))
    expect(described).toMatchObject({ name: 'backup.failed', group: null })
    expect(described.sentence).toContain('backup.failed')
  })
})
