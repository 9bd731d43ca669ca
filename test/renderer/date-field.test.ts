// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import DateField from '../../src-renderer/src/components/common/DateField.vue'
import { DATE_TEXT_FORMATS, formatDateText, parseDateText } from '../../src-renderer/src/components/common/date-text.ts'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'
import { applyLocale, createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'
import type { SupportedLocale } from '../../src-renderer/src/i18n/index.ts'

describe('parseDateText', () => {
  it('reads a day the German and Turkish way: day, month, year with dots', () => {
    for (const locale of ['de', 'tr']) {
      expect(parseDateText('31.12.2027', locale)).toEqual({ ok: true, iso: '2027-12-31' })
      expect(parseDateText('3.1.2028', locale)).toEqual({ ok: true, iso: '2028-01-03' })
      expect(parseDateText(' 05.02.2028. ', locale)).toEqual({ ok: true, iso: '2028-02-05' })
      expect(parseDateText('05/02/2028', locale)).toEqual({ ok: true, iso: '2028-02-05' })
      expect(parseDateText('05 02 2028', locale)).toEqual({ ok: true, iso: '2028-02-05' })
    }
  })

  it('reads a day the English way: month, day, year with slashes', () => {
    expect(parseDateText('12/31/2027', 'en')).toEqual({ ok: true, iso: '2027-12-31' })
    expect(parseDateText('1/3/2028', 'en')).toEqual({ ok: true, iso: '2028-01-03' })
    // The same text is another day in German: the language decides the order.
    expect(parseDateText('05/02/2028', 'en')).toEqual({ ok: true, iso: '2028-05-02' })
    expect(parseDateText('31.12.2027', 'en')).toEqual({ ok: false, problem: 'day' })
  })

  it('reads ISO (YYYY-MM-DD) in every language, and an empty field as no day', () => {
    for (const locale of ['en', 'de', 'tr']) {
      expect(parseDateText('2027-12-31', locale)).toEqual({ ok: true, iso: '2027-12-31' })
      expect(parseDateText('2028-2-5', locale)).toEqual({ ok: true, iso: '2028-02-05' })
      expect(parseDateText('   ', locale)).toEqual({ ok: true, iso: '' })
    }
  })

  it('tells a text that is no date from a date that is no day', () => {
    for (const text of ['tomorrow', '31.12.27', '31122027', '2027/12/31/1', '12.2027', '31..12.2027x']) {
      expect(parseDateText(text, 'de'), text).toEqual({ ok: false, problem: 'format' })
    }
    for (const text of ['31.02.2027', '29.02.2027', '00.01.2027', '15.13.2027', '2027-02-30', '2027-00-10']) {
      expect(parseDateText(text, 'de'), text).toEqual({ ok: false, problem: 'day' })
    }
    expect(parseDateText('29.02.2028', 'de')).toEqual({ ok: true, iso: '2028-02-29' }) // a leap year
  })
})

describe('formatDateText', () => {
  it('writes a day the language’s way', () => {
    expect(formatDateText('2027-01-05', 'de')).toBe('05.01.2027')
    expect(formatDateText('2027-01-05', 'tr')).toBe('05.01.2027')
    expect(formatDateText('2027-01-05', 'en')).toBe('01/05/2027')
    expect(formatDateText('2027-01-05', 'xx')).toBe('01/05/2027') // unknown language: English
    expect(formatDateText('', 'de')).toBe('')
    expect(formatDateText('not a date', 'de')).toBe('not a date')
  })

  it('reads back what it writes, in every language', () => {
    for (const locale of Object.keys(DATE_TEXT_FORMATS)) {
      for (const iso of ['2027-01-05', '2027-12-31', '2028-02-29', '1999-07-04']) expect(parseDateText(formatDateText(iso, locale), locale)).toEqual({ ok: true, iso })
    }
  })

  it('has a placeholder in each language’s messages with the same order and separators (TT.MM.JJJJ, GG.AA.YYYY, MM/DD/YYYY)', () => {
    const messages = buildMessages() as Record<SupportedLocale, { common: { date: { format: string } } }>
    const dayLetter: Record<SupportedLocale, string> = { en: 'D', de: 'T', tr: 'G' }
    expect(messages.de.common.date.format).toBe('TT.MM.JJJJ')
    expect(messages.tr.common.date.format).toBe('GG.AA.YYYY')
    for (const locale of Object.keys(DATE_TEXT_FORMATS) as SupportedLocale[]) {
      const placeholder = messages[locale].common.date.format
      const sample = formatDateText('2027-12-31', locale) // 31 is the day
      expect(placeholder.replace(/\p{L}/gu, '9'), locale).toBe(sample.replace(/\d/g, '9'))
      const dayAt = sample.indexOf('31')
      expect(placeholder.slice(dayAt, dayAt + 2), locale).toBe(dayLetter[locale].repeat(2))
    }
  })
})

function mountField(locale: string, modelValue = '', props: Record<string, unknown> = {}) {
  const i18n = createKeysteadI18n(locale, buildMessages() as never)
  const wrapper = mount(DateField, {
    props: { label: 'Expiry date', modelValue, 'onUpdate:modelValue': (value: string) => wrapper.setProps({ modelValue: value }), ...props },
    global: { plugins: [i18n] },
  })
  return { wrapper }
}

describe('DateField', () => {
  it('shows the German format and turns a typed German date into the day (YYYY-MM-DD)', async () => {
    const { wrapper } = mountField('de')
    const input = wrapper.get('input[type="text"]')
    expect(input.attributes('placeholder')).toBe('TT.MM.JJJJ')
    expect(wrapper.text()).toContain('TT.MM.JJJJ')
    await input.setValue('3.1.2028')
    expect(wrapper.props('modelValue')).toBe('2028-01-03')
    await input.trigger('change')
    expect((input.element as HTMLInputElement).value).toBe('03.01.2028')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(input.attributes('aria-invalid')).toBe('false')
  })

  it('shows a day set by the form the language’s way, and an empty model as an empty field', async () => {
    const { wrapper } = mountField('tr', '2027-12-31')
    const input = wrapper.get('input[type="text"]')
    expect((input.element as HTMLInputElement).value).toBe('31.12.2027')
    expect(input.attributes('placeholder')).toBe('GG.AA.YYYY')
    await wrapper.setProps({ modelValue: '' })
    expect((input.element as HTMLInputElement).value).toBe('')
  })

  it('says at the field how to write a date once the person leaves a field that holds no date, and keeps the text for main to refuse', async () => {
    const { wrapper } = mountField('de')
    const input = wrapper.get('input[type="text"]')
    ;(input.element as HTMLInputElement).value = 'morgen'
    await input.trigger('input')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false) // not while typing
    await input.trigger('change')
    expect(wrapper.props('modelValue')).toBe('morgen')
    const error = wrapper.get('[role="alert"]')
    expect(error.text()).toMatch(/^Geben Sie das Datum als TT\.MM\.JJJJ ein, zum Beispiel 31\.12\.\d{4}\.$/)
    expect(input.attributes('aria-invalid')).toBe('true')
    expect(input.attributes('aria-describedby')!.split(' ')).toContain(error.attributes('id'))

    await input.setValue('31.02.2027')
    expect(wrapper.get('[role="alert"]').text()).toBe('Den Tag 31.02.2027 gibt es nicht. Geben Sie das Datum als TT.MM.JJJJ ein.')
    await input.setValue('28.02.2027')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.props('modelValue')).toBe('2027-02-28')
  })

  it('shows the main process’s refusal of a real day (a past day) as it is', async () => {
    const { wrapper } = mountField('en', '2020-05-01', { error: 'That date has already passed.' })
    expect((wrapper.get('input[type="text"]').element as HTMLInputElement).value).toBe('05/01/2020')
    expect(wrapper.get('[role="alert"]').text()).toBe('That date has already passed.')
    // Edited since: the refusal no longer describes the field (the next submit asks main again).
    await wrapper.get('input[type="text"]').setValue('05/02/2020')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    await wrapper.setProps({ error: '' })
    await wrapper.setProps({ error: 'That date has already passed.' })
    expect(wrapper.get('[role="alert"]').text()).toBe('That date has already passed.')
  })

  it('writes the same day the new way when the UI’s language changes', async () => {
    const { wrapper } = mountField('en', '2027-01-05')
    const input = wrapper.get('input[type="text"]')
    expect((input.element as HTMLInputElement).value).toBe('01/05/2027')
    expect(await applyLocale('de')).toBe('de')
    await flushPromises()
    expect((input.element as HTMLInputElement).value).toBe('05.01.2027')
    expect(input.attributes('placeholder')).toBe('TT.MM.JJJJ')
    expect(wrapper.props('modelValue')).toBe('2027-01-05')
  })

  it('takes a day chosen in the calendar, and keeps the calendar input out of the tab order and the accessibility tree', async () => {
    const { wrapper } = mountField('de', '', { min: '2027-01-01' })
    const picker = wrapper.get('input[type="date"]')
    expect(picker.attributes('tabindex')).toBe('-1')
    expect(picker.attributes('aria-hidden')).toBe('true')
    expect(picker.attributes('min')).toBe('2027-01-01')
    expect(wrapper.get('button').attributes('aria-label')).toBe('Kalender öffnen')
    await picker.setValue('2027-03-09')
    expect(wrapper.props('modelValue')).toBe('2027-03-09')
    expect((wrapper.get('input[type="text"]').element as HTMLInputElement).value).toBe('09.03.2027')
  })
})
