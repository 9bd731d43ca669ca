// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BackupStatus } from '../../src-preload/contract/backups.ts'
import type { ApiError } from '../../src-preload/contract/errors.ts'
import BackupSettings from '../../src-renderer/src/components/backups/BackupSettings.vue'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'

/**
 * Settings -> Backups shows every refusal of a form at once, each at its field (the refusals are the ones
 * main answers with, see test/main/backups-ipc.test.ts "every refused field of a form comes back at once").
 */
const STATUS: BackupStatus = { schedule: { enabled: false, folder: null, frequency: 'daily', keep: 7 }, recipient: null, lastScheduled: null, needsAttention: false }
const KEY = { identity: `AGE-SECRET-KEY-1${'Q'.repeat(58)}`, recipient: `age1${'q'.repeat(58)}` }
const calls: Array<{ name: string; input: unknown }> = []
let refusal: ApiError
let pinia: ReturnType<typeof createPinia>

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  calls.length = 0
  const refuse = (name: string) => async (input: unknown) => (calls.push({ name, input }), { ok: false, error: refusal })
  ;(window as unknown as { keystead: unknown }).keystead = {
    backups: {
      getBackupStatus: async () => ({ ok: true, value: STATUS }),
      createBackup: refuse('createBackup'),
      setSchedule: refuse('setSchedule'),
      setRecipient: refuse('setRecipient'),
      createBackupKey: async () => (calls.push({ name: 'createBackupKey', input: null }), { ok: true, value: KEY }),
      copyBackupKey: async (input: unknown) => (calls.push({ name: 'copyBackupKey', input }), { ok: true, value: { clearAfterSeconds: 60 } }),
    },
    events: { onBackupProgress: () => () => {} },
  }
})
afterEach(() => delete (window as unknown as { keystead?: unknown }).keystead)

async function mountSettings() {
  const wrapper = mount(BackupSettings, { global: { plugins: [pinia, createKeysteadI18n('en')] } })
  await flushPromises()
  return wrapper
}
const errorOf = (wrapper: Awaited<ReturnType<typeof mountSettings>>, name: string): string => {
  const field = wrapper.get(`input[name="${name}"]`).element.closest('.field')!
  return field.querySelector('.field__error')?.textContent?.trim() ?? ''
}

describe('Settings -> Backups forms', () => {
  it('back up now: a passphrase too short and not the same twice, both at their fields at once', async () => {
    refusal = {
      code: 'VALIDATION' as ApiError['code'],
      message: 'The passphrase must have at least 10 characters.',
      field: 'passphrase',
      reason: 'backup.passphraseTooShort',
      params: { min: 10 },
      fields: {
        passphrase: { message: 'too short', reason: 'backup.passphraseTooShort', params: { min: 10 } },
        confirmPassphrase: { message: 'not the same', reason: 'backup.passphraseMismatch' },
      },
    }
    const wrapper = await mountSettings()
    await wrapper.get('input[name="backupPassphrase"]').setValue('short')
    await wrapper.get('input[name="backupPassphraseAgain"]').setValue('other')
    await wrapper.get('[data-testid="backup-now"]').trigger('submit')
    await flushPromises()
    // Main saw both fields (no check in the window stopped the request half-way).
    expect(calls).toEqual([{ name: 'createBackup', input: { protection: { kind: 'passphrase', passphrase: 'short', confirmPassphrase: 'other' } } }])
    expect(errorOf(wrapper, 'backupPassphrase')).toBe('The passphrase must have at least 10 characters.')
    expect(errorOf(wrapper, 'backupPassphraseAgain')).toBe('The two passphrases are not the same.')
  })

  it('scheduled backups: no folder, a keep count that is not a number, no backup key, all shown at once', async () => {
    refusal = {
      code: 'VALIDATION' as ApiError['code'],
      message: 'Choose the folder for scheduled backups.',
      field: 'folder',
      reason: 'backup.folderRequired',
      fields: {
        folder: { message: 'folder', reason: 'backup.folderRequired' },
        keep: { message: 'keep', reason: 'backup.keepRange', params: { min: 1, max: 100 } },
        recipient: { message: 'key', reason: 'backup.keyRequired' },
      },
    }
    const wrapper = await mountSettings()
    await wrapper.get('input[name="scheduleEnabled"]').setValue(true)
    await wrapper.get('input[name="scheduleKeep"]').setValue('many')
    await wrapper.get('[data-testid="backup-schedule"]').trigger('submit')
    await flushPromises()
    // A keep count that is not a whole number goes to main as 0 (out of range), with the rest of the form.
    expect(calls).toEqual([{ name: 'setSchedule', input: { enabled: true, folder: null, frequency: 'daily', keep: 0 } }])
    expect(errorOf(wrapper, 'scheduleFolder')).toBe('Choose the folder for scheduled backups.')
    expect(errorOf(wrapper, 'scheduleKeep')).toBe('Keep from 1 to 100 backups.')
    expect(wrapper.get('[data-testid="backup-schedule-key-error"]').text()).toBe('Scheduled backups need a backup key: create one first.')
  })

  it('own recipient: refused at its field', async () => {
    refusal = { code: 'VALIDATION' as ApiError['code'], message: 'bad', field: 'recipient', reason: 'backup.recipientInvalid' }
    const wrapper = await mountSettings()
    await wrapper.get('input[name="ownRecipient"]').setValue('age1nope')
    await wrapper.get('input[name="ownRecipient"]').element.closest('form')!.dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(errorOf(wrapper, 'ownRecipient')).toBe('This is not an age recipient (age1… followed by 58 characters).')
  })
})

describe('the backup key shown once', () => {
  it('is copied by main (the window never writes the clipboard) and prints alone', async () => {
    const wrapper = await mountSettings()
    await wrapper.findAll('button').find((b) => b.text() === 'Create a backup key')!.trigger('click')
    await flushPromises()
    await wrapper.findAll('button').find((b) => b.text() === 'Copy')!.trigger('click')
    await flushPromises()
    expect(calls.map((call) => call.name)).toEqual(['createBackupKey', 'copyBackupKey'])
    expect(calls[1]!.input).toEqual({ identity: KEY.identity })
    expect(wrapper.get('[data-testid="backup-key-copied"]').text()).toBe('Copied. Keystead clears it from the clipboard in 60 seconds if it is still there.')
    // The print-only block (the same one the recovery codes use: .print-only) holds the key and nothing else of the app.
    const printout = wrapper.get('[data-testid="backup-key-print"]')
    expect(printout.classes()).toContain('print-only')
    expect(printout.get('pre').text()).toBe(KEY.identity)
    expect(printout.text()).toContain(KEY.recipient)
  })
})
