import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, chooseChromium } from './test/fixtures/chromium-path.ts'

// KEYSTEAD_CHROMIUM, else /usr/bin/chromium, else Playwright's own (`npx playwright install chromium`); a clear message when none.
const chromiumPath = chooseChromium().executablePath

// The test worker holds the app's main side. Left alone, V8 lets its heap grow to 3-4 times the live data on a
// machine with plenty of memory (measured: 100-140 MB live, 240-360 MB heap, 690 MB resident at the peak); a 256 MB
// old space and small young-generation halves keep it near its live size (about 300 MB resident). The workers
// inherit this from the runner's environment. The runner itself gets the same flags on its command line
// (package.json's test:e2e): this file runs too late to set its own heap.
const HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=4']
const nodeOptions = process.env.NODE_OPTIONS ?? ''
if (!nodeOptions.includes('--max-old-space-size')) process.env.NODE_OPTIONS = [nodeOptions, ...HEAP_FLAGS].filter(Boolean).join(' ')

export default defineConfig({
  testDir: 'test',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts'],
  fullyParallel: false,
  // One worker: each worker is a Node process holding the app's main side (about 300 MB) plus its own
  // Chromium (about 1 GB resident over its processes); two of them put `npm test` over its 2 GB target.
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
