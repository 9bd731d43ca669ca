// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import ModalDialog from '../../src-renderer/src/components/common/ModalDialog.vue'

beforeEach(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '')
  }
})

/** A dialog with two steps: "Next" (which has the focus) gives way to a field and Cancel. */
const TwoSteps = defineComponent({
  setup() {
    const step = ref(1)
    return () =>
      h(ModalDialog, { open: true, title: 'Two steps' }, () =>
        step.value === 1
          ? h('div', { key: 'first' }, [h('button', { type: 'button', class: 'next', onClick: () => (step.value = 2) }, 'Next')])
          : h('form', { key: 'second' }, [h('input', { name: 'typed' }), h('button', { type: 'button', class: 'cancel' }, 'Cancel')]),
      )
  },
})

describe('ModalDialog', () => {
  it('when the control holding the focus goes away (a second step), the focus goes to its first control, not to the page', async () => {
    const wrapper = mount(TwoSteps, { attachTo: document.body })
    const next = wrapper.get('button.next').element as HTMLButtonElement
    next.focus()
    expect(document.activeElement).toBe(next)
    next.click()
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('input[name="typed"]').element)
    wrapper.unmount()
  })
})
