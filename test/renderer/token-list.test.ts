// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AccessTokenSummary } from '../../src-preload/contract/tokens.ts'
import TokenList from '../../src-renderer/src/components/tokens/TokenList.vue'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'
import { useSessionStore } from '../../src-renderer/src/stores/session.ts'
import { makeCurrentAccount } from '../fixtures/current-account.ts'

const token = (over: Partial<AccessTokenSummary>): AccessTokenSummary => ({
  id: 1,
  title: 'CI deploy',
  displayPrefix: 'kst_Ab3dE9xQ',
  scope: 'read-only',
  isEnabled: true,
  isExpired: false,
  createdAt: '2026-11-23T23:30:00.000Z',
  expiresAt: null,
  lastUsedAt: null,
  ...over,
})

let pinia: ReturnType<typeof createPinia>
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  // The account lives in Istanbul (UTC+3): 23:30 UTC on 23 November is already 24 November there.
  useSessionStore().account = makeCurrentAccount({ timezone: 'Europe/Istanbul', createdAt: '2026-01-01T00:00:00Z', sessionId: 's' })
})

function mountList(tokens: AccessTokenSummary[]) {
  return mount(TokenList, { props: { tokens, busyId: null }, global: { plugins: [pinia, createKeysteadI18n('en')] } })
}

describe('TokenList', () => {
  it('shows the source columns plus Expires and Last used, with dates in the account time zone', () => {
    const wrapper = mountList([token({}), token({ id: 2, title: 'Old', isExpired: true, expiresAt: '2026-11-20T10:00:00.000Z', isEnabled: false })])
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual(['Created', 'Title', 'Token', 'Enabled', 'Expires', 'Last used', 'Actions'])
    const rows = wrapper.findAll('tbody tr')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('Nov 24, 2026')
    expect(rows[0]!.text()).toContain('kst_Ab3dE9xQ…')
    expect(rows[0]!.text()).toContain('Never')
    expect(rows[0]!.text()).not.toContain('Expired')
    expect(rows[1]!.text()).toContain('Expired')
    expect(rows[1]!.classes()).toContain('tokens-table__row--off')
    expect(rows[1]!.get('[role="switch"]').element).toHaveProperty('checked', false)
  })

  it('emits toggle and delete for the right token', async () => {
    const wrapper = mountList([token({ id: 7 })])
    await wrapper.get('[role="switch"]').setValue(false)
    await wrapper.get('button').trigger('click')
    expect(wrapper.emitted('toggle')).toEqual([[expect.objectContaining({ id: 7 }), false]])
    expect(wrapper.emitted('delete')).toEqual([[expect.objectContaining({ id: 7 })]])
    expect(wrapper.get('button').attributes('aria-label')).toBe('Delete CI deploy')
  })

  it('says so when there are no tokens', () => {
    expect(mountList([]).get('[data-testid="tokens-empty"]').text()).toBe('You have no access tokens yet.')
  })
})
