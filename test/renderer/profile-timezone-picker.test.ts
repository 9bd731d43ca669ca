// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ProfileTimezonePicker from '../../src-renderer/src/components/profile/ProfileTimezonePicker.vue'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'

const zones = Intl.supportedValuesOf('timeZone')

function mountPicker(modelValue: string, locale = 'en') {
  return mount(ProfileTimezonePicker, {
    props: { zones, modelValue, 'onUpdate:modelValue': () => {} },
    global: { plugins: [createKeysteadI18n(locale, buildMessages())] },
  })
}
const options = (wrapper: ReturnType<typeof mountPicker>) => wrapper.findAll('option').map((option) => option.attributes('value'))

describe('ProfileTimezonePicker', () => {
  it('narrows the list by every typed word, ignoring case and underscores', async () => {
    const wrapper = mountPicker('Europe/Istanbul')
    await wrapper.get('input[type="search"]').setValue('new york')
    expect(options(wrapper)).toEqual(['Europe/Istanbul', 'America/New_York'])
    await wrapper.get('input[type="search"]').setValue('america argentina salta')
    expect(options(wrapper)).toEqual(['Europe/Istanbul', 'America/Argentina/Salta'])
    expect(wrapper.text()).toContain('1 time zone matches.')
  })

  it('keeps the chosen zone listed, lists at most 50 and says how many match, in the UI language', async () => {
    const wrapper = mountPicker('Pacific/Auckland', 'de')
    expect(options(wrapper)).toHaveLength(51)
    expect(options(wrapper)[0]).toBe('Pacific/Auckland')
    expect(wrapper.text()).toContain(`${zones.length} Zeitzonen passen.`)
    await wrapper.get('input[type="search"]').setValue('nowhere at all')
    expect(wrapper.text()).toContain('Keine Zeitzone passt zu dieser Suche.')
    expect(options(wrapper)).toEqual(['Pacific/Auckland'])
  })

  it('emits the zone picked from the list and labels both controls', async () => {
    const wrapper = mountPicker('UTC')
    await wrapper.get('input[type="search"]').setValue('tokyo')
    await wrapper.get('select').setValue('Asia/Tokyo')
    expect(wrapper.emitted('update:modelValue')).toEqual([['Asia/Tokyo']])
    for (const control of [wrapper.get('input'), wrapper.get('select')]) {
      expect(wrapper.get(`label[for="${control.attributes('id')}"]`).text()).not.toBe('')
    }
  })
})
