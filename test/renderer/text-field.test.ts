// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import TextField from '../../src-renderer/src/components/common/TextField.vue'

describe('TextField', () => {
  it('labels the input and ties help and error to it for screen readers', async () => {
    const wrapper = mount(TextField, { props: { label: 'Username', help: 'Letters and digits', error: 'Too short', modelValue: 'ab' } })
    const input = wrapper.get('input')
    const label = wrapper.get('label')
    expect(label.attributes('for')).toBe(input.attributes('id'))
    expect(label.text()).toBe('Username')
    expect(input.attributes('aria-invalid')).toBe('true')
    const describedBy = input.attributes('aria-describedby')!.split(' ')
    expect(describedBy.map((id) => wrapper.get(`[id="${id}"]`).text())).toEqual(['Letters and digits', 'Too short'])
    await input.setValue('abc')
    expect(wrapper.emitted('update:modelValue')).toEqual([['abc']])
  })

  it('is valid without an error', () => {
    const wrapper = mount(TextField, { props: { label: 'Name' } })
    expect(wrapper.get('input').attributes('aria-invalid')).toBe('false')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
  })
})
