import { describe, expect, it } from 'vitest'
import { chooseChromium, SYSTEM_CHROMIUM } from '../fixtures/chromium-path.ts'

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
