import { chromium } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, chooseChromium, HARNESS_DISABLED_FEATURES, PLAYWRIGHT_DISABLED_FEATURES, SYSTEM_CHROMIUM } from '../fixtures/chromium-path.ts'

const PLAYWRIGHT_OWN = '/home/dev/.cache/ms-playwright/chromium-1234/chrome-linux/chrome'
const only = (...paths: string[]) => (path: string) => paths.includes(path)

describe('the Chromium the end-to-end tests drive', () => {
  it('takes KEYSTEAD_CHROMIUM first, then /usr/bin/chromium', () => {
    expect(chooseChromium({ KEYSTEAD_CHROMIUM: '/opt/chrome' }, only('/opt/chrome', SYSTEM_CHROMIUM), () => PLAYWRIGHT_OWN)).toEqual({ executablePath: '/opt/chrome', source: 'KEYSTEAD_CHROMIUM' })
    expect(chooseChromium({}, only(SYSTEM_CHROMIUM, PLAYWRIGHT_OWN), () => PLAYWRIGHT_OWN)).toEqual({ executablePath: SYSTEM_CHROMIUM, source: 'system' })
  })

  it("falls back to Playwright's own Chromium on a developer's machine (macOS, Windows, other Linux)", () => {
    expect(chooseChromium({}, only(PLAYWRIGHT_OWN), () => PLAYWRIGHT_OWN)).toEqual({ executablePath: undefined, source: 'playwright' })
  })

  it('says what to do when there is none', () => {
    expect(() => chooseChromium({}, only(), () => PLAYWRIGHT_OWN)).toThrow(/npx playwright install chromium/)
    expect(() => chooseChromium({}, only(), () => { throw new Error('no registry') })).toThrow(/npx playwright install chromium/)
    expect(() => chooseChromium({ KEYSTEAD_CHROMIUM: '/nope' }, only(SYSTEM_CHROMIUM), () => PLAYWRIGHT_OWN)).toThrow(/KEYSTEAD_CHROMIUM is set to \/nope, but no file is there[\s\S]*npx playwright install chromium/)
  })
})

/** The `disabledFeatures = [...]` list of the installed playwright-core, read from its source. */
function readPlaywrightDisabledFeatures(): string[] {
  const bundle = readFileSync(createRequire(import.meta.url).resolve('playwright-core/lib/coreBundle'), 'utf8')
  const list = /disabledFeatures = \[([\s\S]*?)\]\.filter\(Boolean\)/.exec(bundle)
  if (!list) throw new Error("playwright-core's disabledFeatures list was not found: update test/fixtures/chromium-path.ts")
  return [...list[1]!.replace(/\/\/[^\n]*/g, '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!)
}

describe('the flags the harness launches Chromium with', () => {
  it("repeats Playwright's own --disable-features list (Chromium keeps the last one) and adds the omnibox popups", () => {
    expect(PLAYWRIGHT_DISABLED_FEATURES).toEqual(readPlaywrightDisabledFeatures())
    const featureFlags = CHROMIUM_ARGS.filter((arg) => arg.startsWith('--disable-features='))
    expect(featureFlags).toHaveLength(1)
    expect(featureFlags[0]!.slice('--disable-features='.length).split(',')).toEqual([...PLAYWRIGHT_DISABLED_FEATURES, ...HARNESS_DISABLED_FEATURES])
  })

  it('opens one renderer per page: no WebUI omnibox popup beside it', async () => {
    const browser = await chromium.launch({ executablePath: chooseChromium().executablePath, args: CHROMIUM_ARGS })
    try {
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.setContent('<h1>Keystead</h1>')
      const cdp = await browser.newBrowserCDPSession()
      const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ type: string; url: string }> }
      expect(targetInfos.map((t) => t.url).filter((url) => url.startsWith('chrome://'))).toEqual([])
      expect(targetInfos.filter((t) => t.type === 'page')).toHaveLength(1)
    } finally {
      await browser.close()
    }
  }, 30_000)
})
