import { findFreePort, occupyPort } from '../fixtures/free-port.ts'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import { openSettingsAsAlice } from './open-settings.ts'

test.setTimeout(120_000)

test('settings: theme, local API on a port, refusals, copy the curl example, session lifetimes', async ({ app }) => {
  // Reached from the profile menu.
  const page = await openSettingsAsAlice(app)
  await expect(page.getByLabel('Same as the system')).toBeChecked()
  await expect(page.getByTestId('api-status')).toHaveText('The local API is off.')

  // Theme: applied at once and kept.
  await page.getByLabel('Dark').check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(app.test.core.services!.settings.getSettings().theme).toBe('dark')

  // A port out of range and a port in use are refused; nothing starts.
  await page.getByLabel('Turn on the local REST API').check()
  await page.getByLabel('Port').fill('80')
  await page.getByRole('button', { name: 'Save' }).first().click()
  await expect(page.getByText('The port must be a whole number from 1024 to 65535.')).toBeVisible()
  expect(app.test.core.services!.settings.getSettings().localApi.enabled).toBe(false)

  const taken = await findFreePort()
  const blocker = await occupyPort(taken)
  await page.getByLabel('Port').fill(String(taken))
  await page.getByRole('button', { name: 'Save' }).first().click()
  await expect(page.getByText(`Port ${taken} is already used by another program. Choose another port.`)).toBeVisible()
  expect(app.test.core.localApi.status().running).toBe(false)
  blocker.close()

  // A free port: the API runs, its address and the curl example are shown.
  const port = await findFreePort()
  await page.getByLabel('Port').fill(String(port))
  await page.getByRole('button', { name: 'Save' }).first().click()
  await expect(page.getByTestId('api-address')).toHaveText(`http://127.0.0.1:${port}`)
  await expect(page.getByTestId('curl-example')).toHaveText(`curl -H "Authorization: Bearer $KEYSTEAD_TOKEN" http://127.0.0.1:${port}/api/v2/users/me`)
  const answer = await fetch(`http://127.0.0.1:${port}/api/v2/users/me`)
  expect(answer.status).toBe(401)
  expect(answer.headers.get('content-type')).toBe('application/problem+json')
  await page.getByTestId('copy-curl').click()
  await expect(page.getByTestId('copy-curl')).toHaveText('Copied')
  expect(app.test.platform.clipboardText).toContain(`http://127.0.0.1:${port}/api/v2/users/me`)

  // Session lifetimes: zero is refused, valid values are kept.
  const lifetimes = page.getByTestId('settings-lifetimes')
  await lifetimes.getByLabel('End a session after this many hours without use').fill('0')
  await lifetimes.getByRole('button', { name: 'Save' }).click()
  await expect(lifetimes.getByText('Enter a whole number from 1 to 720.')).toBeVisible()
  // Both fields wrong: both flagged at once, each at its field with its own range ("1.5" days is not "not valid").
  await lifetimes.getByLabel('End a session after this many hours without use').fill('1000')
  await lifetimes.getByLabel('End every session after this many days').fill('1.5')
  await lifetimes.getByRole('button', { name: 'Save' }).click()
  await expect(lifetimes.locator('.field__error')).toHaveCount(2)
  await expect(lifetimes.locator('.field__error').first()).toHaveText('Enter a whole number from 1 to 720.')
  await expect(lifetimes.locator('.field__error').nth(1)).toHaveText(/^Enter a whole number from 1 to \d+\.$/)
  await lifetimes.getByLabel('End a session after this many hours without use').fill('8')
  await lifetimes.getByLabel('End every session after this many days').fill('14')
  await lifetimes.getByRole('button', { name: 'Save' }).click()
  await expect(lifetimes.getByRole('status')).toHaveText('Saved.')
  expect(app.test.core.services!.settings.getSettings().sessionLifetimes).toEqual({ idleTimeoutHours: 8, absoluteTimeoutDays: 14 })

  await expectAccessible(page, 'settings (dark)')
  await page.getByLabel('Light').check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await page.getByRole('heading', { name: 'Settings', level: 1 }).scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SCREENSHOT_DIR}/settings.png`, fullPage: true })
  await expectAccessible(page, 'settings (light)')

  // Switched off again: the port is free.
  await page.getByLabel('Turn on the local REST API').uncheck()
  await page.getByRole('button', { name: 'Save' }).first().click()
  await expect(page.getByTestId('api-status')).toHaveText('The local API is off.')
  await expect(fetch(`http://127.0.0.1:${port}/api/v2/openapi.json`)).rejects.toThrow()
  expect(app.problems).toEqual([])
})
