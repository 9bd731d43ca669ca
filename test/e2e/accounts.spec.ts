import type { Page } from '@playwright/test'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'

async function signInWindow(app: KeysteadApp, username: string, password: string): Promise<Page> {
  const page = await app.openWindow()
  await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  return page
}

/** Presses Tab until the element with this test id has the focus (at most `limit` times): it is reachable by keyboard. */
async function tabTo(page: Page, testId: string, limit = 15): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${testId}`)
}

/**
 * Where the username cell or the Actions button of a row lies outside the table box's visible part, with the box
 * scrolled fully left and then fully right (and whether the box scrolls at all: otherwise the check proves nothing).
 */
async function rowEndsOutOfView(page: Page): Promise<string[]> {
  return page.locator('.table-scroll').evaluate((box) => {
    const problems: string[] = []
    if (box.scrollWidth <= box.clientWidth) problems.push(`the table fits its box (${box.scrollWidth} px): nothing scrolls`)
    const edges = box.getBoundingClientRect()
    for (const left of [0, box.scrollWidth]) {
      box.scrollLeft = left
      for (const row of box.querySelectorAll('tbody tr')) {
        for (const end of [row.firstElementChild, row.lastElementChild?.querySelector('button')]) {
          const at = end!.getBoundingClientRect()
          if (at.left < edges.left - 1 || at.right > edges.right + 1)
            problems.push(`${row.getAttribute('data-testid')}: "${end!.textContent?.trim()}" at ${Math.round(at.left)}-${Math.round(at.right)} px, the box shows ${Math.round(edges.left)}-${Math.round(edges.right)} (scrolled ${box.scrollLeft} px)`)
        }
      }
    }
    box.scrollLeft = 0
    return problems
  })
}

test.describe.configure({ timeout: 120_000 })

test.describe('the Accounts screen', () => {
  test.beforeEach(async ({ app }) => {
    const services = app.test.core.services!
    await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1', fullName: 'Alice Liddell', email: 'alice@example.org' })
    await services.accounts.createAccount({ username: 'bob', password: 'builder 22x', fullName: 'Bob Builder', email: 'bob@example.org' })
    const bob = services.accounts.findAccountByUsername('bob')!
    // 2FA on for bob, straight in the store (the enrollment itself is tested elsewhere).
    services.twoFactor.beginTwoFactorSetup(bob)
    services.db.prepare('UPDATE two_factor SET enabled_at = ? WHERE account_id = ?').run(Date.now(), bob.id)
    for (let i = 0; i < 30; i++) await services.accounts.createAccount({ username: `user${String(i).padStart(2, '0')}`, password: 'longenough 12', fullName: `Person ${i}` })
  })

  test('an administrator locks, unlocks, resets 2FA and creates an account', async ({ app }) => {
    const page = await signInWindow(app, 'alice', 'wonderland 1')
    await expect(page.getByTestId('header-role')).toHaveText('Administrator')
    await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'Accounts' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible()
    const table = page.getByTestId('accounts-table')
    await expect(table.getByTestId('account-row-alice')).toBeVisible()
    await expect(table.locator('tbody tr')).toHaveCount(25)
    await page.getByTestId('accounts-next').click()
    await expect(table.locator('tbody tr')).toHaveCount(7)
    await page.getByTestId('accounts-previous').click()
    await expect(table.locator('tbody tr')).toHaveCount(25)

    await page.getByTestId('accounts-search').fill('bo')
    await expect(table.locator('tbody tr')).toHaveCount(1)
    await expect(table.getByTestId('account-row-bob')).toContainText('bob@example.org')

    // Lock (confirmed), then unlock.
    await page.getByTestId('account-actions-bob').click()
    const dialog = page.getByTestId('account-actions')
    await dialog.getByTestId('account-action-lock').click()
    await dialog.getByTestId('account-action-run').click()
    await expect(dialog.getByTestId('account-action-done')).toHaveText('bob is locked.')
    await expect(page.getByTestId('account-locked-bob')).toContainText('Locked')
    expect(app.test.core.services!.accounts.findAccountByUsername('bob')!.locked_at).not.toBeNull()
    await dialog.getByTestId('account-action-unlock').click()
    await dialog.getByTestId('account-action-run').click()
    await expect(dialog.getByTestId('account-action-done')).toHaveText('bob is unlocked.')
    await expect(page.getByTestId('account-locked-bob')).not.toContainText('Locked')

    // Reset two-factor authentication.
    await dialog.getByTestId('account-action-resetTwoFactor').click()
    await dialog.getByTestId('account-action-run').click()
    await expect(dialog.getByTestId('account-action-done')).toHaveText('Two-factor authentication of bob is off.')
    expect(app.test.core.services!.twoFactor.isTwoFactorEnabled(app.test.core.services!.accounts.findAccountByUsername('bob')!.id)).toBe(false)
    await dialog.getByTestId('account-actions-close').click()

    // Create an account: the temporary password is shown once.
    await page.getByTestId('account-create').click()
    const form = page.getByTestId('account-create-form')
    await form.getByLabel('Username').fill('carol')
    await form.getByLabel('Full name').fill('Carol Danvers')
    await form.getByTestId('account-create-submit').click()
    const shown = page.getByTestId('temporary-password-value')
    await expect(shown).toHaveText(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)
    const temporary = (await shown.textContent())!
    await page.getByTestId('account-create-done').click()
    expect(app.test.core.services!.accounts.findAccountByUsername('carol')!.must_change_password).toBe(1)

    await page.getByTestId('accounts-search').fill('')
    await page.getByTestId('accounts-sort-fullName').click()
    await expect(table.locator('tbody tr').first()).toContainText('alice')
    await page.setViewportSize({ width: 800, height: 600 })
    // The table scrolls inside its own box: the page is never wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800)
    // Wherever the box is scrolled, every row shows whose it is and its Actions button (at 800 px and at the default size).
    expect(await rowEndsOutOfView(page)).toEqual([])
    await page.setViewportSize({ width: 1100, height: 760 })
    expect(await rowEndsOutOfView(page)).toEqual([])
    await expectAccessible(page, 'accounts')
    await page.locator('.table-scroll').evaluate((box) => box.scrollTo({ left: 0 }))
    await page.screenshot({ path: `${SCREENSHOT_DIR}/accounts.png`, fullPage: true })

    // Carol's first sign-in goes to the change-password screen and nowhere else.
    const carol = await signInWindow(app, 'carol', temporary)
    await expect(carol.getByTestId('change-password-screen')).toBeVisible()
    await carol.evaluate(() => (location.hash = '#/tokens'))
    await expect(carol.getByTestId('change-password-screen')).toBeVisible()
  })

  test("an administrator opens an account's profile page from its row, by keyboard; the create dialog shows every error at its field", async ({ app }) => {
    const services = app.test.core.services!
    const bob = services.accounts.findAccountByUsername('bob')!
    services.db.prepare("UPDATE accounts SET description = 'Builds things.' WHERE id = ?").run(bob.id)
    services.tokens.createToken(bob.id, { title: 'CI', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } })
    const page = await signInWindow(app, 'alice', 'wonderland 1')
    await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'Accounts' }).click()
    await page.getByTestId('accounts-search').fill('bob')
    await expect(page.getByTestId('accounts-table').locator('tbody tr')).toHaveCount(1)

    await page.getByTestId('account-actions-bob').focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByTestId('account-actions')
    await expect(dialog).toBeVisible()
    await tabTo(page, 'account-action-viewProfile')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('account-profile-username')).toHaveText('bob')
    expect(await page.evaluate(() => location.hash)).toBe(`#/accounts/${bob.id}`)
    await expect(page.getByTestId('account-actions')).toHaveCount(0)
    await expect(page.getByTestId('account-profile-role')).toHaveText('Member')
    await expect(page.getByTestId('account-profile-email')).toHaveText('bob@example.org')
    await expect(page.getByTestId('account-profile-two-factor')).toHaveText('On')
    await expect(page.getByTestId('account-profile-locked')).toHaveText('No')
    await expect(page.getByTestId('account-profile-tokens')).toHaveText('1')
    await expect(page.getByTestId('account-profile-sessions')).toHaveText('0')
    await expect(page.getByTestId('account-profile-description')).toHaveText('Builds things.')
    // Read-only: no field to edit, no button that changes the account.
    await expect(page.locator('main input, main textarea, main select')).toHaveCount(0)
    await expectAccessible(page, 'account profile page')
    await tabTo(page, 'account-profile-back', 40)
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible()

    // Create account: a bad username, a too-long name, a bad e-mail and a common password, all shown at once.
    await page.getByTestId('account-create').click()
    const form = page.getByTestId('account-create-form')
    await form.getByLabel('Username').fill('1bad')
    await form.getByLabel('Full name').fill('n'.repeat(101))
    await form.getByLabel('E-mail').fill('a@')
    await form.getByLabel('Temporary password (optional)').fill('password1')
    await form.getByTestId('account-create-submit').click()
    await expect(form.locator('.field__error')).toHaveCount(4)
    await expect(form.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByLabel('Full name')).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByLabel('E-mail')).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByLabel('Temporary password (optional)')).toHaveAttribute('aria-invalid', 'true')
    expect(services.accounts.findAccountByUsername('1bad')).toBeUndefined()
    await form.getByRole('button', { name: 'Cancel' }).click()

    // Set a temporary password: a common one is refused at its field, and nothing changes.
    const hashBefore = services.accounts.findAccountByUsername('bob')!.password_hash
    await page.getByTestId('account-actions-bob').click()
    const actions = page.getByTestId('account-actions')
    await actions.getByTestId('account-action-temporaryPassword').click()
    await actions.getByLabel('Temporary password (optional)').fill('password1')
    await actions.getByTestId('account-action-run').click()
    await expect(actions.locator('.field__error')).toHaveCount(1)
    await expect(actions.getByLabel('Temporary password (optional)')).toHaveAttribute('aria-invalid', 'true')
    await expect(actions.locator('.form-error')).toHaveCount(0)
    expect(services.accounts.findAccountByUsername('bob')!.password_hash).toBe(hashBefore)
  })

  test("a member's window never shows the Accounts screen", async ({ app }) => {
    const page = await signInWindow(app, 'user00', 'longenough 12')
    const nav = page.getByRole('navigation', { name: 'Account sections' })
    await expect(nav.getByRole('link', { name: 'Security log' })).toBeVisible()
    await expect(nav.getByRole('link', { name: 'Accounts' })).toHaveCount(0)
    await expect(page.getByTestId('header-role')).toHaveCount(0)
    await page.getByTestId('profile-menu').click()
    await expect(page.getByTestId('menu-role')).toHaveText('Member')
    await expect(page.getByRole('menuitem', { name: 'Accounts' })).toHaveCount(0)
    await page.keyboard.press('Escape')
    // Typing the address: the router sends a member back, and main refuses the channel anyway.
    await page.evaluate(() => (location.hash = '#/accounts'))
    await expect(page.getByTestId('profile-username')).toHaveText('user00')
    await expect(page.getByTestId('accounts-table')).toHaveCount(0)
    const refused = await page.evaluate(() => (window as unknown as { keystead: { accounts: { listAccounts(input: object): Promise<unknown> } } }).keystead.accounts.listAccounts({}))
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'admin.required' } })
    // Nor an account's profile page: the router sends the member back, main refuses its channel.
    await page.evaluate(() => (location.hash = '#/accounts/1'))
    await expect(page.getByTestId('profile-username')).toHaveText('user00')
    await expect(page.getByTestId('account-profile-username')).toHaveCount(0)
    const profile = await page.evaluate(() =>
      (window as unknown as { keystead: { accounts: { getAccountProfile(input: object): Promise<unknown> } } }).keystead.accounts.getAccountProfile({ accountId: 1 }),
    )
    expect(profile).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'admin.required' } })
  })
})

test.describe('the role on the sign-in screen', () => {
  test("shows the only account's role beside its pre-filled name, and no role for another name", async ({ app }) => {
    await app.test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
    const page = await app.openWindow()
    await expect(page.getByLabel('Username')).toHaveValue('alice')
    await expect(page.getByTestId('sign-in-role')).toHaveText('Account alice: Administrator')
    await page.getByLabel('Username').fill('somebody')
    await expect(page.getByTestId('sign-in-role')).toHaveCount(0)
    await page.getByLabel('Username').fill('ALICE')
    await expect(page.getByTestId('sign-in-role')).toContainText('Administrator')
  })
})
