// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import type { BackupManifestView } from '../../src-preload/contract/backups.ts'
import BackupManifestSummary from '../../src-renderer/src/components/backups/BackupManifestSummary.vue'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'
import { createKeysteadI18n } from '../../src-renderer/src/i18n/index.ts'
import { useSessionStore } from '../../src-renderer/src/stores/session.ts'
import { makeCurrentAccount } from '../fixtures/current-account.ts'

/** What a backup holds: each count with its own plural form, in every language (the screenshot once said "1 accounts"). */
const manifest = (counts: Partial<BackupManifestView['counts']>): BackupManifestView => ({
  formatVersion: 1,
  appVersion: '1.0.0',
  schemaVersion: 1,
  createdAt: '2026-12-04T10:00:00.000Z',
  counts: { accounts: 0, sessions: 0, accessTokens: 0, apiKeys: 0, sshKeys: 0, pictures: 0, securityLog: 0, twoFactorEnabled: 0, ...counts },
  database: { bytes: 1, sha256: 'ab'.repeat(32) },
})

function mountSummary(locale: string, counts: Partial<BackupManifestView['counts']>, timezone = 'Europe/Berlin') {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().account = makeCurrentAccount({ language: locale, timezone, role: 'administrator' })
  return mount(BackupManifestSummary, {
    props: { manifest: manifest(counts), file: '/backups/k.age' },
    global: { plugins: [pinia, createKeysteadI18n(locale, buildMessages())] },
  })
}

const holds = (locale: string, counts: Partial<BackupManifestView['counts']>) => mountSummary(locale, counts).findAll('dd')[2]!.text()

describe('the backup manifest summary', () => {
  it('says "1 account" and "2 accounts", and so for every count (English)', () => {
    expect(holds('en', { accounts: 1, accessTokens: 1, sshKeys: 1, twoFactorEnabled: 1, securityLog: 1 })).toBe(
      '1 account, 1 access token, 1 SSH key, 1 with two-factor, 1 log entry',
    )
    expect(holds('en', { accounts: 2, accessTokens: 0, sshKeys: 3, twoFactorEnabled: 0, securityLog: 12 })).toBe(
      '2 accounts, 0 access tokens, 3 SSH keys, 0 with two-factor, 12 log entries',
    )
  })

  it('uses the German and Turkish forms', () => {
    expect(holds('de', { accounts: 1, securityLog: 1 })).toBe('1 Konto, 0 Zugriffstoken, 0 SSH-Schlüssel, 0 mit Zwei-Faktor, 1 Protokolleintrag')
    expect(holds('de', { accounts: 2, securityLog: 5 })).toBe('2 Konten, 0 Zugriffstoken, 0 SSH-Schlüssel, 0 mit Zwei-Faktor, 5 Protokolleinträge')
    expect(holds('tr', { accounts: 1, securityLog: 4 })).toBe('1 hesap, 0 erişim belirteci, 0 SSH anahtarı, 0 iki adımlı, 4 kayıt satırı')
  })

  it('shows when the backup was made in the time zone and date style of the account', () => {
    // 10:00 UTC is 19:00 in Tokyo and 11:00 in Berlin.
    expect(mountSummary('en', {}, 'Asia/Tokyo').findAll('dd')[1]!.text()).toBe('Dec 4, 2026, 7:00 PM · Keystead 1.0.0')
    expect(mountSummary('de', {}, 'Europe/Berlin').findAll('dd')[1]!.text()).toBe('04.12.2026, 11:00 · Keystead 1.0.0')
  })
})
