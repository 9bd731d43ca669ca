import type { Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestCore } from '../fixtures/test-core.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'

const PASSWORD = 'wonderland 1'

async function signInWindow(app: KeysteadApp, password = PASSWORD): Promise<Page> {
  const page = await app.openWindow()
  await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
  await page.getByLabel('Username').fill('alice')
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  return page
}

async function openSection(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

const aliceId = (app: KeysteadApp) => app.test.core.services!.accounts.findAccountByUsername('alice')!.id

// Several windows and axe scans on a shared 2-core machine: allow more than the default.
test.describe.configure({ timeout: 120_000 })

test.describe('sessions', () => {
  test.beforeEach(async ({ app }) => {
    await app.test.core.services!.accounts.createAccount({ username: 'alice', password: PASSWORD, fullName: 'Alice Liddell', timezone: 'Europe/Istanbul' })
  })

  test('two windows: closing one from the other sends it to sign-in at once', async ({ app }) => {
    const first = await signInWindow(app)
    await expect(first.getByTestId('profile-username')).toHaveText('alice')
    const second = await signInWindow(app)
    await expect(second.getByTestId('profile-username')).toHaveText('alice')
    // A session from the command line too, so the list shows where each came from.
    app.test.core.services!.sessions.createSession(aliceId(app), { origin: 'cli', device: { ...FAKE_DEVICE, browser: 'Node.js 24.21.0', engine: 'V8 13.6' } })

    await openSection(first, 'Sessions')
    const current = first.getByTestId('current-session')
    await expect(current.getByTestId('session-browser')).toHaveText(FAKE_DEVICE.browser)
    await expect(current.getByTestId('session-os')).toHaveText(FAKE_DEVICE.os)
    await expect(current.getByTestId('session-model')).toHaveText(FAKE_DEVICE.model)
    await expect(current.getByTestId('session-ip')).toHaveText(FAKE_DEVICE.ip)
    await expect(current.getByTestId('session-engine')).toHaveText(FAKE_DEVICE.engine)
    await expect(current.getByTestId('session-arch')).toHaveText(FAKE_DEVICE.arch)
    for (const label of ['Expires', 'Last modified', 'Created at', 'Last authentication']) await expect(current.getByText(label, { exact: true })).toBeVisible()
    await expect(first.getByTestId('session-lifetimes')).toHaveText('A session ends after 12 hours without activity, or 30 days after it began, whichever comes first.')
    const others = first.getByTestId('other-session')
    await expect(others).toHaveCount(2)
    await expect(others.getByTestId('session-origin')).toHaveText(['Command line', 'Keystead app'])
    await expect(current.getByTestId('session-origin')).toHaveText('Keystead app')
    await expect(first.getByRole('heading', { name: 'Other sessions (2)' })).toBeVisible()
    await expectAccessible(first, 'sessions')
    await first.screenshot({ path: `${SCREENSHOT_DIR}/sessions.png`, fullPage: true })

    // Close the second window's session (the newest app session is listed after the CLI one).
    const secondId = app.test.core.windows.get(app.windowIdOf(second))!.sessionId
    const card = first.locator(`[data-session-id="${secondId}"]`)
    await card.getByRole('button', { name: /^Close/ }).click()
    const dialog = first.getByRole('dialog', { name: 'Close this session?' })
    await expect(dialog).toContainText(FAKE_DEVICE.ip)
    await expectAccessible(first, 'close-session confirmation')
    await dialog.getByRole('button', { name: 'Close session' }).click()
    await expect(first.getByRole('status')).toHaveText('The session was closed.')
    await expect(first.getByTestId('other-session')).toHaveCount(1)

    await expect(second.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible({ timeout: 1000 })
    await expect(second.getByRole('status')).toHaveText('This session was closed from another window or device.')
    expect(app.test.core.services!.sessions.findSession(secondId)).toBeUndefined()
    expect(app.problems).toEqual([])
  })

  test('"Sign out all other sessions" ends the others, with a confirmation that can be cancelled', async ({ app }) => {
    const first = await signInWindow(app)
    await expect(first.getByTestId('profile-username')).toHaveText('alice')
    const second = await signInWindow(app)
    await expect(second.getByTestId('profile-username')).toHaveText('alice')
    const third = await signInWindow(app)
    await expect(third.getByTestId('profile-username')).toHaveText('alice')

    await openSection(second, 'Sessions')
    await expect(second.getByTestId('other-session')).toHaveCount(2)
    await second.getByTestId('close-other-sessions').click()
    const dialog = second.getByRole('dialog', { name: 'Sign out all other sessions?' })
    await expect(dialog).toContainText('The 2 other sessions end at once.')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(dialog).toBeHidden()
    expect(app.test.core.windows.entries()).toHaveLength(3)

    await second.getByTestId('close-other-sessions').click()
    await dialog.getByRole('button', { name: 'Sign out all other sessions' }).click()
    await expect(second.getByRole('status')).toHaveText('2 other sessions were signed out.')
    await expect(second.getByTestId('no-other-sessions')).toBeVisible()
    for (const page of [first, third]) await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible({ timeout: 1000 })
    await expect(second.getByTestId('current-session')).toBeVisible()
    expect(app.problems).toEqual([])
  })

  test('many sessions come a page at a time: "Show more" adds the next page, the heading and the confirmation count them all', async ({ app }) => {
    const page = await signInWindow(app)
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    for (let i = 0; i < 55; i++) app.test.core.services!.sessions.createSession(aliceId(app), { origin: 'cli', device: { ...FAKE_DEVICE, browser: `Node.js ${i}` } })
    await openSection(page, 'Sessions')
    await expect(page.getByRole('heading', { name: 'Other sessions (55)' })).toBeVisible()
    await expect(page.getByTestId('other-session')).toHaveCount(50)
    await expect(page.getByTestId('sessions-shown')).toHaveText('Showing 50 of 55')
    await expectAccessible(page, 'sessions with more pages')
    await page.getByRole('button', { name: 'Show more sessions' }).click()
    await expect(page.getByTestId('other-session')).toHaveCount(55)
    await expect(page.getByTestId('sessions-show-more')).toBeHidden()
    // Every session once, newest first.
    const shown = await page.getByTestId('other-session').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-session-id')))
    expect(new Set(shown).size).toBe(55)
    await page.getByTestId('close-other-sessions').click()
    await expect(page.getByRole('dialog', { name: 'Sign out all other sessions?' })).toContainText('The 55 other sessions end at once.')
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out all other sessions' }).click()
    await expect(page.getByRole('status')).toHaveText('55 other sessions were signed out.')
    await expect(page.getByTestId('no-other-sessions')).toBeVisible()
    expect(app.problems).toEqual([])
  })

  test('a session closed by another process (the CLI, same file) reaches its window within a second', async ({ app }) => {
    const page = await signInWindow(app)
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    const sessionId = app.test.core.windows.get(app.windowIdOf(page))!.sessionId
    const cli = await startTestCore({ dataDir: app.dataDir, scheduleSessionCheck: () => () => {} })
    try {
      const started = Date.now()
      cli.core.services!.sessions.closeAccountSession(aliceId(app), sessionId, null)
      await expect(page.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible({ timeout: 1500 })
      expect(Date.now() - started).toBeLessThan(1500)
      await expect(page.getByRole('status')).toHaveText('This session was closed from another window or device.')
    } finally {
      cli.core.close()
    }
  })

  test('sessions started elsewhere show when the window is used again (focus), without a click on Refresh', async ({ app }) => {
    const page = await signInWindow(app)
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    await openSection(page, 'Sessions')
    await expect(page.getByTestId('no-other-sessions')).toBeVisible()
    const cli = await startTestCore({ dataDir: app.dataDir, scheduleSessionCheck: () => () => {} })
    try {
      cli.core.services!.sessions.createSession(aliceId(app), { origin: 'cli', device: { ...FAKE_DEVICE, browser: 'Node.js 24.21.0', engine: 'V8 13.6' } })
    } finally {
      cli.core.close()
    }
    await page.waitForTimeout(2100) // refreshes on return are at most every 2 s
    await page.evaluate(() => window.dispatchEvent(new Event('focus')))
    await expect(page.getByRole('heading', { name: 'Other sessions (1)' })).toBeVisible()
    await expect(page.getByText('Command line', { exact: true })).toBeVisible()
    expect(app.problems).toEqual([])
  })

  test('without an OS keyring, "Keep me signed in" is unavailable and the form says why', async ({ app }) => {
    app.test.platform.keyring = false
    const page = await app.openWindow()
    const keep = page.getByLabel('Keep me signed in')
    await expect(keep).toBeDisabled()
    await expect(page.getByTestId('keep-signed-in-unavailable')).toContainText('needs a system keyring')
    await expect(keep).toHaveAccessibleDescription(/system keyring/)
    await expectAccessible(page, 'sign in without keyring')
  })

  test('with a keyring, "Keep me signed in" keeps the session sealed', async ({ app }) => {
    const page = await app.openWindow()
    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByLabel('Keep me signed in').check()
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByTestId('profile-username')).toHaveText('alice')
    const held = app.test.core.windows.get(app.windowIdOf(page))!
    expect(app.test.platform.keptSession.keptSessionId()).toBe(held.sessionId)
    expect(JSON.stringify([...app.test.platform.keptStore])).not.toContain(held.token)
    await openSection(page, 'Sessions')
    await expect(page.getByTestId('current-session')).toContainText('Kept signed in')
  })
})

test.describe('security log', () => {
  test('lists each action newest first, filters, pages, shows unknown kinds, and exports CSV and JSON', async ({ app }) => {
    await app.test.core.services!.accounts.createAccount({ username: 'alice', password: PASSWORD })
    const first = await signInWindow(app, 'not the password 1')
    await expect(first.getByRole('alert')).toHaveText('The username or password is incorrect.')
    await first.getByLabel('Password').fill(PASSWORD)
    await first.getByRole('button', { name: 'Sign in' }).click()
    await expect(first.getByTestId('profile-username')).toHaveText('alice')
    const second = await signInWindow(app)
    await expect(second.getByTestId('profile-username')).toHaveText('alice')
    await openSection(first, 'Sessions')
    await first.getByTestId('other-session').getByRole('button', { name: /^Close/ }).click()
    await first.getByRole('button', { name: 'Close session' }).click()
    await expect(second.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
    // A kind a newer Keystead records that this version has no name for.
    app.test.core.services!.audit.recordSecurityEvent({ accountId: aliceId(app), kind: 'future.kind', detail: { title: 'deploy' } })

    await openSection(first, 'Security log')
    const rows = first.getByTestId('log-entry')
    await expect(rows.locator('td:nth-child(2)')).toHaveText(['future.kind', 'Session closed', 'Signed in', 'Signed in', 'Failed sign-in', 'Account created'])
    await expect(rows.nth(1)).toContainText(FAKE_DEVICE.os)
    await expect(rows.first()).toContainText('An event of a kind this version does not know (future.kind)')
    await expectAccessible(first, 'security log')

    await first.getByLabel('Show').selectOption({ label: 'Failed sign-in' })
    await expect(rows.locator('td:nth-child(2)')).toHaveText(['Failed sign-in'])
    await first.getByLabel('Show').selectOption({ label: 'future.kind' })
    await expect(rows.locator('td:nth-child(2)')).toHaveText(['future.kind'])
    await first.getByLabel('Show').selectOption({ label: 'All events' })
    await expect(rows).toHaveCount(6)

    // Export the whole log as CSV, then as JSON, through the save dialog.
    const csvPath = join(app.dataDir, 'export.csv')
    app.test.platform.nextSavePaths.push(csvPath)
    await first.getByRole('button', { name: 'Export as CSV' }).click()
    await expect(first.getByTestId('log-notice')).toHaveText(`6 entries were exported to ${csvPath}.`)
    const csv = readFileSync(csvPath, 'utf8').split('\r\n')
    expect(csv[0]).toBe('time,kind,session,device,detail,event,sentence')
    expect(csv.slice(1, -1).map((line) => line.split(',')[1])).toEqual(['future.kind', 'session.closed', 'signin', 'signin', 'signin.failed', 'account.created'])
    expect(csv.at(-1)).toBe('')
    await expect(rows.first()).toContainText('Security log exported')

    const jsonPath = join(app.dataDir, 'export.json')
    app.test.platform.nextSavePaths.push(jsonPath)
    await first.getByLabel('Show').selectOption({ label: 'Session closed' })
    await first.getByRole('button', { name: 'Export as JSON' }).click()
    await expect(first.getByTestId('log-notice')).toHaveText(`One entry was exported to ${jsonPath}.`)
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as Array<Record<string, unknown>>
    expect(json).toHaveLength(1)
    expect(json[0]).toMatchObject({ kind: 'session.closed', device: expect.stringContaining(FAKE_DEVICE.os), detail: { closedOrigin: 'app' } })
    expect(app.test.platform.saveRequests.map((r) => r.defaultFileName)).toEqual([
      expect.stringMatching(/^keystead-security-log-\d{4}-\d\d-\d\d\.csv$/),
      expect.stringMatching(/^keystead-security-log-\d{4}-\d\d-\d\d\.json$/),
    ])

    // Cancelling the dialog writes nothing and says nothing.
    app.test.platform.nextSavePaths.push(null)
    await first.getByRole('button', { name: 'Export as CSV' }).click()
    await expect(first.getByTestId('log-notice')).toBeHidden()

    // Paging: 20 a page.
    for (let i = 0; i < 25; i++) app.test.core.services!.audit.recordSecurityEvent({ accountId: aliceId(app), kind: 'signin', detail: { n: i } })
    await first.getByLabel('Show').selectOption({ label: 'All events' })
    await expect(first.getByTestId('log-page')).toHaveText('Page 1 of 2 (33 entries)')
    await expect(rows).toHaveCount(20)
    // The pager sits below 20 rows: the person has scrolled down to it. After Next, the new page shows from its top.
    await first.getByRole('button', { name: 'Next' }).scrollIntoViewIfNeeded()
    expect(await first.evaluate(() => window.scrollY)).toBeGreaterThan(0)
    await first.getByRole('button', { name: 'Next' }).click()
    await expect(first.getByTestId('log-page')).toHaveText('Page 2 of 2 (33 entries)')
    await expect.poll(() => first.evaluate(() => window.scrollY)).toBe(0)
    await expect(first.getByRole('heading', { level: 1 })).toBeInViewport()
    await expect(rows).toHaveCount(13)
    await expect(rows.last().locator('td:nth-child(2)')).toHaveText('Account created')
    await expect(first.getByRole('button', { name: 'Next' })).toBeDisabled()
    expect(app.problems).toEqual([])
  })
})
