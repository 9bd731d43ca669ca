import type { Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'

test.describe.configure({ timeout: 120_000 })

async function signIn(page: Page, username: string, password = 'wonderland 1'): Promise<void> {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('profile-username')).toHaveText(username)
}

const accountRow = (app: KeysteadApp, username: string) =>
  app.test.core.services!.db.prepare('SELECT username, full_name, email, description, language, timezone FROM accounts WHERE username_key = ?').get(username.toLowerCase())
const pictureCount = (app: KeysteadApp) => (app.test.core.services!.db.prepare('SELECT count(*) AS n FROM account_pictures').get() as { n: number }).n

test('edits every field, switches to Turkish and back, moves the time zone, and starts in the saved language', async ({ app }) => {
  await app.test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1', timezone: 'UTC' })
  const page = await app.openWindow()
  await signIn(page, 'alice')
  const form = page.getByTestId('profile-form')
  await expect(form.getByLabel('Username')).toHaveValue('alice')
  const createdAt = (await app.test.core.services!.accounts.findAccountByUsername('alice')!).created_at
  const memberSince = page.getByTestId('profile-created-at')
  const inZone = (zone: string, locale: string) =>
    page.evaluate(([iso, tz, lc]) => new Intl.DateTimeFormat(lc, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz }).format(new Date(iso!)), [new Date(createdAt).toISOString(), zone, locale])
  await expect(memberSince).toHaveText(await inZone('UTC', 'en'))

  // Bad input: the field says what is wrong, nothing is saved.
  const before = accountRow(app, 'alice')
  await form.getByLabel('Username').fill('a-b')
  await form.getByLabel(/^Full name/).fill('Changed')
  await page.getByTestId('profile-save').click()
  // Checked first: the username's error shows, and no warning about giving up the old name.
  await expect(form.getByText('A username cannot contain punctuation or symbols.')).toBeVisible()
  await expect(page.getByRole('dialog', { name: 'Change your username?' })).toHaveCount(0)
  // Every error at once, each at its field.
  await form.getByLabel('Username').fill('bad name')
  await form.getByLabel(/^Full name/).fill('n'.repeat(101))
  await form.getByLabel(/^E-mail/).fill('not an address')
  await form.getByLabel(/^Description/).fill('x'.repeat(532))
  await expect(form.getByText('532 of 500 characters')).toBeVisible()
  await page.getByTestId('profile-save').click()
  await expect(form.getByText('A username cannot contain spaces or tabs.')).toBeVisible()
  await expect(form.getByText('A full name can have at most 100 characters.')).toBeVisible()
  await expect(form.getByText('Enter a valid e-mail address, like name@example.com.')).toBeVisible()
  await expect(form.getByText('A description can have at most 500 characters.')).toBeVisible()
  await expect(page.getByRole('dialog', { name: 'Change your username?' })).toHaveCount(0)
  await form.getByLabel('Username').fill('alice')
  await form.getByLabel(/^Full name/).fill('Changed')
  await form.getByLabel(/^E-mail/).fill('')
  await form.getByLabel(/^Description/).fill('ok')
  expect(accountRow(app, 'alice')).toEqual(before)

  // Every field, then one Save. The username change asks first.
  await form.getByLabel('Username').fill('Alicia')
  await form.getByLabel(/^Full name/).fill('Alice Liddell')
  await form.getByLabel(/^E-mail/).fill('alice@example.com')
  await form.getByLabel(/^Description/).fill('Curious about <b>rabbit holes</b>.\nSecond line.')
  await form.getByLabel('Language').selectOption('tr')
  await form.getByLabel('Search time zones').fill('tokyo')
  await expect(form.getByText('1 time zone matches.')).toBeVisible()
  await form.getByLabel('Time zone', { exact: true }).selectOption('Asia/Tokyo')
  await page.getByTestId('profile-save').click()
  const confirm = page.getByRole('dialog', { name: 'Change your username?' })
  await expect(confirm).toContainText('Your old username, alice, becomes free immediately')
  await expectAccessible(page, 'username confirmation')
  await confirm.getByRole('button', { name: 'Change username' }).click()

  // The whole UI is Turkish at once, dates follow the language and the zone.
  await expect(page.getByRole('heading', { name: 'Profil ayarları' })).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: 'Profiliniz kaydedildi.' })).toBeVisible()
  await expect(page.getByRole('navigation', { name: 'Hesap bölümleri' }).getByRole('link')).toHaveText(['Profil', 'Güvenlik', 'Erişim belirteçleri', 'SSH anahtarları', 'Oturumlar', 'Güvenlik kaydı', 'Hesaplar'])
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('tr')
  await expect(memberSince).toHaveText(await inZone('Asia/Tokyo', 'tr'))
  expect(await inZone('Asia/Tokyo', 'tr')).not.toBe(await inZone('UTC', 'tr'))
  expect(accountRow(app, 'alicia')).toEqual({
    username: 'Alicia',
    full_name: 'Alice Liddell',
    email: 'alice@example.com',
    description: 'Curious about <b>rabbit holes</b>.\nSecond line.',
    language: 'tr',
    timezone: 'Asia/Tokyo',
  })
  await expectAccessible(page, 'profile settings in Turkish')

  // The profile menu: picture and name; the name leads to the profile page.
  await page.getByTestId('profile-menu').click()
  await expect(page.getByRole('menuitem')).toHaveText([/Alice Liddell/, 'Profil ayarları', 'Güvenlik', 'Erişim belirteçleri', 'SSH anahtarları', 'Oturumlar', 'Güvenlik kaydı', 'Hesaplar', 'Ayarlar', 'Oturumu kapat'])
  await page.getByTestId('menu-profile-page').click()
  await expect(page.getByTestId('public-username')).toHaveText('Alicia')
  await expect(page.getByTestId('public-full-name')).toHaveText('Alice Liddell')
  // Plain text: the tags show as typed, no element is made from them.
  await expect(page.getByTestId('public-description')).toHaveText('Curious about <b>rabbit holes</b>.\nSecond line.')
  expect(await page.getByTestId('public-description').locator('b').count()).toBe(0)
  await expect(page.getByTestId('public-member-since')).toContainText('Üyelik tarihi')

  // Back to English.
  await page.getByRole('link', { name: 'Profili düzenle' }).click()
  await form.getByLabel('Dil', { exact: true }).selectOption('en')
  await form.getByLabel('Saat dilimlerinde ara').fill('istanbul')
  await form.getByLabel('Saat dilimi', { exact: true }).selectOption('Europe/Istanbul')
  await page.getByTestId('profile-save').click()
  await expect(page.getByRole('heading', { name: 'Profile settings' })).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
  await expect(memberSince).toHaveText(await inZone('Europe/Istanbul', 'en'))
  const portrait = await sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="#264653"/><stop offset="1" stop-color="#2a9d8f"/></linearGradient></defs><rect width="480" height="360" fill="url(#g)"/><circle cx="240" cy="150" r="70" fill="#e9c46a"/><rect x="130" y="230" width="220" height="130" rx="100" fill="#e9c46a"/></svg>`,
    ),
  )
    .png()
    .toBuffer()
  app.test.platform.nextOpenPaths.push(join(app.dataDir, 'portrait.png'))
  writeFileSync(join(app.dataDir, 'portrait.png'), portrait)
  await page.getByTestId('picture-choose').click()
  await expect(page.getByText('Your picture was updated.')).toBeVisible()
  await page.screenshot({ path: `${SCREENSHOT_DIR}/profile.png`, fullPage: true })

  // The profile page lists the account's public SSH keys with ssh-keygen's fingerprint.
  const keyPath = join(app.dataDir, 'id_ed25519')
  execFileSync('ssh-keygen', ['-t', 'ed25519', '-N', '', '-C', 'alice@laptop', '-q', '-f', keyPath])
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${keyPath}.pub`], { encoding: 'utf8' }).split(' ')[1]!
  const services = app.test.core.services!
  services.sshKeys.addKey(services.accounts.findAccountByUsername('Alicia')!.id, { title: 'Laptop', publicKey: readFileSync(`${keyPath}.pub`, 'utf8') })

  await page.getByRole('link', { name: 'View your profile page' }).click()
  await expect(page.getByTestId('public-username')).toHaveText('Alicia')
  await expect(page.getByTestId('public-picture')).toHaveAttribute('src', /^data:image\/webp;base64,/)
  await expect(page.getByTestId('ssh-public-keys')).toContainText('Laptop')
  await expect(page.getByTestId('ssh-public-keys')).toContainText(fingerprint)
  await expectAccessible(page, 'profile page')
  await page.screenshot({ path: `${SCREENSHOT_DIR}/profile-page.png` })

  // Turkish again, sign out, "restart": the very first screen is painted in Turkish.
  await page.getByRole('link', { name: 'Profile', exact: true }).click()
  await form.getByLabel('Language').selectOption('tr')
  await page.getByTestId('profile-save').click()
  await expect(page.getByRole('heading', { name: 'Profil ayarları' })).toBeVisible()
  await page.getByTestId('profile-menu').click()
  await page.getByRole('menuitem', { name: 'Oturumu kapat' }).click()
  await expect(page.getByRole('heading', { name: 'Keystead’e giriş yapın' })).toBeVisible()
  await page.addInitScript(() => {
    // Records the first heading that ever appears, and the page language at that moment.
    const observer = new MutationObserver(() => {
      const heading = document.querySelector('h1')
      if (heading && !(window as unknown as { __first?: unknown }).__first) {
        ;(window as unknown as { __first: unknown }).__first = { text: heading.textContent, lang: document.documentElement.lang }
        observer.disconnect()
      }
    })
    observer.observe(document, { childList: true, subtree: true })
  })
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Keystead’e giriş yapın' })).toBeVisible()
  expect(await page.evaluate(() => (window as unknown as { __first: unknown }).__first)).toEqual({ text: 'Keystead’e giriş yapın', lang: 'tr' })
  expect(app.problems).toEqual([])
})

test('uploads, refuses, drops and removes a picture', async ({ app }) => {
  await app.test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1', fullName: 'Alice Liddell' })
  const dir = app.dataDir
  const file = (name: string, bytes: Buffer | string) => {
    writeFileSync(join(dir, name), bytes)
    return join(dir, name)
  }
  const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#2a9d8f' } }).png().toBuffer()
  const sixMegabytes = Buffer.alloc(6 * 1024 * 1024)
  png.copy(sixMegabytes)
  const wide = await sharp({ create: { width: 10000, height: 10, channels: 3, background: '#000' } }).png().toBuffer()

  const page = await app.openWindow()
  await signIn(page, 'alice')
  const error = page.getByTestId('picture-error')
  const choose = page.getByTestId('picture-choose')
  const preview = page.getByTestId('picture-drop').locator('img')
  await expect(page.getByTestId('picture-drop')).toContainText('AL')

  const refusals: Array<[string, string]> = [
    [file('notes.png', 'these are my notes, not a picture\n'), 'This file is not a PNG, JPEG, WebP or GIF image.'],
    [file('huge.png', sixMegabytes), 'This file is larger than 5 MB. Choose a smaller picture.'],
    [file('wide.png', wide), 'This image is 10000 × 10 pixels; at most 8000 pixels a side are allowed.'],
  ]
  for (const [path, message] of refusals) {
    app.test.platform.nextOpenPaths.push(path)
    await choose.click()
    await expect(error).toHaveText(message)
    expect(pictureCount(app)).toBe(0)
  }
  await expectAccessible(page, 'picture error')

  // Cancelled dialog: nothing happens.
  app.test.platform.nextOpenPaths.push(null)
  await choose.click()
  await expect(error).toBeHidden()
  expect(pictureCount(app)).toBe(0)

  // A PNG renamed .jpg is a PNG: accepted, stored as a 256x256 WebP, shown here and in the header.
  app.test.platform.nextOpenPaths.push(file('holiday.jpg', png))
  await choose.click()
  await expect(page.getByText('Your picture was updated.')).toBeVisible()
  await expect(preview).toHaveAttribute('src', /^data:image\/webp;base64,/)
  await expect(page.getByTestId('profile-menu').locator('img')).toHaveAttribute('src', /^data:image\/webp;base64,/)
  const stored = app.test.core.services!.db.prepare('SELECT image FROM account_pictures').get() as { image: Buffer }
  expect(await sharp(stored.image).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 })
  const firstSrc = await preview.getAttribute('src')

  // Dropping a file on the picture: a GIF replaces it; a 6 MB file is refused before it is sent.
  const gif = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#e76f51' } }).gif().toBuffer()
  const drop = async (make: { base64?: string; zeroBytes?: number; name: string; type: string }) => {
    const transfer = await page.evaluateHandle(({ base64, zeroBytes, name, type }) => {
      const bytes = base64 ? Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)) : new Uint8Array(zeroBytes ?? 0)
      const data = new DataTransfer()
      data.items.add(new File([bytes], name, { type }))
      return data
    }, make)
    await page.getByTestId('picture-drop').dispatchEvent('drop', { dataTransfer: transfer })
  }
  await drop({ zeroBytes: 6 * 1024 * 1024, name: 'big.gif', type: 'image/gif' })
  await expect(error).toHaveText('This file is larger than 5 MB. Choose a smaller picture.')
  await drop({ base64: gif.toString('base64'), name: 'sunset.gif', type: 'image/gif' })
  await expect(error).toBeHidden()
  await expect(preview).not.toHaveAttribute('src', firstSrc!)
  await expect(preview).toHaveAttribute('src', /^data:image\/webp;base64,/)
  expect(pictureCount(app)).toBe(1)

  // Remove: back to the initials avatar everywhere.
  await page.getByTestId('picture-remove').click()
  await expect(page.getByText('Your picture was removed.')).toBeVisible()
  await expect(preview).toHaveCount(0)
  await expect(page.getByTestId('picture-drop')).toContainText('AL')
  await expect(page.getByTestId('profile-menu').locator('img')).toHaveCount(0)
  expect(pictureCount(app)).toBe(0)
  expect(app.problems).toEqual([])
})

test('deletes an account: every row gone, every window of it back at sign-in', async ({ app, context }) => {
  const services = app.test.core.services!
  await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })
  const bob = await services.accounts.createAccount({ username: 'bob', password: 'builder 12' })
  // alice, the first account, is an administrator: another one must remain when she deletes her account.
  services.administration.setRole({ kind: 'cli' }, bob.id, 'administrator')
  const page = await app.openWindow()
  await signIn(page, 'alice')
  const second = await app.openWindow({ context })
  await signIn(second, 'alice')
  const aliceId = services.accounts.findAccountByUsername('alice')!.id
  const rowsOfAlice = () =>
    ['sessions', 'security_log', 'account_pictures'].reduce(
      (sum, table) => sum + (services.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?`).get(aliceId) as { n: number }).n,
      0,
    )
  expect(rowsOfAlice()).toBeGreaterThan(0)

  await page.getByRole('link', { name: 'Profile', exact: true }).click()
  await expect(page.getByText('Deleting your account cannot be undone.').first()).toBeVisible()
  await page.getByTestId('delete-open').click()
  const dialog = page.getByRole('dialog', { name: 'Delete this account permanently?' })
  await expectAccessible(page, 'delete account dialog')
  // Two-factor authentication is off: no code field. Delete stays disabled until the username is typed exactly.
  await expect(dialog.getByLabel(/Two-factor code/)).toHaveCount(0)
  await expect(dialog.getByRole('button', { name: 'Delete permanently' })).toBeDisabled()
  await dialog.getByLabel(/Type your username/).fill('Alice')
  await expect(dialog.getByRole('button', { name: 'Delete permanently' })).toBeDisabled()
  await dialog.getByLabel(/Type your username/).fill('alice')
  // An empty password is a form error, not a failed attempt (nothing logged).
  const failedConfirmations = () => (services.db.prepare("SELECT count(*) AS n FROM security_log WHERE kind = 'reauth.failed'").get() as { n: number }).n
  const failedBefore = failedConfirmations()
  await dialog.getByRole('button', { name: 'Delete permanently' }).click()
  await expect(dialog.getByText('Enter your password.')).toBeVisible()
  expect(failedConfirmations()).toBe(failedBefore)
  await dialog.getByLabel('Password').fill('wrong password 1')
  await dialog.getByRole('button', { name: 'Delete permanently' }).click()
  await expect(dialog.getByText('The password is incorrect.')).toBeVisible()
  expect(failedConfirmations()).toBe(failedBefore + 1)
  await dialog.getByLabel('Password').fill('wonderland 1')
  expect(services.accounts.listAccounts().map((a) => a.username)).toEqual(['alice', 'bob'])

  await dialog.getByRole('button', { name: 'Delete permanently' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('The account was deleted.')
  await expect(second.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
  await expect(second.getByRole('status')).toHaveText('The account was deleted.')
  expect(services.accounts.listAccounts().map((a) => a.username)).toEqual(['bob'])
  expect(rowsOfAlice()).toBe(0)
  expect(app.problems).toEqual([])
})
