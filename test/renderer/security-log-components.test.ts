// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import type { SecurityActivityDay, SecurityLogVerification } from '../../src-preload/contract/audit.ts'
import SecurityActivityChart from '../../src-renderer/src/components/audit/SecurityActivityChart.vue'
import SecurityLogIntegrity from '../../src-renderer/src/components/audit/SecurityLogIntegrity.vue'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'
import { useSessionStore } from '../../src-renderer/src/stores/session.ts'
import { makeCurrentAccount } from '../fixtures/current-account.ts'

function mountWith<T>(component: T, props: Record<string, unknown>, locale = 'en') {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().account = makeCurrentAccount({ language: locale })
  return mount(component as never, { props: props as never, global: { plugins: [pinia, createKeysteadI18n(locale, buildMessages())] } })
}

const DAYS: SecurityActivityDay[] = Array.from({ length: 30 }, (_, i) => ({
  date: new Date(Date.UTC(2026, 10, 4 + i)).toISOString().slice(0, 10),
  signIns: i === 29 ? 2 : 0,
  failedSignIns: i === 20 ? 5 : 0,
  failedSecondFactors: i === 20 ? 1 : 0,
}))

describe('SecurityActivityChart', () => {
  it('draws one bar per non-zero count, scaled to the busiest day, with a summary and a table of every day', () => {
    const wrapper = mountWith(SecurityActivityChart, { days: DAYS })
    const rects = wrapper.findAll('rect')
    expect(rects).toHaveLength(3)
    const heights = rects.map((r) => Number(r.attributes('height')))
    // The busiest day (6) fills the chart's height less its margin; 2 is a third of that.
    expect(heights[0]! + heights[1]!).toBeCloseTo(116)
    expect(heights[2]).toBeCloseTo(116 / 3)
    const summary = 'In the last 30 days: 2 sign-ins, 5 failed sign-ins and 1 failed second factor. Most failed attempts on Nov 24: 6.'
    expect(wrapper.get('[data-testid="activity-summary"]').text()).toBe(summary)
    expect(wrapper.get('svg').attributes('role')).toBe('img')
    expect(wrapper.get('svg').attributes('aria-label')).toBe(summary)
    expect(wrapper.findAll('[data-testid="activity-table"] tbody tr')).toHaveLength(30)
  })

  it('speaks German', () => {
    const wrapper = mountWith(SecurityActivityChart, { days: DAYS.map((d) => ({ ...d, failedSignIns: 0, failedSecondFactors: 0 })) }, 'de')
    expect(wrapper.get('[data-testid="activity-summary"]').text()).toBe(
      'In den letzten 30 Tagen: 2 Anmeldungen, 0 fehlgeschlagene Anmeldungen und 0 fehlgeschlagene zweite Faktoren. Keine Fehlversuche.',
    )
  })
})

describe('SecurityLogIntegrity', () => {
  it('says every entry is intact, or names the first broken one and lists every break', () => {
    const intact: SecurityLogVerification = { isIntact: true, count: 12, headPosition: 12, breaks: [], firstBroken: null }
    expect(mountWith(SecurityLogIntegrity, { verification: intact }).text()).toBe('✓ All 12 entries are intact.')
    const broken: SecurityLogVerification = {
      isIntact: false,
      count: 9,
      headPosition: 12,
      breaks: [
        { type: 'changed', position: 3, count: 1, entryId: 40 },
        { type: 'missing', position: 5, to: 6 },
        { type: 'truncated', position: 12, to: 12 },
      ],
      firstBroken: { at: '2026-11-23T09:00:00.000Z', name: 'Access token created' },
    }
    const wrapper = mountWith(SecurityLogIntegrity, { verification: broken })
    expect(wrapper.get('p').text()).toBe('This log was changed outside Keystead. First broken entry: Access token created at Nov 23, 2026, 10:00 AM (entry 3).')
    expect(wrapper.findAll('li').map((li) => li.text())).toEqual(['Entry 3 was changed.', 'Entries 5 to 6 are missing.', 'The newest entries (12 to 12) were removed.'])
    expect(wrapper.get('[data-testid="log-integrity"]').attributes('role')).toBe('alert')
  })
})
