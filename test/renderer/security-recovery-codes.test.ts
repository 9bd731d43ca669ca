// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import SecurityRecoveryCodes from '../../src-renderer/src/components/security/SecurityRecoveryCodes.vue'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'

const CODES = Array.from({ length: 10 }, (_, i) => `k7fq${i}-9xv4m`)
const calls: string[] = []
let saveAnswer: { saved: false } | { saved: true; fileName: string } = { saved: false }
let pinia: ReturnType<typeof createPinia>

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  calls.length = 0
  const answer = (name: string, value: unknown) => async () => (calls.push(name), { ok: true, value })
  ;(window as unknown as { keystead: unknown }).keystead = {
    security: {
      copyRecoveryCodes: answer('copy', null),
      downloadRecoveryCodes: async () => (calls.push('download'), { ok: true, value: saveAnswer }),
      finishRecoveryCodes: answer('finish', null),
    },
  }
})
afterEach(() => delete (window as unknown as { keystead?: unknown }).keystead)

function mountCodes() {
  return mount(SecurityRecoveryCodes, { props: { codes: CODES }, global: { plugins: [pinia, createKeysteadI18n('en')] } })
}
const doneButton = (wrapper: ReturnType<typeof mountCodes>) => wrapper.findAll('button').find((b) => b.text() === 'Done')!
const button = (wrapper: ReturnType<typeof mountCodes>, name: string) => wrapper.findAll('button').find((b) => b.text() === name)!

describe('fresh recovery codes', () => {
  it('keep "Done" disabled until they were kept; a cancelled download does not count', async () => {
    saveAnswer = { saved: false }
    const wrapper = mountCodes()
    expect(wrapper.findAll('ol.recovery__codes code').map((c) => c.text())).toEqual(CODES)
    expect(doneButton(wrapper).attributes('disabled')).toBeDefined()
    await button(wrapper, 'Download').trigger('click')
    await flushPromises()
    expect(calls).toEqual(['download'])
    expect(doneButton(wrapper).attributes('disabled')).toBeDefined()
  })

  it('enable "Done" after Copy', async () => {
    const wrapper = mountCodes()
    await button(wrapper, 'Copy').trigger('click')
    await flushPromises()
    expect(calls).toEqual(['copy'])
    expect(doneButton(wrapper).attributes('disabled')).toBeUndefined()
    await doneButton(wrapper).trigger('click')
    await flushPromises()
    expect(calls).toEqual(['copy', 'finish'])
  })

  it('enable "Done" after Print (the system print dialog)', async () => {
    const print = vi.fn()
    window.print = print // happy-dom has no print dialog
    const wrapper = mountCodes()
    await button(wrapper, 'Print').trigger('click')
    await flushPromises()
    expect(print).toHaveBeenCalledTimes(1)
    expect(doneButton(wrapper).attributes('disabled')).toBeUndefined()
  })

  it('enable "Done" after a download that was saved, and say where', async () => {
    saveAnswer = { saved: true, fileName: 'codes.txt' }
    const wrapper = mountCodes()
    await button(wrapper, 'Download').trigger('click')
    await flushPromises()
    expect(doneButton(wrapper).attributes('disabled')).toBeUndefined()
    expect(wrapper.get('[role="status"]').text()).toBe('Saved as codes.txt.')
  })
})
