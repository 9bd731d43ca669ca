import type { Page } from '@playwright/test'
import { expect } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'

/** Creates alice (the first account: the administrator), signs her in and opens Settings from the profile menu. */
export async function openSettingsAsAlice(app: KeysteadApp): Promise<Page> {
  await app.test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1', fullName: 'Alice Liddell' })
  const page = await app.openWindow()
  await page.getByLabel('Username').fill('alice')
  await page.getByLabel('Password').fill('wonderland 1')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible()
  await page.getByTestId('profile-menu').click()
  await page.getByRole('menuitem', { name: 'Settings', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  return page
}
