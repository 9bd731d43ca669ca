// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { SecurityLogEntry } from '../../src-preload/contract/audit.ts'
import type { SessionSummary } from '../../src-preload/contract/sessions.ts'
import SecurityLogTable from '../../src-renderer/src/components/audit/SecurityLogTable.vue'
import SessionCard from '../../src-renderer/src/components/sessions/SessionCard.vue'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'
import { useSessionStore } from '../../src-renderer/src/stores/session.ts'
import { makeCurrentAccount } from '../fixtures/current-account.ts'

const SESSION: SessionSummary = {
  id: 'sid-1',
  origin: 'cli',
  isCurrent: false,
  keepSignedIn: false,
  browser: 'Node.js 24.21.0',
  os: 'Linux 6.12',
  model: 'Unknown',
  ip: '192.0.2.7',
  engine: 'V8 13.6',
  arch: 'arm64',
  createdAt: '2026-11-23T09:00:00.000Z',
  lastUsedAt: '2026-11-23T10:30:00.000Z',
  lastAuthAt: '2026-11-23T09:00:00.000Z',
  expiresAt: '2026-11-23T22:30:00.000Z',
}

function mountWith<T>(component: T, props: Record<string, unknown>, locale = 'en', stubs: Record<string, unknown> = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  // The account's time zone decides how dates read.
  useSessionStore().account = makeCurrentAccount({ language: locale })
  return mount(component as never, { props: props as never, global: { plugins: [pinia, createKeysteadI18n(locale, buildMessages())], stubs: stubs as never } })
}

beforeEach(() => setActivePinia(createPinia()))

describe('SessionCard', () => {
  it('shows where the session came from, its facts in the account time zone, and "Unknown" translated', async () => {
    const wrapper = mountWith(SessionCard, { session: SESSION, closable: true })
    expect(wrapper.get('[data-testid="session-origin"]').text()).toBe('Command line')
    expect(wrapper.get('[data-testid="session-model"]').text()).toBe('Unknown')
    expect(wrapper.get('[data-testid="session-lastModified"]').text()).toBe('Nov 23, 2026, 11:30 AM')
    expect(wrapper.get('[data-testid="session-expires"]').text()).toBe('Nov 23, 2026, 11:30 PM')
    const close = wrapper.get('button')
    expect(close.attributes('aria-label')).toBe('Close the session of Node.js 24.21.0 at 192.0.2.7')
    await close.trigger('click')
    expect(wrapper.emitted('close')).toEqual([[SESSION]])
    const german = mountWith(SessionCard, { session: SESSION }, 'de')
    expect(german.get('[data-testid="session-model"]').text()).toBe('Unbekannt')
    expect(german.find('button').exists()).toBe(false)
  })
})

describe('SecurityLogTable', () => {
  it('shows each entry by name and sentence, the device in words, and a link while the item exists', () => {
    const entries: SecurityLogEntry[] = [
      {
        id: 2,
        at: '2026-11-23T09:00:02.000Z',
        kind: 'sshKey.added',
        sessionId: 's1',
        device: 'Electron on Linux (x64)',
        detail: { title: 'laptop', keyId: 4 },
        name: 'SSH key added',
        group: 'sshKeys',
        sentence: 'SSH key “laptop” added (ssh-ed25519, SHA256:abc…) — in this window',
        actor: 'in this window',
        deviceText: 'Electron on Linux (x64)',
        link: { screen: 'ssh-keys', id: '4' },
      },
      { id: 1, at: '2026-11-23T09:00:01.000Z', kind: 'later.kind', sessionId: null, device: '', detail: {}, name: 'later.kind', group: null, sentence: 'An event of a kind this version does not know (later.kind) — by Keystead', actor: 'by Keystead', deviceText: '', link: null },
    ]
    const wrapper = mountWith(SecurityLogTable, { entries }, 'en', { RouterLink: { props: ['to'], template: '<a :data-to="to.name"><slot /></a>' } })
    const rows = wrapper.findAll('tbody tr').map((row) => row.findAll('td').map((cell) => cell.text()))
    expect(rows).toEqual([
      ['Nov 23, 2026, 10:00 AM', 'SSH key added', 'SSH key “laptop” added (ssh-ed25519, SHA256:abc…) — in this windowOpen SSH keys', 'Electron on Linux (x64)'],
      ['Nov 23, 2026, 10:00 AM', 'later.kind', 'An event of a kind this version does not know (later.kind) — by Keystead', '—'],
    ])
    expect(wrapper.get('a').attributes('data-to')).toBe('ssh-keys')
  })
})
