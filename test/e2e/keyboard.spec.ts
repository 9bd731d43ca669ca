import type { Page } from '@playwright/test'
import { generateTOTP } from '../../src-main/services/totp.ts'
import { expect, test } from './bridge.ts'

/**
 * Keyboard only, focus asserted at each step: sign in (password, then the two-factor code), open the profile menu,
 * go to Access tokens, create a token, copy it, put it away, sign out.
 */
const PASSWORD = 'wonderland 1'

/** Presses `key` until the focused element matches `selector` (at most `limit` presses): a keyboard user's Tab walk. */
async function pressUntilFocused(page: Page, key: string, selector: string, limit = 30): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
    await page.keyboard.press(key)
  }
  await expect(page.locator(selector)).toBeFocused()
}

test('keyboard only: sign in with two-factor, profile menu, create and copy a token, sign out', async ({ app }) => {
  test.setTimeout(120_000)
  const services = app.test.core.services!
  const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD, fullName: 'Alice Liddell' })
  const { secret } = services.twoFactor.beginTwoFactorSetup(account)
  // Turned on with the previous 30-second step's code, so the current one is still unused for the sign-in.
  await services.twoFactor.confirmTwoFactorSetup(account, await generateTOTP(secret, Math.floor(Date.now() / 1000) - 30))
  const page = await app.openWindow()

  // Sign-in: the one account's name is filled in, so the password field has the focus.
  await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
  await expect(page.getByLabel('Password')).toBeFocused()
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Enter')

  // The second step takes the focus at once: typing the code works without a Tab.
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible()
  await expect(page.getByLabel('6-digit code')).toBeFocused()
  await page.keyboard.type(await generateTOTP(secret, Math.floor(Date.now() / 1000)))
  await page.keyboard.press('Enter')

  // Signed in: the new screen's heading has the focus.
  await expect(page.getByRole('heading', { level: 1, name: 'Profile settings' })).toBeFocused()

  // The profile menu: Enter opens it on its first item; arrows move; Tab past it closes it (nothing left open on top).
  await pressUntilFocused(page, 'Shift+Tab', '[data-testid="profile-menu"]')
  await page.keyboard.press('Enter')
  const menu = page.getByRole('menu')
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(menu.getByRole('menuitem', { name: 'Sign out' })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(menu).toHaveCount(0)
  // Escape closes it and gives the focus back to its button.
  await pressUntilFocused(page, 'Shift+Tab', '[data-testid="profile-menu"]')
  await page.keyboard.press('Enter')
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
  await expect(page.getByTestId('profile-menu')).toBeFocused()

  // Access tokens from the menu: the screen's heading takes the focus.
  await page.keyboard.press('Enter')
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown')
  await expect(menu.getByRole('menuitem', { name: 'Access tokens' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Access tokens' })).toBeFocused()

  // New token: the dialog opens on its title; Enter generates it; the focus lands on Copy.
  await pressUntilFocused(page, 'Tab', '[data-testid="token-new"]')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'New access token' })
  await expect(dialog.getByLabel('Title')).toBeFocused()
  // Tab stays inside the dialog: after its last control comes its first again (no invisible stop).
  await pressUntilFocused(page, 'Tab', 'dialog[open] button[type="submit"]')
  await page.keyboard.press('Tab')
  await expect(page.locator('dialog[open]')).toContainText('New access token')
  expect(await page.evaluate(() => document.querySelector('dialog[open]')?.contains(document.activeElement) ?? false)).toBe(true)
  await dialog.getByLabel('Title').focus()
  await page.keyboard.type('Keyboard deploy')
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  const secretOnce = page.getByTestId('secret-once')
  await expect(secretOnce.getByRole('button', { name: 'Copy' })).toBeFocused()
  const token = (await page.getByTestId('secret-once-value').textContent())!
  expect(token).toMatch(/^kst_/)
  await page.keyboard.press('Enter')
  await expect(secretOnce.getByRole('status')).toContainText('Copied.')
  expect(app.test.platform.clipboardText).toBe(token)

  // Put it away: Done, and the focus returns to "New access token".
  await page.keyboard.press('Tab')
  await expect(secretOnce.getByRole('button', { name: 'Done' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(secretOnce).toHaveCount(0)
  await expect(page.getByTestId('token-new')).toBeFocused()

  // Sign out from the menu (ArrowUp wraps to its last item): the sign-in screen's password field has the focus.
  await pressUntilFocused(page, 'Shift+Tab', '[data-testid="profile-menu"]')
  await page.keyboard.press('Enter')
  await page.keyboard.press('ArrowUp')
  await expect(menu.getByRole('menuitem', { name: 'Sign out' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
  await expect(page.getByLabel('Password')).toBeFocused()
  expect(app.problems).toEqual([])
})
