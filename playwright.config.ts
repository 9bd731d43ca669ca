import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, chooseChromium } from './test/fixtures/chromium-path.ts'

// KEYSTEAD_CHROMIUM, else /usr/bin/chromium, else Playwright's own (`npx playwright install chromium`); a clear message when none.
const chromiumPath = chooseChromium().executablePath

export default defineConfig({
  testDir: 'test',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts'],
  fullyParallel: false,
  // One worker: each worker is a Node process holding the app's main side (about 400 MB) plus its own
  // Chromium (about 600 MB over its processes); two of them put `npm test` at 3.5 GB, over its 2 GB target.
  // KEYSTEAD_E2E_WORKERS=N runs N at once on a machine with the memory to spare.
  workers: Number(process.env.KEYSTEAD_E2E_WORKERS ?? 1),
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
