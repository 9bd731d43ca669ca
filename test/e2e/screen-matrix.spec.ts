import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'
import { generate } from 'otplib'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'
import { go, SCREEN_STATES, signIn } from './screens.ts'
import type { ScreenState, SeededScreens } from './screens.ts'

/**
 * Every screen and dialog of SCREEN_STATES, in light and dark, at 1280x800 and 800x600 (and at the default 1100x760): axe finds no violation
 * (WCAG 2.2 A/AA, colour contrast included), the page is no wider than the window, and no text overflows its box
 * (table cells, dialogs and the text inside dialogs: scrollWidth <= clientWidth unless the box scrolls on purpose).
 */
const PASSWORD = 'wonderland 1'
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** axe-core on the page as it is (injected once, and again after the reload that follows the first start); one line per violation. */
async function runAxe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map((v) => `axe ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  }, AXE_TAGS)
}
/** Each combination also runs in one language (German and Turkish words are the longest), signed in as that language's account. */
const COMBINATIONS = [
  { theme: 'light', width: 1280, height: 800, language: 'en' },
  { theme: 'dark', width: 1280, height: 800, language: 'tr' },
  { theme: 'light', width: 800, height: 600, language: 'de' },
  { theme: 'dark', width: 800, height: 600, language: 'tr' },
  // The size a new window opens at (src-main/window.ts), in the language with the longest words.
  { theme: 'light', width: 1100, height: 760, language: 'de' },
] as const

/**
 * Alice (the only account, so the sign-in form offers her) with two-factor on, a token, an SSH key, a second session
 * and a few security-log entries. Her recovery codes sign in (the current TOTP code was just used).
 */
async function seedScreensData(app: KeysteadApp, language: string): Promise<string[]> {
  const services = app.test.core.services!
  const account = await services.accounts.createAccount({ username: 'alice', password: PASSWORD, fullName: 'Alice Pleasance Liddell', email: 'alice@example.com', timezone: 'America/Argentina/ComodRivadavia', language })
  const { secret } = services.twoFactor.beginTwoFactorSetup(account)
  const recoveryCodes = await services.twoFactor.confirmTwoFactorSetup(account, await generate({ secret }))
  services.tokens.createToken(account.id, { title: 'Deployment pipeline for the production cluster', isEnabled: true, scope: 'read-write', expiry: { kind: 'days', days: 90 } })
  services.sshKeys.addKey(account.id, { title: 'Workstation in the second-floor office', publicKey: buildEd25519Line('alice.liddell@a-rather-long-host-name.example.org') })
  services.sessions.createSession(account.id, { origin: 'cli', device: { ...FAKE_DEVICE, browser: 'Node.js 24.21.0', engine: 'V8 13.6' } })
  await services.auth.signIn({ username: 'alice', password: 'not the password 1', origin: 'cli', device: FAKE_DEVICE }).catch(() => {})
  return recoveryCodes
}

/** The accounts the Accounts screen lists besides alice (made after the signed-out screens, which show her alone). */
async function seedOtherAccounts(app: KeysteadApp, language: string): Promise<void> {
  const services = app.test.core.services!
  await services.accounts.createAccount({ username: 'bob', password: 'builder 22x', fullName: 'Robert Bartholomew Builder-Montgomery', email: 'robert.bartholomew.builder-montgomery@construction.example.org', language, mustChangePassword: true })
  services.db.prepare("UPDATE accounts SET locked_at = ? WHERE username = 'bob'").run(Date.now())
}

async function visit(page: Page, state: ScreenState, app: KeysteadApp, seeded: SeededScreens): Promise<void> {
  await go(page, state.path)
  if (state.open) await state.open(page, app, seeded)
}

/** Boxes whose text is wider than the box (and that do not scroll on purpose), and the page's own overflow. */
async function findOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = []
    const root = document.documentElement
    if (root.scrollWidth > root.clientWidth) problems.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`)
    const boxes = document.querySelectorAll<HTMLElement>('td, th, dialog[open], dialog[open] p, dialog[open] code, dialog[open] label, [role="menu"], [role="menu"] *, h1, h2, .app-nav__link')
    for (const box of boxes) {
      const style = getComputedStyle(box)
      if (style.display === 'none' || box.clientWidth <= 1 || ['auto', 'scroll'].includes(style.overflowX)) continue
      if (box.scrollWidth > box.clientWidth + 1) {
        const text = (box.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60)
        problems.push(`<${box.tagName.toLowerCase()} class="${box.className}"> "${text}" needs ${box.scrollWidth} px in ${box.clientWidth} px`)
      }
    }
    return problems
  })
}

/** An open dialog has the focus inside it, and never on a destructive button (Enter must not delete or close anything). */
async function findDialogFocusProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const dialog = document.querySelector('dialog[open]')
    if (!dialog) return []
    const active = document.activeElement
    if (!active || !dialog.contains(active)) return [`the open dialog does not hold the focus (it is on <${active?.tagName.toLowerCase()}>)`]
    if (active.matches('.button--danger')) return [`the dialog opens with the focus on its destructive button "${active.textContent?.trim()}"`]
    return []
  })
}

// About 50 states (one backup made and verified among them) x 5 combinations of axe runs on a shared machine.
test.describe.configure({ timeout: 300_000 })

for (const { theme, width, height, language } of COMBINATIONS) {
  test(`every screen and dialog, ${theme}, ${width}x${height}, ${language}: accessible, no wider than the window, no text outside its box`, async ({ app }) => {
    // The first start: the window opens before any account exists.
    const page = await app.openWindow()
    await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' })
    await page.setViewportSize({ width, height })
    const report: string[] = []
    const ordered = [...SCREEN_STATES.filter((s) => s.firstStart), ...SCREEN_STATES.filter((s) => s.guest && !s.firstStart), ...SCREEN_STATES.filter((s) => !s.firstStart && !s.guest)]
    const seeded: SeededScreens = { password: PASSWORD, recoveryCodes: [] }
    let isSeeded = false
    let signedIn = false
    /** The sidebar's width on each signed-in screen: one width everywhere. */
    const sidebarWidths = new Map<number, string[]>()
    for (const state of ordered) {
      if (!state.firstStart && !isSeeded) {
        seeded.recoveryCodes.push(...(await seedScreensData(app, language)))
        isSeeded = true
        await page.reload() // a new start, with alice's data and language
        await page.locator('h1').waitFor()
      }
      if (!state.firstStart && !state.guest && !signedIn) {
        await seedOtherAccounts(app, language)
        await visit(page, { name: 'sign-in', path: '/sign-in' }, app, seeded)
        await signIn(page, seeded)
        await expect(page.getByTestId('profile-menu')).toBeVisible()
        signedIn = true
      }
      const started = Date.now()
      await visit(page, state, app, seeded)
      for (const problem of await findDialogFocusProblems(page)) report.push(`${state.name}: ${problem}`)
      // The narrow window's stacked tables, for the README.
      if (width === 800 && theme === 'light' && ['access tokens', 'security log'].includes(state.name)) {
        await page.screenshot({ path: `${SCREENSHOT_DIR}/narrow-${state.path.slice(1)}.png`, fullPage: true })
      }
      for (const violation of await runAxe(page)) report.push(`${state.name}: ${violation}`)
      for (const problem of await findOverflow(page)) report.push(`${state.name}: ${problem}`)
      if (!state.firstStart && !state.guest) {
        const sidebar = Math.round(await page.evaluate(() => document.querySelector('.app-nav')?.getBoundingClientRect().width ?? 0))
        sidebarWidths.set(sidebar, [...(sidebarWidths.get(sidebar) ?? []), state.name])
      }
      if (state.close) await state.close(page, app, seeded)
      else if (state.open) await page.keyboard.press('Escape')
      if (state.open) await expect(page.locator('dialog[open], [role="menu"]')).toHaveCount(0)
      if (process.env.KEYSTEAD_MATRIX_TIMES) console.log(`${Date.now() - started} ms ${state.name}`)
    }
    if (sidebarWidths.size > 1) report.push(`the sidebar's width changes between screens: ${JSON.stringify(Object.fromEntries(sidebarWidths))}`)
    expect(sidebarWidths.size, 'the signed-in screens show the sidebar').toBeGreaterThan(0)
    expect(report, `problems in ${theme} at ${width}x${height} in ${language}`).toEqual([])
    expect(app.problems).toEqual([])
  })
}
