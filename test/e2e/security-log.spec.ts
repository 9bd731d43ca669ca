import type { Page } from '@playwright/test'
import { insertSecurityLogEntry } from '../../src-main/db/repositories/security-log-repo.ts'
import { deriveSecurityLogMACKey } from '../../src-main/services/audit/log-chain.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'

const PASSWORD = 'wonderland 1'
const DAY = 86_400_000

test.describe.configure({ timeout: 120_000 })

async function signIn(app: KeysteadApp): Promise<Page> {
  const page = await app.openWindow()
  await page.getByLabel('Username').fill('alice')
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('profile-username')).toHaveText('alice')
  return page
}

/** Past sign-ins and failures for the chart, written the one way entries are written (chained, head authenticated). */
function seedActivity(app: KeysteadApp, accountId: number): void {
  const services = app.test.core.services!
  const macKey = deriveSecurityLogMACKey(services.secretBox)
  const now = Date.now()
  const plan: Array<[number, string, number]> = [
    [20, 'signin', 2],
    [20, 'signin.failed', 1],
    [12, 'signin', 1],
    [9, 'signin.failed', 6],
    [9, 'twofactor.failed', 2],
    [4, 'signin', 3],
    [1, 'signin', 1],
  ]
  for (const [daysAgo, kind, count] of plan) {
    for (let i = 0; i < count; i++) {
      insertSecurityLogEntry(
        services.db,
        { account_id: accountId, at: now - daysAgo * DAY + i * 60_000, kind, session_id: null, device: 'Firefox on Windows (x64)', detail: JSON.stringify(kind === 'twofactor.failed' ? { method: 'totp' } : { origin: 'app' }) },
        macKey,
      )
    }
  }
}

async function openSecurityLog(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

test('the Security log: entries in words in three languages, intact then broken, reminders, the activity chart', async ({ app }) => {
  const services = app.test.core.services!
  const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD, timezone: 'Europe/Berlin' })
  const soon = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10)
  services.tokens.createToken(account.id, { title: 'Backup', isEnabled: false, scope: 'read-only', expiry: { kind: 'date', date: soon } })
  services.sshKeys.addKey(account.id, { title: 'Laptop', publicKey: buildEd25519Line('me@laptop'), expiresOn: new Date(Date.now() + 5 * DAY).toISOString().slice(0, 10) })
  seedActivity(app, account.id)

  const page = await signIn(app)
  // Reminders right after sign-in.
  const reminders = page.getByTestId('reminder')
  await expect(reminders).toHaveCount(2)
  await expect(reminders.first()).toContainText('Access token “Backup” expires')
  await expect(reminders.nth(1)).toContainText('SSH key “Laptop” expires on')

  await openSecurityLog(page, 'Security log')
  const integrity = page.getByTestId('log-integrity')
  const total = (services.db.prepare('SELECT count(*) FROM security_log WHERE account_id = ?').pluck().get(account.id) as number)
  await expect(integrity).toHaveText(`✓ All ${total} entries are intact.`)
  const rows = page.getByTestId('log-entry')
  await expect(rows.first().getByTestId('log-entry-name')).toHaveText('Signed in')
  await expect(rows.first().getByTestId('log-entry-sentence')).toHaveText('Signed in — in this window')
  const created = page.locator('[data-kind="token.created"]')
  await page.getByLabel('Show').selectOption({ label: 'Access token created' })
  await expect(created.getByTestId('log-entry-sentence')).toHaveText(/^Access token “Backup” created: read-only, expires .+, switched off — by Keystead$/)
  await expect(created.getByRole('link', { name: 'Open Access tokens' })).toBeVisible()
  // The filter names every kind, grouped.
  const groups = await page.getByLabel('Show').locator('optgroup').evaluateAll((list) => list.map((g) => g.getAttribute('label')))
  expect(groups).toEqual(['Sign-ins', 'Password and two-factor', 'Tokens and API key', 'SSH keys', 'Sessions', 'Profile', 'Administration'])
  await page.getByLabel('Show').selectOption({ label: 'All events' })

  // The chart: bars, a summary for screen readers and the table alternative.
  const chart = page.getByTestId('activity-chart')
  await expect(chart.locator('svg rect')).not.toHaveCount(0)
  await expect(page.getByTestId('activity-summary')).toContainText('In the last 30 days: 8 sign-ins, 7 failed sign-ins and 2 failed second factors.')
  await expectAccessible(page, 'security log')
  await page.screenshot({ path: `${SCREENSHOT_DIR}/security-log.png`, fullPage: true })
  await chart.getByText('Show as a table').click()
  await expect(page.getByTestId('activity-table').locator('tbody tr')).toHaveCount(30)
  await expectAccessible(page, 'security log with the table')

  // German and Turkish: the account's language through the Profile screen.
  for (const [language, profileName, logName, signedIn, intactPattern] of [
    ['de', 'Profil', 'Sicherheitsprotokoll', 'Angemeldet — in diesem Fenster', /✓ Alle \d+ Einträge sind unverändert\.$/],
    ['tr', 'Profil', 'Güvenlik kaydı', 'Oturum açıldı — bu pencereden', /✓ \d+ kaydın tümü bozulmamış\.$/],
  ] as const) {
    await page.getByRole('navigation').getByRole('link', { name: /^(Profile|Profil)$/ }).click()
    await page.getByLabel(/^(Language|Sprache|Dil)$/).selectOption(language)
    await page.getByTestId('profile-save').click()
    await expect(page.getByRole('navigation').getByRole('link', { name: logName })).toBeVisible()
    await openSecurityLog(page, logName)
    await expect(page.locator('[data-kind="signin"]').first().getByTestId('log-entry-sentence')).toHaveText(signedIn)
    await expect(page.getByTestId('log-integrity')).toHaveText(intactPattern)
    void profileName
  }
  await expect(page.locator('[data-kind="signin.failed"]').first().getByTestId('log-entry-name')).toHaveText('Başarısız oturum açma')

  // Changed behind Keystead's back: the screen names the first broken entry.
  services.db.prepare("UPDATE security_log SET detail = replace(detail, 'Backup', 'Backu9') WHERE kind = 'token.created'").run()
  await page.getByRole('navigation').getByRole('link', { name: 'Profil' }).click()
  await openSecurityLog(page, 'Güvenlik kaydı')
  await expect(page.getByTestId('log-integrity')).toHaveAttribute('data-state', 'broken')
  await expect(page.getByTestId('log-integrity')).toContainText('Bu günlük Keystead dışında değiştirildi. İlk bozuk kayıt:')
  await expect(page.getByTestId('log-integrity')).toContainText('Erişim belirteci oluşturuldu')
  expect(app.problems).toEqual([])
})

test('a reminder is dismissed for a week from the banner', async ({ app }) => {
  const services = app.test.core.services!
  const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
  services.tokens.createToken(account.id, { title: 'Soon', isEnabled: true, scope: 'read-only', expiry: { kind: 'date', date: new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10) } })
  const page = await signIn(app)
  await expect(page.getByTestId('reminder')).toHaveCount(1)
  await page.getByRole('button', { name: 'Dismiss for a week' }).click()
  await expect(page.getByTestId('reminder')).toHaveCount(0)
  expect(services.reminders.listReminders(account.id)).toEqual([])
  expect(services.reminders.listReminders(account.id, { includeDismissed: true })).toHaveLength(1)
})
