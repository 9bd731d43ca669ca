import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { generate } from 'otplib'
import { eventChannels } from '../../src-preload/contract/api.ts'
import type { AppStatus } from '../../src-preload/contract/models.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import type { KeysteadApp } from './bridge.ts'

/**
 * THE list of screens and dialogs the end-to-end checks visit (screen-matrix.spec.ts: light and dark, at 1280x800,
 * 800x600 and 1100x760, in English, Turkish and German; axe, page width, text overflow, the focus in dialogs). A new
 * screen or dialog is covered by adding one entry here:
 *   { name: 'accounts', path: '/accounts' }                                    // a screen
 *   { name: 'settings: backups dialog', path: '/settings', open: click('backup-open') }
 * `open` runs on the screen at `path` and leaves a dialog, menu, panel or second step open; `close` puts the app
 * back as it was for the next entry (by default Escape closes the dialog or menu).
 * First-start screens are visited before any account exists, guest screens signed out (the seeded administrator,
 * alice, being the only account), the others signed in as alice (seedScreensData), with a few more accounts.
 */
export interface ScreenState {
  name: string
  /** The route, as after the `#` of the app's URL. */
  path: string
  /** Visited signed out before the first account exists (always in English: there is no account's language yet). */
  firstStart?: boolean
  /** Visited signed out (sign-in, create account). */
  guest?: boolean
  /** Opens the dialog or menu this state is about, from the screen at `path`. */
  open?: (page: Page, app: KeysteadApp, seeded: SeededScreens) => Promise<unknown>
  /** Undoes `open` (default: Escape). */
  close?: (page: Page, app: KeysteadApp, seeded: SeededScreens) => Promise<unknown>
}

/** What the seed leaves for the states that sign in. */
export interface SeededScreens {
  password: string
  /** Alice's unused recovery codes (each is good once: take it with shift()). */
  recoveryCodes: string[]
}

/** Clicks the first element with this test id (language-independent: the matrix runs in English, Turkish and German). */
const click = (testId: string) => (page: Page) => page.getByTestId(testId).first().click()

/** Goes to a screen and waits for its heading. */
export async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    if (location.hash !== `#${to}`) location.hash = to
  }, path)
  await page.waitForFunction((to) => location.hash === `#${to}` && document.querySelector('h1') !== null, path)
}

/** Shows the screen again (it loads its data when it opens): by way of another screen. */
async function showAgain(page: Page, path: string): Promise<void> {
  await go(page, path === '/profile/page' ? '/profile' : '/profile/page')
  await go(page, path)
}

const alice = (app: KeysteadApp) => app.test.core.services!.accounts.findAccountByUsername('alice')!

/** The sign-in form's first step, as alice: the two-factor step follows. */
async function submitPassword(page: Page, seeded: SeededScreens): Promise<void> {
  await page.locator('input[name="username"]').fill('alice')
  await page.locator('input[name="password"]').fill(seeded.password)
  await page.getByTestId('sign-in-form').locator('button[type="submit"]').click()
  await page.getByTestId('second-factor-form').waitFor()
}

/** Signs in as alice by the form's fields, with a recovery code (the screen is in her language). */
export async function signIn(page: Page, seeded: SeededScreens): Promise<void> {
  await submitPassword(page, seeded)
  await page.getByTestId('second-factor-switch').click()
  await page.locator('input[name="recoveryCode"]').fill(seeded.recoveryCodes.shift()!)
  await page.getByTestId('second-factor-form').locator('button[type="submit"]').click()
}

/** What main tells every window when the store cannot be opened (e.g. again after a restore). */
async function tellAppStatus(page: Page, status: AppStatus): Promise<void> {
  await page.evaluate(([channel, payload]) => (window as unknown as { __keysteadEmit(c: string, p: unknown): void }).__keysteadEmit(channel, payload), [eventChannels.appStatusChanged, status] as const)
}

/** The password was confirmed long ago: the next sensitive action asks for it again. */
async function askPasswordAgain(page: Page, app: KeysteadApp): Promise<void> {
  app.test.core.services!.db.prepare('UPDATE sessions SET last_auth_at = 0').run()
  await page.getByTestId('api-key-regenerate').click()
  await page.locator('dialog[open]').getByTestId('confirm-submit').click()
  await page.getByTestId('reauth-form').waitFor()
}
async function cancelPasswordPrompt(page: Page, app: KeysteadApp): Promise<void> {
  await page.keyboard.press('Escape')
  app.test.core.services!.db.prepare('UPDATE sessions SET last_auth_at = ?').run(Date.now())
}

/** Opens the actions dialog of an account on the Accounts screen. */
const accountActions = (username: string, action?: string) => async (page: Page) => {
  await page.getByTestId(`account-actions-${username}`).click()
  if (action) await page.getByTestId(`account-action-${action}`).click()
}

export const SCREEN_STATES: ScreenState[] = [
  { name: 'first start: create the first account', path: '/welcome', firstStart: true },
  { name: 'first start: restore from a backup', path: '/welcome', firstStart: true, open: click('first-start-restore-open'), close: click('first-start-restore-cancel') },

  { name: 'sign-in', path: '/sign-in', guest: true },
  { name: 'sign-in: the two-factor step, a code from the app', path: '/sign-in', guest: true, open: (page, _app, seeded) => submitPassword(page, seeded), close: click('second-factor-back') },
  {
    name: 'sign-in: the two-factor step, a recovery code',
    path: '/sign-in',
    guest: true,
    open: async (page, _app, seeded) => {
      await submitPassword(page, seeded)
      await page.getByTestId('second-factor-switch').click()
    },
    close: click('second-factor-back'),
  },
  { name: 'add account', path: '/add-account', guest: true },
  {
    name: 'a required password change (after signing in)',
    path: '/sign-in',
    guest: true,
    open: async (page, app, seeded) => {
      app.test.core.services!.db.prepare("UPDATE accounts SET must_change_password = 1 WHERE username = 'alice'").run()
      await signIn(page, seeded)
      await page.getByTestId('change-password-screen').waitFor()
    },
    close: async (page, app) => {
      await page.getByTestId('change-password-sign-out').click()
      await page.getByTestId('sign-in-form').waitFor()
      app.test.core.services!.db.prepare("UPDATE accounts SET must_change_password = 0 WHERE username = 'alice'").run()
    },
  },
  {
    name: 'the start-up error (the data cannot be opened)',
    path: '/sign-in',
    guest: true,
    open: async (page, app) => {
      const path = join(app.dataDir, 'a folder with a rather long name', 'keystead.db')
      await tellAppStatus(page, { state: 'error', code: 'DB_OPEN_FAILED', path, message: `SQLITE_CANTOPEN: unable to open database file ${path}` })
      await page.locator('#startup-error-title').waitFor()
    },
    close: async (page) => {
      await tellAppStatus(page, { state: 'ready', version: '1.0.0' })
      await go(page, '/sign-in')
    },
  },

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
  {
    name: 'security: new recovery codes, shown once',
    path: '/security',
    open: async (page) => {
      await page.getByTestId('recovery-regenerate').click()
      await page.getByTestId('recovery-regenerate-confirm').click()
      await page.getByTestId('recovery-codes').waitFor()
    },
    close: async (page) => {
      await page.getByTestId('recovery-copy').click()
      await page.getByTestId('recovery-done').click()
    },
  },
  {
    name: 'security: turning two-factor on (the QR code and the key)',
    path: '/security',
    open: async (page, app) => {
      app.test.core.services!.twoFactor.disableTwoFactor(alice(app))
      await showAgain(page, '/security')
      await page.getByTestId('two-factor-enable').click()
      await page.getByTestId('two-factor-confirm').waitFor()
    },
    close: async (page, app) => {
      await page.getByTestId('two-factor-setup-cancel').click()
      const twoFactor = app.test.core.services!.twoFactor
      const { secret } = twoFactor.beginTwoFactorSetup(alice(app))
      await twoFactor.confirmTwoFactorSetup(alice(app), await generate({ secret }))
    },
  },
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
  {
    name: 'access tokens: a new token, shown once',
    path: '/tokens',
    open: async (page) => {
      await page.getByTestId('token-new').click()
      const dialog = page.locator('dialog[open]')
      await dialog.locator('input[name="title"]').fill('Nightly export to the archive server')
      await dialog.locator('button[type="submit"]').click()
      await page.getByTestId('secret-once').waitFor()
    },
    close: click('secret-once-done'),
  },
  { name: 'access tokens: delete token dialog', path: '/tokens', open: click('token-delete') },
  { name: 'access tokens: new API key dialog', path: '/tokens', open: click('api-key-regenerate') },
  {
    name: 'access tokens: a new API key, shown once',
    path: '/tokens',
    open: async (page) => {
      await page.getByTestId('api-key-regenerate').click()
      await page.locator('dialog[open]').getByTestId('confirm-submit').click()
      await page.getByTestId('secret-once').waitFor()
    },
    close: click('secret-once-done'),
  },
  { name: 'access tokens: confirm password dialog', path: '/tokens', open: askPasswordAgain, close: cancelPasswordPrompt },
  {
    name: 'access tokens: confirm password dialog, a wrong password',
    path: '/tokens',
    open: async (page, app) => {
      await askPasswordAgain(page, app)
      const form = page.getByTestId('reauth-form')
      await form.locator('input[type="password"]').fill('not the password 2')
      await form.locator('button[type="submit"]').click()
      await form.locator('.field__error').waitFor()
    },
    close: cancelPasswordPrompt,
  },
  { name: 'SSH keys', path: '/ssh-keys' },
  { name: 'SSH keys: delete key dialog', path: '/ssh-keys', open: click('ssh-key-delete') },
  {
    name: 'SSH keys: a pasted key, checked before it is added',
    path: '/ssh-keys',
    open: async (page) => {
      await page.locator('textarea[name="publicKey"]').fill(buildEd25519Line('alice.liddell@another-rather-long-host-name.example.org'))
      await page.getByTestId('ssh-key-preview').waitFor()
    },
    close: (page) => page.locator('textarea[name="publicKey"]').fill(''),
  },
  {
    name: 'SSH keys: a refused key',
    path: '/ssh-keys',
    open: async (page) => {
      await page.locator('textarea[name="publicKey"]').fill('ssh-ed25519 this-is-not-a-key')
      await page.getByTestId('ssh-key-error').waitFor()
    },
    close: async (page) => {
      await page.locator('textarea[name="publicKey"]').fill('')
      await page.getByTestId('ssh-key-error').waitFor({ state: 'detached' })
    },
  },
  { name: 'sessions', path: '/sessions' },
  { name: 'sessions: close session dialog', path: '/sessions', open: click('session-close') },
  { name: 'sessions: sign out others dialog', path: '/sessions', open: click('close-other-sessions') },
  {
    name: 'reminders: a token about to expire and an SSH key, one asking to confirm its removal',
    path: '/sessions',
    open: async (page, app) => {
      const services = app.test.core.services!
      const id = alice(app).id
      services.tokens.createToken(id, { title: 'Release signing for the mobile applications', isEnabled: true, scope: 'read-only', expiry: { kind: 'days', days: 7 } })
      const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
      services.sshKeys.addKey(id, { title: 'Laptop for travelling to conferences abroad', publicKey: buildEd25519Line('alice@laptop'), expiresOn: inThreeDays })
      await showAgain(page, '/sessions')
      await page.getByTestId('reminder').nth(1).waitFor()
      await page.getByTestId('reminder-remove').first().click()
    },
    close: async (page) => {
      await page.getByTestId('reminder-remove-cancel').click()
      // Set aside for a week: the other screens show none.
      for (let left = 2; left > 0; left--) {
        await page.getByTestId('reminder-dismiss').first().click()
        await page.getByTestId('reminder').nth(left - 1).waitFor({ state: 'detached' })
      }
    },
  },
  { name: 'security log', path: '/security-log' },
  { name: 'settings (with Backups: the first account is an administrator)', path: '/settings' },
  {
    name: 'settings: a new backup key, shown once',
    path: '/settings',
    open: async (page) => {
      await page.getByTestId('backup-key-create').click()
      await page.getByTestId('backup-key-once').waitFor()
    },
    close: click('backup-key-done'),
  },
  {
    name: 'settings: a backup just made with the backup key, verified, and the restore form',
    path: '/settings',
    open: async (page, app) => {
      // A backup key (the one made above may not exist when this entry runs alone): its secret half unlocks the backup.
      await page.getByTestId('backup-key-create').click()
      const identity = (await page.getByTestId('backup-identity').textContent())!
      await page.getByTestId('backup-key-done').click()
      const file = join(app.dataDir, `screens-${Date.now()}.age`)
      const now = page.getByTestId('backup-now')
      await now.locator('input[name="protection"][value="backupKey"]').check()
      app.test.platform.nextSavePaths.push(file)
      await now.locator('button[type="submit"]').click()
      await now.getByTestId('backup-manifest').waitFor({ timeout: 60_000 })
      const verify = page.getByTestId('backup-verify')
      await verify.locator('input[name="unlockKind"][value="identity"]').check()
      await verify.locator('input[name="verifyIdentity"]').fill(identity)
      app.test.platform.nextOpenPaths.push(file)
      await verify.locator('button[type="submit"]').click()
      await page.getByTestId('backup-restore').waitFor({ timeout: 60_000 })
    },
    // The panels stay until the screen is left: the next entry is elsewhere.
    close: () => Promise.resolve(),
  },
  { name: 'accounts', path: '/accounts' },
  { name: 'accounts: new account dialog', path: '/accounts', open: click('account-create') },
  {
    name: "accounts: a new account's temporary password, shown once",
    path: '/accounts',
    open: async (page) => {
      await page.getByTestId('account-create').click()
      await page.getByTestId('account-create-form').locator('input[name="username"]').fill('dinah')
      await page.getByTestId('account-create-submit').click()
      await page.getByTestId('account-create-done').waitFor()
    },
  },
  { name: 'accounts: actions on your own account', path: '/accounts', open: accountActions('alice') },
  { name: 'accounts: actions on another account', path: '/accounts', open: accountActions('bob') },
  { name: 'accounts: deleting another account (its username typed)', path: '/accounts', open: accountActions('bob', 'delete') },
  { name: 'accounts: setting a temporary password', path: '/accounts', open: accountActions('bob', 'temporaryPassword') },
  {
    name: 'accounts: a temporary password set, shown once',
    path: '/accounts',
    open: async (page) => {
      await accountActions('bob', 'temporaryPassword')(page)
      await page.getByTestId('account-action-run').click()
      await page.getByTestId('temporary-password').waitFor()
    },
  },
  { name: "accounts: an account's profile page", path: '/accounts/1' },
  { name: "accounts: another account's profile page (locked, to change its password)", path: '/accounts/2' },
]
