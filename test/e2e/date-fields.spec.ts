import type { Page } from '@playwright/test'
import { expectAccessible } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'

/**
 * Date fields follow the app's language, not the browser's: in the German UI (Chromium itself runs in English
 * here, so its own date input would show mm/dd/yyyy) a day is shown and typed as TT.MM.JJJJ and saved as that day.
 */
test.describe.configure({ timeout: 120_000 })

const PASSWORD = 'wonderland 1'

async function signInGerman(app: KeysteadApp): Promise<{ page: Page; accountId: number }> {
  const account = await app.test.core.services!.accounts.createAccount({ username: 'anna', password: PASSWORD, timezone: 'Europe/Berlin', language: 'de' })
  const page = await app.openWindow()
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')
  await page.locator('input[name="password"]').fill(PASSWORD)
  await page.getByRole('button', { name: 'Anmelden' }).click()
  await expect(page.getByTestId('profile-menu')).toBeVisible()
  return { page, accountId: account.id }
}

async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((hash) => (location.hash = hash), path)
  await page.waitForFunction((hash) => location.hash === `#${hash}` && document.querySelector('h1') !== null, path)
}

/** The day (YYYY-MM-DD) an instant falls on in Berlin. */
const berlinDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms)

test('a token expiry date in German: shown as TT.MM.JJJJ, typed by keyboard, a day that does not exist refused at the field, saved as the typed day', async ({ app }) => {
  const { page, accountId } = await signInGerman(app)
  const services = app.test.core.services!
  await go(page, '/tokens')
  await page.getByTestId('token-new').click()
  const dialog = page.locator('dialog[open]')
  await dialog.getByLabel('Titel').fill('Deploy')
  await dialog.locator('select[name="expiry"]').selectOption('date')
  const field = dialog.getByTestId('date-field-text')
  await expect(field).toHaveAttribute('placeholder', 'TT.MM.JJJJ')
  await expect(dialog.getByText(/^Schreiben Sie das Datum als TT\.MM\.JJJJ, zum Beispiel 31\.12\.\d{4}\.$/)).toBeVisible()
  await expect(dialog.locator('input[type="date"]')).not.toBeFocused()

  // By keyboard: a day that does not exist is flagged as soon as the field is left, and main refuses it too.
  await field.focus()
  await page.keyboard.type('31.02.2099')
  await page.keyboard.press('Tab')
  await expect(dialog.getByTestId('date-field-error')).toHaveText('Den Tag 31.02.2099 gibt es nicht. Geben Sie das Datum als TT.MM.JJJJ ein.')
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await dialog.locator('button[type="submit"]').click()
  await expect(dialog.getByTestId('date-field-error')).toHaveText('Den Tag 31.02.2099 gibt es nicht. Geben Sie das Datum als TT.MM.JJJJ ein.')
  expect(services.tokens.listTokens(accountId)).toHaveLength(0)
  await expectAccessible(page, 'German token dialog with a date error')

  // A German date: 5 January (in English order it would be 1 May), shown back the German way.
  await field.fill('')
  await field.pressSequentially('5.1.2099')
  await page.keyboard.press('Tab')
  await expect(field).toHaveValue('05.01.2099')
  await expect(dialog.getByTestId('date-field-error')).toHaveCount(0)
  await dialog.locator('button[type="submit"]').click()
  await expect(page.getByTestId('secret-once-value')).toBeVisible()
  const [token] = services.tokens.listTokens(accountId)
  expect(berlinDay(Date.parse(token!.expiresAt!))).toBe('2099-01-05')
  await expect(page.getByRole('row', { name: /Deploy/ })).toContainText('05.01.2099')
  expect(app.problems).toEqual([])
})

test('an SSH key expiry in German: ISO text works too, and the key expires on the typed day', async ({ app }) => {
  const { page, accountId } = await signInGerman(app)
  const services = app.test.core.services!
  await go(page, '/ssh-keys')
  await page.locator('textarea[name="publicKey"]').fill(buildEd25519Line('anna@laptop'))
  await expect(page.getByTestId('ssh-key-preview')).toBeVisible()
  const field = page.getByTestId('ssh-key-form').getByTestId('date-field-text')
  await expect(field).toHaveAttribute('placeholder', 'TT.MM.JJJJ')
  await field.fill('2099-12-31')
  await field.blur()
  await expect(field).toHaveValue('31.12.2099') // ISO typed, the German way shown
  await field.fill('30.11.2099')
  await page.getByTestId('ssh-key-form').locator('button[type="submit"]').click()
  await expect(page.getByTestId('ssh-keys-status')).toBeVisible()
  expect(services.sshKeys.listKeys(accountId).map((key) => key.expiresOn)).toEqual(['2099-11-30'])
  await expect(page.getByTestId('ssh-key-list').locator('tbody tr')).toContainText('30.11.2099')
  expect(app.problems).toEqual([])
})
