// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { PublicSshKey, SshKeySummary } from '../../src-preload/contract/ssh-keys.ts'
import SshKeyList from '../../src-renderer/src/components/ssh-keys/SshKeyList.vue'
import SshKeyPublicList from '../../src-renderer/src/components/ssh-keys/SshKeyPublicList.vue'
import { applyLocale, createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'

const PUBLIC_KEYS: PublicSshKey[] = [
  { title: 'Laptop', type: 'ssh-ed25519', bits: 256, fingerprintSHA256: 'SHA256:4Iuc0bB9zHXaBOcUm6A2tIDkhSXHZTP4Etrph3BqnsA' },
  { title: 'Token', type: 'sk-ecdsa-sha2-nistp256@openssh.com', bits: 256, fingerprintSHA256: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' },
]

const SUMMARY: SshKeySummary = {
  id: 7,
  title: 'Work laptop',
  type: 'ssh-rsa',
  bits: 3072,
  fingerprintSHA256: 'SHA256:abc',
  fingerprintMD5: 'MD5:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff',
  comment: 'me@work',
  options: 'no-pty',
  createdAt: '2026-11-23T12:00:00.000Z',
  expiresOn: '2026-11-20',
  isExpired: true,
}

beforeEach(() => setActivePinia(createPinia()))

describe('SshKeyPublicList', () => {
  it('shows each key with its title, type, size and fingerprint', () => {
    const wrapper = mount(SshKeyPublicList, { props: { keys: PUBLIC_KEYS }, global: { plugins: [createKeysteadI18n('en')] } })
    const list = wrapper.get('ul')
    expect(list.attributes('aria-label')).toBe('Public SSH keys')
    const items = wrapper.findAll('li')
    expect(items).toHaveLength(2)
    expect(items[0]!.text()).toContain('Laptop')
    expect(items[0]!.text()).toContain('ssh-ed25519 · 256 bits')
    expect(items[0]!.get('code').text()).toBe(PUBLIC_KEYS[0]!.fingerprintSHA256)
    expect(items[1]!.text()).toContain('sk-ecdsa-sha2-nistp256@openssh.com')
  })

  it('says so when there are none, in the account language', async () => {
    const i18n = createKeysteadI18n('de')
    await applyLocale('de') // German is its own chunk: loaded before the switch
    const wrapper = mount(SshKeyPublicList, { props: { keys: [] }, global: { plugins: [i18n] } })
    expect(wrapper.find('ul').exists()).toBe(false)
    expect(wrapper.text()).toBe('Keine öffentlichen SSH-Schlüssel.')
  })
})

describe('SshKeyList', () => {
  it('lists a key, marks it expired, shows MD5 on demand and emits copy and delete', async () => {
    const wrapper = mount(SshKeyList, { props: { keys: [SUMMARY] }, global: { plugins: [createKeysteadI18n('en')] } })
    const row = wrapper.get('[data-testid="ssh-key-7"]')
    expect(row.text()).toContain('Work laptop')
    expect(row.text()).toContain('Options: no-pty')
    expect(row.text()).toContain('Comment: me@work')
    expect(row.text()).toContain('3072 bits')
    expect(row.text()).toContain('Expired')
    expect(row.get('[data-testid="fingerprint"]').text()).toBe('SHA256:abc')
    const toggle = row.get('button[aria-pressed]')
    await toggle.trigger('click')
    expect(row.get('[data-testid="fingerprint"]').text()).toBe(SUMMARY.fingerprintMD5)
    expect(toggle.attributes('aria-pressed')).toBe('true')
    await row.get('button[aria-label="Copy the public key “Work laptop”"]').trigger('click')
    await row.get('button[aria-label="Delete the key “Work laptop”"]').trigger('click')
    expect(wrapper.emitted('copy')).toEqual([[SUMMARY]])
    expect(wrapper.emitted('delete')).toEqual([[SUMMARY]])
  })
})
