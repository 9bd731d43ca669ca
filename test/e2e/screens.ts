import type { Page } from '@playwright/test'
import type { KeysteadApp } from './bridge.ts'

/**
 * THE list of screens and dialogs the end-to-end checks visit (screen-matrix.spec.ts: light and dark,
 * 1280x800 and 800x600; axe, page width, text overflow). A new screen or dialog is covered by adding
 * one entry here:
 *   { name: 'accounts', path: '/accounts' }                                    // a screen
 *   { name: 'settings: backups dialog', path: '/settings', open: click('backup-open') }
 * `open` runs on the screen at `path` and leaves a dialog (or menu) open; Escape closes it afterwards.
 * Guest screens are visited signed out, the others signed in as the seeded account (seedScreensData).
 */
export interface ScreenState {
  name: string
  /** The route, as after the `#` of the app's URL. */
  path: string
  /** Visited signed out (sign-in, create account). */
  guest?: boolean
  /** Opens the dialog or menu this state is about, from the screen at `path`. */
  open?: (page: Page, app: KeysteadApp) => Promise<unknown>
}

/** Clicks the first element with this test id (language-independent: the matrix runs in English, Turkish and German). */
const click = (testId: string) => (page: Page) => page.getByTestId(testId).first().click()

export const SCREEN_STATES: ScreenState[] = [
  { name: 'sign-in', path: '/sign-in', guest: true },
  { name: 'add account', path: '/add-account', guest: true },
  { name: 'profile settings', path: '/profile' },
  { name: 'profile: delete account dialog', path: '/profile', open: click('delete-open') },
  {
    name: 'profile: change username dialog',
    path: '/profile',
    open: async (page) => {
      await page.locator('input[name="username"]').fill('alicia')
      await page.getByTestId('profile-save').click()
    },
  },
  { name: 'profile menu', path: '/profile', open: click('profile-menu') },
  { name: 'profile page', path: '/profile/page' },
  { name: 'security', path: '/security' },
  { name: 'security: turn off two-factor dialog', path: '/security', open: click('two-factor-disable-open') },
  { name: 'security: new recovery codes dialog', path: '/security', open: click('recovery-regenerate') },
  { name: 'access tokens', path: '/tokens' },
  { name: 'access tokens: new token dialog', path: '/tokens', open: click('token-new') },
  {
    name: 'access tokens: new token dialog, a day that does not exist in the date field',
    path: '/tokens',
    open: async (page) => {
      await page.getByTestId('token-new').click()
      const dialog = page.locator('dialog[open]')
      await dialog.locator('select[name="expiry"]').selectOption('date')
      await dialog.getByTestId('date-field-text').fill('31.02.2099')
      await page.keyboard.press('Tab') // leaves the field (the calendar button next)
      await dialog.getByTestId('date-field-error').waitFor()
    },
  },
  { name: 'access tokens: delete token dialog', path: '/tokens', open: click('token-delete') },
  { name: 'access tokens: new API key dialog', path: '/tokens', open: click('api-key-regenerate') },
  {
    name: 'access tokens: confirm password dialog',
    path: '/tokens',
    open: async (page, app) => {
      // The password was confirmed long ago: a sensitive action asks again.
      app.test.core.services!.db.prepare('UPDATE sessions SET last_auth_at = 0').run()
      await page.getByTestId('api-key-regenerate').click()
      await page.locator('dialog[open]').getByTestId('confirm-submit').click()
      await page.getByTestId('reauth-form').waitFor()
    },
  },
  { name: 'SSH keys', path: '/ssh-keys' },
  { name: 'SSH keys: delete key dialog', path: '/ssh-keys', open: click('ssh-key-delete') },
  { name: 'sessions', path: '/sessions' },
  { name: 'sessions: close session dialog', path: '/sessions', open: click('session-close') },
  { name: 'sessions: sign out others dialog', path: '/sessions', open: click('close-other-sessions') },
  { name: 'security log', path: '/security-log' },
  { name: 'settings (with Backups: the first account is an administrator)', path: '/settings' },
  { name: 'accounts', path: '/accounts' },
  { name: "accounts: an account's profile page", path: '/accounts/1' },
]
