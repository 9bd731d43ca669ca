// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import type { Result } from '../../src-preload/contract/errors.ts'
import ReauthDialog from '../../src-renderer/src/components/common/ReauthDialog.vue'
import SecurityPasswordForm from '../../src-renderer/src/components/security/SecurityPasswordForm.vue'
import TokenCreateDialog from '../../src-renderer/src/components/tokens/TokenCreateDialog.vue'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'

const REAUTH: Result<never> = { ok: false, error: { code: 'REAUTH_REQUIRED', message: 'Confirm your password to continue.', reason: 'reauth.required' } }

/** The window's API as the renderer sees it: only what these screens call. */
function fakeApi(overrides: Record<string, Record<string, unknown>>) {
  const api = {
    auth: { reauthenticate: vi.fn(async () => ({ ok: true, value: null })) },
    ...overrides,
  }
  ;(window as unknown as { keystead: unknown }).keystead = api
  return api
}

function withDialog(component: unknown, props: Record<string, unknown> = {}) {
  return defineComponent({ render: () => h('div', [h(component as never, props), h(ReauthDialog)]) })
}

beforeEach(() => {
  setActivePinia(createPinia())
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '')
  }
})

describe('sensitive actions in the window', () => {
  it('a new token: REAUTH_REQUIRED opens the password prompt, then the same typed token is created', async () => {
    const created = { token: 'kst_example', summary: { id: 1, title: 'deploy bot' } }
    const createToken = vi.fn().mockResolvedValueOnce(REAUTH).mockResolvedValueOnce({ ok: true, value: created })
    const api = fakeApi({ tokens: { createToken } })
    const wrapper = mount(withDialog(TokenCreateDialog, { open: true }), { global: { plugins: [createKeysteadI18n('en')] }, attachTo: document.body })
    await flushPromises()
    await wrapper.get('input[type="text"]').setValue('deploy bot')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    const password = wrapper.get('input[type="password"]')
    expect(wrapper.text()).toContain('Confirm your password')
    // What the person typed is still there while the prompt is open.
    expect((wrapper.get('input[type="text"]').element as HTMLInputElement).value).toBe('deploy bot')
    await password.setValue('wonderland 1')
    await password.element.closest('form')!.dispatchEvent(new Event('submit'))
    await flushPromises()

    expect(api.auth.reauthenticate).toHaveBeenCalledWith({ password: 'wonderland 1' })
    expect(createToken).toHaveBeenCalledTimes(2)
    expect(createToken.mock.calls[1]![0]).toEqual(createToken.mock.calls[0]![0])
    expect(createToken.mock.calls[1]![0]).toMatchObject({ title: 'deploy bot' })
    wrapper.unmount()
  })

  it('password change: cancelling the prompt keeps the typed passwords and shows no error; confirming carries it out', async () => {
    const changePassword = vi.fn().mockResolvedValueOnce(REAUTH).mockResolvedValueOnce(REAUTH).mockResolvedValueOnce({ ok: true, value: { signedOutSessions: 0 } })
    fakeApi({ security: { changePassword } })
    const wrapper = mount(withDialog(SecurityPasswordForm), { global: { plugins: [createKeysteadI18n('en')] }, attachTo: document.body })
    await flushPromises()
    const fields = () => wrapper.findAll('form')[0]!.findAll('input[type="password"]')
    await fields()[0]!.setValue('wonderland 1')
    await fields()[1]!.setValue('looking glass 22 q')
    await fields()[2]!.setValue('looking glass 22 q')
    await wrapper.findAll('form')[0]!.trigger('submit')
    await flushPromises()
    // Cancel the prompt: nothing is lost, no error is shown.
    const cancel = wrapper.findAll('button').find((b) => b.text() === 'Cancel')!
    await cancel.trigger('click')
    await flushPromises()
    expect(fields().map((f) => (f.element as HTMLInputElement).value)).toEqual(['wonderland 1', 'looking glass 22 q', 'looking glass 22 q'])
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)

    await wrapper.findAll('form')[0]!.trigger('submit')
    await flushPromises()
    const prompt = wrapper.findAll('form')[1]!
    await prompt.get('input[type="password"]').setValue('wonderland 1')
    await prompt.trigger('submit')
    await flushPromises()
    expect(changePassword).toHaveBeenCalledTimes(3)
    expect(changePassword.mock.calls[2]![0]).toEqual({ currentPassword: 'wonderland 1', newPassword: 'looking glass 22 q', newPasswordRepeat: 'looking glass 22 q' })
    wrapper.unmount()
  })
})
