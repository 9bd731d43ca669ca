import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { generate } from 'otplib'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'

const PASSWORD = 'wonderland 1'

async function signIn(page: Page, password = PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill('alice')
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('profile-menu').click()
  await page.getByRole('menuitem', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
}

test.describe('Security screen', () => {
  // Long flows with several axe runs on a shared 2-core machine.
  test.describe.configure({ timeout: 180_000 })

  test('two-factor authentication: enable, recovery codes, sign-in with TOTP and a recovery code, replay, disable, throttle', async ({ app }) => {
    await app.test.core.services!.accounts.createAccount({ username: 'alice', password: PASSWORD, fullName: 'Alice Liddell' })
    const page = await app.openWindow()
    await signIn(page)
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'Security', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible()
    await expect(page.getByTestId('two-factor-state')).toHaveText('Two-factor authentication is off.')
    await expect(page.getByTestId('secret-storage')).toContainText('No system keyring was found.')
    await expectAccessible(page, 'security')

    // Enable: QR code and the key in groups of four; a wrong code is refused.
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
    await expect(page.getByTestId('totp-qr')).toBeVisible()
    const grouped = (await page.getByTestId('totp-secret').textContent())!.trim()
    expect(grouped).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/)
    const secret = grouped.replace(/ /g, '')
    await page.getByRole('button', { name: 'Copy key' }).click()
    await expect(page.getByText('The key was copied.')).toBeVisible()
    expect(app.test.platform.clipboardText).toBe(secret)
    await page.getByLabel('6-digit code').fill('000000')
    await page.getByRole('button', { name: 'Turn on', exact: true }).click()
    await expect(page.getByText('This code is not valid. Check it and try again.')).toBeVisible()
    await expectAccessible(page, 'two-factor setup')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/security.png`, fullPage: true })
    await page.getByLabel('6-digit code').fill(await generate({ secret }))
    await page.getByRole('button', { name: 'Turn on', exact: true }).click()

    // Recovery codes: "Done" stays disabled until they were downloaded (save dialog stubbed).
    const codesSection = page.getByTestId('recovery-codes')
    await expect(codesSection.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible()
    const codes = (await codesSection.locator('ol.recovery__codes code').allTextContents()).map((c) => c.trim())
    expect(codes).toHaveLength(10)
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/)
    await expect(page.getByRole('button', { name: 'Done' })).toBeDisabled()
    await expectAccessible(page, 'recovery codes')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/security-recovery-codes.png`, fullPage: true })
    const target = join(app.dataDir, 'my-codes.txt')
    app.test.platform.nextSavePaths.push(target)
    await page.getByRole('button', { name: 'Download' }).click()
    await expect(page.getByText('Saved as my-codes.txt.')).toBeVisible()
    expect(app.test.platform.saveRequests.at(-1)!.defaultFileName).toBe('keystead-recovery-codes-alice.txt')
    const file = readFileSync(target, 'utf8')
    expect(file).toMatch(/^Keystead recovery codes\n\nAccount: alice\nCreated: \d{4}-\d\d-\d\d \d\d:\d\d UTC\n\n/)
    for (const code of codes) expect(file).toContain(code)
    expect(statSync(target).mode & 0o777).toBe(0o600)
    await page.getByRole('button', { name: 'Done' }).click()
    await expect(page.getByTestId('two-factor-state')).toHaveText('Two-factor authentication is on.')
    await expect(page.getByTestId('codes-left')).toHaveText('10 recovery codes left')

    // Sign out; sign in with the password and a TOTP code.
    await signOut(page)
    await signIn(page)
    await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible()
    await expectAccessible(page, 'sign-in second step')
    // Enabling used the current 30-second step; the app's next code (one step ahead) is accepted.
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 })
    await page.getByLabel('6-digit code').fill(code)
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect(page.getByTestId('profile-username')).toHaveText('alice')

    // The same code again is a replay: refused.
    await signOut(page)
    await signIn(page)
    await page.getByLabel('6-digit code').fill(code)
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect(page.getByRole('alert')).toHaveText('This code is not valid. Check it and try again.')

    // A recovery code instead; the Security screen says how many are left.
    await page.getByRole('button', { name: 'Use a recovery code' }).click()
    await page.getByLabel('Recovery code').fill(codes[0]!.toUpperCase())
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect(page.getByTestId('recovery-notice')).toHaveText('You signed in with a recovery code. You have 9 recovery codes left.')
    await expect(page.getByTestId('codes-left')).toHaveText('9 recovery codes left')

    // Disable: password and a recovery code (the current TOTP step may be used already).
    await page.getByRole('button', { name: 'Turn off' }).click()
    const dialog = page.getByRole('dialog', { name: 'Turn off two-factor authentication?' })
    await dialog.getByLabel('Password').fill(PASSWORD)
    await dialog.getByLabel('Code from the app or a recovery code').fill(codes[0]!)
    await dialog.getByRole('button', { name: 'Turn off two-factor authentication' }).click()
    await expect(dialog.getByText('This code is not valid. Check it and try again.')).toBeVisible()
    await expectAccessible(page, 'disable dialog')
    await dialog.getByLabel('Code from the app or a recovery code').fill(codes[1]!)
    await dialog.getByRole('button', { name: 'Turn off two-factor authentication' }).click()
    await expect(page.getByText('Two-factor authentication was turned off.')).toBeVisible()
    await expect(page.getByTestId('two-factor-state')).toHaveText('Two-factor authentication is off.')
    expect(app.test.core.services!.twoFactor.isTwoFactorEnabled(1)).toBe(false)

    // Throttle: five wrong passwords, then even the right one must wait; an unknown name reads the same.
    await signOut(page)
    for (let i = 0; i < 5; i += 1) {
      await signIn(page, `wrong password ${i}`)
      await expect(page.getByRole('alert')).toHaveText('The username or password is incorrect.')
    }
    await signIn(page)
    // The wait counts down, and Sign in stays disabled until it is over.
    const countdown = page.getByTestId('retry-countdown')
    await expect(countdown).toHaveText(/^Too many failed attempts\. Try again in 1[0-5] seconds\.$/)
    const secondsIn = async () => Number(/(\d+) seconds/.exec((await countdown.textContent()) ?? '')?.[1] ?? Number.NaN)
    const first = await secondsIn()
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled()
    await expect.poll(secondsIn, { timeout: 5_000 }).toBeLessThan(first)
    await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
    expect(app.problems).toEqual([])
  })

  test('password change: strength meter, rules, other sessions signed out', async ({ app, context }) => {
    await app.test.core.services!.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const page = await app.openWindow()
    await signIn(page)
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    const other = await app.openWindow({ context })
    await signIn(other)
    await expect(other.getByTestId('profile-username')).toHaveText('alice')

    await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'Security', exact: true }).click()
    const form = page.getByTestId('password-form')
    await form.getByLabel('New password', { exact: true }).fill('password1')
    await expect(page.getByTestId('strength-meter')).toContainText('Password strength: Very weak')
    await expect(page.getByTestId('strength-meter')).toContainText('This is a commonly used password.')
    await form.getByLabel('Current password').fill(PASSWORD)
    await form.getByLabel('Repeat the new password').fill('password1')
    await form.getByRole('button', { name: 'Change password' }).click()
    await expect(form.getByText('This password is on a list of commonly used passwords. Choose another one.')).toBeVisible()

    await form.getByLabel('New password', { exact: true }).fill('alice')
    await form.getByLabel('Repeat the new password').fill('Alice')
    await form.getByRole('button', { name: 'Change password' }).click()
    await expect(form.getByText('The two new passwords are not the same.')).toBeVisible()
    // The message describes the old text: it goes once the two match, and when the fields are emptied.
    await form.getByLabel('Repeat the new password').fill('alice')
    await expect(form.getByText('The two new passwords are not the same.')).toHaveCount(0)
    await form.getByLabel('Repeat the new password').fill('Alice')
    await form.getByRole('button', { name: 'Change password' }).click()
    await expect(form.getByText('The two new passwords are not the same.')).toBeVisible()
    await form.getByLabel('New password', { exact: true }).fill('')
    await form.getByLabel('Repeat the new password').fill('')
    await expect(form.getByText('The two new passwords are not the same.')).toHaveCount(0)

    const strong = 'quiet harbour lantern 42'
    await form.getByLabel('Current password').fill('not my password 1')
    await form.getByLabel('New password', { exact: true }).fill(strong)
    await form.getByLabel('Repeat the new password').fill(strong)
    await expect(page.getByTestId('strength-meter')).toContainText(/Password strength: (Strong|Very strong)/)
    await form.getByRole('button', { name: 'Change password' }).click()
    await expect(form.getByText('The current password is incorrect.')).toBeVisible()
    await expectAccessible(page, 'password change')

    await form.getByLabel('Current password').fill(PASSWORD)
    await form.getByRole('button', { name: 'Change password' }).click()
    await expect(page.getByTestId('password-changed')).toHaveText('Your password was changed. One other session was signed out.')
    await expect(other.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
    await expect(other.getByRole('status')).toHaveText('The password was changed. Please sign in again.')
    await signIn(other, strong)
    await expect(other.getByTestId('profile-username')).toHaveText('alice')
    expect(app.problems).toEqual([])
  })
})
