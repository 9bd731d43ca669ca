// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import AccountDate from '../../src-renderer/src/components/accounts/AccountDate.vue'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'
import { useSessionStore } from '../../src-renderer/src/stores/session.ts'
import { makeCurrentAccount } from '../fixtures/current-account.ts'

// 22:30 UTC on 4 December is already 5 December in Tokyo (07:30) and still the 4th in Berlin (23:30).
const ISO = '2026-12-04T22:30:00.000Z'

function mountDate(locale: string, timezone: string, withTime: boolean) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().account = makeCurrentAccount({ language: locale, timezone, role: 'administrator' })
  return mount(AccountDate, { props: { iso: ISO, withTime }, global: { plugins: [pinia, createKeysteadI18n(locale, buildMessages())] } })
}

const parts = (wrapper: ReturnType<typeof mountDate>) => wrapper.findAll('.account-date__part').map((part) => part.text())

describe('a date of the accounts table', () => {
  it('shows the day alone, in the account time zone, with the full date and time as its tooltip', () => {
    const tokyo = mountDate('en', 'Asia/Tokyo', false)
    expect(parts(tokyo)).toEqual(['Dec 5, 2026'])
    expect(tokyo.find('time').attributes('datetime')).toBe(ISO)
    expect(tokyo.find('time').attributes('title')).toBe('Dec 5, 2026, 7:30 AM')
    expect(parts(mountDate('en', 'Europe/Berlin', false))).toEqual(['Dec 4, 2026'])
  })

  it('puts the time of day on a line of its own when asked, in the language of the account', () => {
    expect(parts(mountDate('en', 'Europe/Berlin', true))).toEqual(['Dec 4, 2026', '11:30 PM'])
    expect(parts(mountDate('de', 'Europe/Berlin', true))).toEqual(['04.12.2026', '23:30'])
    expect(parts(mountDate('tr', 'Asia/Tokyo', true))).toEqual(['5 Ara 2026', '07:30'])
  })
})
