import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'

test.describe('first start, create account, sign out, sign in', () => {
  test('walks the whole foundation flow', async ({ app }) => {
    const page = await app.openWindow()
    await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible()
    await expectAccessible(page, 'create account')

    // Bad username and weak password: field errors, nothing created.
    await page.getByLabel('Username').fill('1abc')
    await page.getByLabel('Password', { exact: true }).fill('weakpass')
    await page.getByLabel('Repeat the password').fill('weakpass')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page.getByText('A username cannot begin with a digit.')).toBeVisible()
    expect(app.test.core.services!.accounts.listAccounts()).toEqual([])

    await page.getByLabel('Username').fill('alice')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page.getByText('A password needs at least one digit.')).toBeVisible()
    expect(app.test.core.services!.accounts.listAccounts()).toEqual([])

    // The one password policy and meter of Change password: a common password is refused here too.
    await page.getByLabel('Password', { exact: true }).fill('password1')
    await page.getByLabel('Repeat the password').fill('password1')
    await expect(page.getByTestId('strength-meter')).toContainText('Password strength: Very weak')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page.getByText('This password is on a list of commonly used passwords. Choose another one.')).toBeVisible()
    expect(app.test.core.services!.accounts.listAccounts()).toEqual([])

    await page.getByLabel('Password', { exact: true }).fill('wonderland 1')
    await page.getByLabel('Repeat the password').fill('wonderland 2')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page.getByText('The two passwords are not the same.')).toBeVisible()

    await page.getByLabel('Repeat the password').fill('wonderland 1')
    await page.getByLabel(/Full name/).fill('Alice Liddell')
    await page.getByRole('button', { name: 'Create account' }).click()

    // Signed in: header with the name, navigation, profile data; the new screen's heading has the focus.
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible()
    await expect(page.getByRole('heading', { level: 1, name: 'Profile settings' })).toBeFocused()
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    await expect(page.getByTestId('profile-menu')).toContainText('Alice Liddell')
    await expect(page.getByRole('navigation', { name: 'Account sections' }).getByRole('link')).toHaveText([
      'Profile',
      'Security',
      'Access tokens',
      'SSH keys',
      'Sessions',
      'Security log',
      // The store's first account is its administrator.
      'Accounts',
    ])
    await expect(page.getByTestId('header-role')).toHaveText('Administrator')
    await expectAccessible(page, 'signed-in shell')

    // Keyboard: open the profile menu and sign out.
    await page.getByTestId('profile-menu').focus()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('menu')).toBeVisible()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
    await expect(page.getByRole('status')).toHaveText('You are signed out.')
    expect(app.test.core.services!.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 })
    await expectAccessible(page, 'sign in')
    await page.getByLabel('Username').fill('alice')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/sign-in.png` })

    // Wrong password is refused with the neutral message.
    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill('wonderland 2')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert')).toHaveText('The username or password is incorrect.')
    await page.getByLabel('Username').fill('nobody')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert')).toHaveText('The username or password is incorrect.')

    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill('wonderland 1')
    await page.getByLabel('Password').press('Enter')
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/signed-in.png` })
    expect(app.problems).toEqual([])
  })

  test('"Add account" creates a second account from the sign-in screen', async ({ app }) => {
    await app.test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
    const page = await app.openWindow()
    await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
    await page.getByRole('link', { name: 'Add account' }).click()
    await expect(page.getByRole('heading', { name: 'Add an account' })).toBeVisible()
    await page.getByLabel('Username').fill('ALICE')
    await page.getByLabel('Password', { exact: true }).fill('builder 12')
    await page.getByLabel('Repeat the password').fill('builder 12')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page.getByText(/already taken/)).toBeVisible()
    await page.getByLabel('Username').fill('bob')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page.getByTestId('profile-username')).toHaveText('bob')
    expect(app.test.core.services!.accounts.listAccounts().map((a) => a.username)).toEqual(['alice', 'bob'])
  })

  test('enforces the Content-Security-Policy and blocks eval', async ({ app }) => {
    const page = await app.openWindow()
    await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible()
    // An injected inline script must not run, and the page must report the violation.
    const outcome = await page.evaluate(async () => {
      const violations: string[] = []
      document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective))
      const script = document.createElement('script')
      script.textContent = 'window.__inlineRan = true'
      document.body.append(script)
      await new Promise((resolve) => setTimeout(resolve, 100))
      return { ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, violations }
    })
    expect(outcome.ran).toBe(false)
    expect(outcome.violations).toContain('script-src-elem')
    const html = await (await page.request.get('http://app.invalid/index.html').catch(() => null))?.text().catch(() => '')
    void html
  })

  test('a window whose session is closed elsewhere returns to sign-in', async ({ app }) => {
    await app.test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
    const page = await app.openWindow()
    await page.getByLabel('Password').fill('wonderland 1')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    const held = app.test.core.windows.get(app.windowIdOf(page))!
    app.test.core.services!.sessions.invalidateSession(held.sessionId, 'revoked')
    await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible({ timeout: 1000 })
    await expect(page.getByRole('status')).toHaveText('This session was closed from another window or device.')
  })
})

test('shows a clear error screen for a database from a newer Keystead', async ({ app, page }) => {
  // Reopen the same data dir after marking the schema as newer.
  app.test.core.services!.db.pragma('user_version = 999')
  app.test.core.close()
  const { startTestCore } = await import('../fixtures/test-core.ts')
  const reopened = await startTestCore({ dataDir: app.dataDir })
  expect(reopened.core.status()).toMatchObject({ state: 'error', code: 'DB_TOO_NEW' })
  Object.assign(app.test, { core: reopened.core })
  await app.openWindow()
  await expect(page.getByRole('heading', { name: 'Keystead cannot open your data' })).toBeVisible()
  await expect(page.getByText(/written by a newer version of Keystead/).first()).toBeVisible()
  reopened.core.close()
})
