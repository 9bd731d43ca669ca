import type { Page } from '@playwright/test'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'

/** Creates alice (Berlin time), signs in through the UI and opens the tokens screen. */
async function openTokensScreen(app: KeysteadApp): Promise<{ page: Page; accountId: number }> {
  const services = app.test.core.services!
  const account = await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1', fullName: 'Alice Liddell', timezone: 'Europe/Berlin' })
  const page = await app.openWindow()
  await page.getByLabel('Password').fill('wonderland 1')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('profile-username')).toHaveText('alice')
  await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'Access tokens' }).click()
  await expect(page.getByRole('heading', { name: 'Access tokens', level: 1 })).toBeVisible()
  return { page, accountId: account.id }
}

const tokenCount = (app: KeysteadApp) => (app.test.core.services!.db.prepare('SELECT count(*) AS n FROM access_tokens').get() as { n: number }).n

test.describe('tokens screen', () => {
  test('shows the API key obfuscated and copies it in main with a click', async ({ app }) => {
    const { page, accountId } = await openTokensScreen(app)
    const apiKey = app.test.core.services!.apiKeys.revealApiKey(accountId)
    const masked = page.getByTestId('api-key-masked')
    await expect(masked.locator('code')).toHaveText(`ksk_${'•'.repeat(16)}${apiKey.slice(-4)}`)
    // The window never holds the key: not in the page, not in anything it received.
    expect(await page.content()).not.toContain(apiKey.slice(4, 30))
    await masked.click()
    await expect(page.getByRole('status').filter({ hasText: 'Copied.' })).toContainText('60 seconds')
    expect(app.test.platform.clipboardText).toBe(apiKey)
    app.test.platform.clipboardText = ''
    await page.getByRole('button', { name: 'Copy', exact: true }).click()
    await expect.poll(() => app.test.platform.clipboardText).toBe(apiKey)
    await expectAccessible(page, 'tokens screen')
    expect(app.problems).toEqual([])
  })

  test('generates a token, copies it, shows it only once, disables and deletes it', async ({ app }) => {
    const { page, accountId } = await openTokensScreen(app)
    const services = app.test.core.services!
    await expect(page.getByTestId('tokens-empty')).toHaveText('You have no access tokens yet.')

    // Bad input: missing title, then a date in the past; each a clear error, nothing created.
    await page.getByRole('button', { name: 'New access token' }).click()
    const dialog = page.getByRole('dialog', { name: 'New access token' })
    await expect(dialog).toBeVisible()
    await expect(dialog.getByLabel('Enabled')).toBeChecked()
    await expectAccessible(page, 'new access token form')
    await dialog.getByRole('button', { name: 'Generate token' }).click()
    await expect(dialog.getByText('Give the token a title.')).toBeVisible()
    expect(tokenCount(app)).toBe(0)
    await dialog.getByLabel('Title').fill('CI deploy')
    await dialog.getByLabel('Expires').selectOption({ label: 'On a date I choose' })
    await dialog.getByLabel('Expiry date').fill('2020-05-01')
    await dialog.getByRole('button', { name: 'Generate token' }).click()
    await expect(dialog.getByText('That date has already passed. Choose today or a later day.')).toBeVisible()
    expect(tokenCount(app)).toBe(0)

    // A good token: 90 days, read and write.
    await dialog.getByLabel('Expires').selectOption({ label: 'In 90 days' })
    await dialog.getByLabel('Read and write').check()
    await dialog.getByRole('button', { name: 'Generate token' }).click()
    await expect(dialog).toBeHidden()
    const shown = page.getByTestId('secret-once-value')
    await expect(shown).toHaveText(/^kst_[0-9A-Za-z]{42}$/)
    const token = (await shown.textContent())!
    await expect(page.getByTestId('secret-once')).toContainText('can never show it again')
    expect(services.credentials.verifyCredential(token)).toMatchObject({ ok: true, accountId, scope: 'read-write', kind: 'token' })

    await page.getByTestId('secret-once').getByRole('button', { name: 'Copy' }).click()
    await expect(page.getByTestId('secret-once').getByRole('status')).toContainText('Copied.')
    expect(app.test.platform.clipboardText).toBe(token)

    const row = page.getByRole('row', { name: /CI deploy/ })
    await expect(row).toContainText(`${token.slice(0, 12)}…`)
    await expect(row).not.toContainText(token.slice(12))
    await expect(row.getByRole('switch', { name: 'Token “CI deploy” enabled' })).toBeChecked()

    // A duplicate title (case ignored) is refused.
    await page.getByRole('button', { name: 'New access token' }).click()
    await dialog.getByLabel('Title').fill('ci DEPLOY')
    await dialog.getByRole('button', { name: 'Generate token' }).click()
    await expect(dialog.getByText('You already have a token with this title.')).toBeVisible()
    expect(tokenCount(app)).toBe(1)
    await dialog.getByRole('button', { name: 'Cancel' }).click()

    // An expired token (made earlier, its day now past) is marked in the list.
    const old = services.tokens.createToken(accountId, { title: 'Old backup script', isEnabled: true, scope: 'read-only', expiry: { kind: 'days', days: 7 } })
    services.db.prepare('UPDATE access_tokens SET expires_at = ?, created_at = ? WHERE id = ?').run(Date.now() - 3_600_000, Date.now() - 8 * 86_400_000, old.summary.id)
    await page.getByRole('link', { name: 'Profile' }).first().click()
    await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'Access tokens' }).click()

    // Navigated away and back: the full token is gone for good.
    await expect(page.getByRole('row', { name: /CI deploy/ })).toBeVisible()
    await expect(page.getByTestId('secret-once')).toHaveCount(0)
    expect(await page.content()).not.toContain(token.slice(12))
    await expect(page.getByRole('row', { name: /Old backup script/ })).toContainText('Expired')
    expect(services.credentials.verifyCredential(old.token)).toEqual({ ok: false, reason: 'expired' })

    // Screenshot for the README: a fresh token shown once above the table.
    await page.getByRole('button', { name: 'New access token' }).click()
    await dialog.getByLabel('Title').fill('Nightly report')
    await dialog.getByLabel('Expires').selectOption({ label: 'In 30 days' })
    await dialog.getByRole('button', { name: 'Generate token' }).click()
    await expect(page.getByTestId('secret-once-value')).toBeVisible()
    await expectAccessible(page, 'tokens screen with a new token')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/tokens.png`, fullPage: true })
    await page.getByRole('button', { name: 'Done' }).click()
    await expect(page.getByTestId('secret-once')).toHaveCount(0)

    // Disable from the table: refused at once; the security log has it.
    await row.getByRole('switch').click()
    await expect(row.getByRole('switch')).not.toBeChecked()
    await expect.poll(() => services.credentials.verifyCredential(token)).toEqual({ ok: false, reason: 'disabled' })

    // Delete asks first; Cancel keeps it.
    await row.getByRole('button', { name: 'Delete CI deploy' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete this access token?' })
    await expect(confirm).toContainText('Programs that use “CI deploy” lose access at once.')
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(tokenCount(app)).toBe(3)
    await row.getByRole('button', { name: 'Delete CI deploy' }).click()
    await confirm.getByRole('button', { name: 'Delete token' }).click()
    await expect(page.getByRole('row', { name: /CI deploy/ })).toHaveCount(0)
    expect(tokenCount(app)).toBe(2)
    expect(services.credentials.verifyCredential(token)).toEqual({ ok: false, reason: 'unknown' })
    const kinds = (services.db.prepare("SELECT kind FROM security_log WHERE kind LIKE 'token.%' ORDER BY id").all() as Array<{ kind: string }>).map((r) => r.kind)
    expect(kinds).toEqual(['token.created', 'token.created', 'token.created', 'token.disabled', 'token.deleted'])
    expect(app.problems).toEqual([])
  })

  test('regenerates the API key through the warning and a password check; the old key fails at once', async ({ app }) => {
    const { page, accountId } = await openTokensScreen(app)
    const services = app.test.core.services!
    const oldKey = services.apiKeys.revealApiKey(accountId)
    // The sign-in was a while ago: the password must be confirmed again.
    services.db.prepare('UPDATE sessions SET last_auth_at = 0').run()

    await page.getByRole('button', { name: 'Generate new API key' }).click()
    const warning = page.getByRole('dialog', { name: 'Replace your API key?' })
    await expect(warning).toContainText('takes the place of the current one straight away')
    await expect(warning).toContainText('will be refused from that moment on')
    await expectAccessible(page, 'regenerate API key warning')
    await warning.getByRole('button', { name: 'Cancel' }).click()
    await expect(warning).toBeHidden()
    expect(services.apiKeys.revealApiKey(accountId)).toBe(oldKey)

    await page.getByRole('button', { name: 'Generate new API key' }).click()
    await warning.getByRole('button', { name: 'Yes, replace the key' }).click()
    const reauth = page.getByRole('dialog', { name: 'Confirm your password' })
    await reauth.getByLabel('Password').fill('wrong password 1')
    await reauth.getByRole('button', { name: 'Confirm' }).click()
    await expect(reauth.getByText('The password is incorrect.')).toBeVisible()
    expect(services.apiKeys.revealApiKey(accountId)).toBe(oldKey)
    await reauth.getByLabel('Password').fill('wonderland 1')
    await reauth.getByRole('button', { name: 'Confirm' }).click()

    const shown = page.getByTestId('secret-once-value')
    await expect(shown).toHaveText(/^ksk_[0-9A-Za-z]{42}$/)
    const newKey = (await shown.textContent())!
    expect(newKey).not.toBe(oldKey)
    await expect(page.getByTestId('api-key-masked').locator('code')).toHaveText(`ksk_${'•'.repeat(16)}${newKey.slice(-4)}`)
    expect(services.credentials.verifyCredential(oldKey)).toEqual({ ok: false, reason: 'unknown' })
    expect(services.credentials.verifyCredential(newKey)).toMatchObject({ ok: true, accountId, kind: 'api-key' })
    await page.getByTestId('secret-once').getByRole('button', { name: 'Copy' }).click()
    await expect.poll(() => app.test.platform.clipboardText).toBe(newKey)
    expect(services.db.prepare("SELECT count(*) AS n FROM security_log WHERE kind = 'apikey.regenerated'").get()).toEqual({ n: 1 })
    expect(app.problems).toEqual([])
  })
})
