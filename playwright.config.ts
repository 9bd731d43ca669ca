import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, chooseChromium } from './test/fixtures/chromium-path.ts'

// KEYSTEAD_CHROMIUM, else /usr/bin/chromium, else Playwright's own (`npx playwright install chromium`); a clear message when none.
const chromiumPath = chooseChromium().executablePath

export default defineConfig({
  testDir: 'test',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts'],
  fullyParallel: false,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromiumPath,
      args: CHROMIUM_ARGS,
    },
    viewport: { width: 1100, height: 760 },
    trace: 'off',
    actionTimeout: 10_000,
  },
})
