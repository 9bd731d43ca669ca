import vue from '@vitejs/plugin-vue'
import { chromium } from '@playwright/test'
import type { Browser, BrowserContext } from '@playwright/test'
import { init, parse } from 'es-module-lexer'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, normalize, posix } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { channels, eventChannels } from '../../src-preload/contract/api.ts'
import { createKeysteadApi } from '../../src-preload/create-api.ts'
import { CONTENT_SECURITY_POLICY_META } from '../../src-main/security-policy.ts'
import { startTestCore, TEST_ORIGIN } from '../../test/fixtures/test-core.ts'
import { serveFolder } from '../../test/fixtures/serve-folder.ts'
import { CHROMIUM_ARGS, chooseChromium } from '../../test/fixtures/chromium-path.ts'
import { makeTempDir } from '../../test/fixtures/temp-dir.ts'
import { median } from './figures.ts'

const ROOT = join(import.meta.dirname, '../..')
export const RENDERER_DIR = join(ROOT, 'out/renderer')

/** `electron-vite build`: the production build the app ships (main, preload, renderer). */
export function buildApp(): void {
  const result = spawnSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`electron-vite build failed:\n${result.stderr}${result.stdout}`)
}

/** The empty Vue page, built by Vite with the same Vue plugin, minifier and CSP meta tag. */
export async function buildEmptyVuePage(outDir: string): Promise<void> {
  await build({
    root: join(ROOT, 'bench/empty-vue'),
    configFile: false,
    logLevel: 'error',
    base: './',
    plugins: [vue(), { name: 'keystead-csp', transformIndexHtml: (html: string) => html.replace('%KEYSTEAD_CSP%', CONTENT_SECURITY_POLICY_META) }],
    build: { outDir, emptyOutDir: true },
  })
}

export interface InitialAssets {
  files: Array<{ file: string; kind: 'js' | 'css'; bytes: number; gzipBytes: number }>
  jsGzipBytes: number
  cssGzipBytes: number
}

/**
 * What the page loads before it can render: index.html's module script and stylesheet
 * links, plus every module those scripts import statically (not the lazy chunks that
 * `import()` fetches when a route opens).
 */
export async function measureInitialAssets(dir: string): Promise<InitialAssets> {
  await init
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
  const toFile = (ref: string) => normalize(ref.replace(/^\.?\//, ''))
  const queue = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g), ...html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) =>
    toFile(m[1]!),
  )
  const css = new Set([...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => toFile(m[1]!)))
  const js = new Set<string>()
  while (queue.length > 0) {
    const file = queue.shift()!
    if (js.has(file)) continue
    js.add(file)
    const source = readFileSync(join(dir, file), 'utf8')
    const [imports] = parse(source)
    for (const entry of imports) {
      // d === -1: a static import or export-from; dynamic import() and import.meta are left out.
      if (entry.d !== -1 || !entry.n || !entry.n.startsWith('.')) continue
      queue.push(posix.normalize(posix.join(posix.dirname(file), entry.n)))
    }
  }
  const files = [...[...js].map((file) => ({ file, kind: 'js' as const })), ...[...css].map((file) => ({ file, kind: 'css' as const }))].map((entry) => {
    const bytes = readFileSync(join(dir, entry.file))
    return { ...entry, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length }
  })
  const sum = (kind: 'js' | 'css') => files.filter((f) => f.kind === kind).reduce((total, f) => total + f.gzipBytes, 0)
  return { files, jsGzipBytes: sum('js'), cssGzipBytes: sum('css') }
}

const SIGN_IN_TITLE = 'Sign in to Keystead'

export interface PaintTimes {
  fcpMs: number
  headingMs: number
  /** Files the page fetched (each one a round trip through the route handler). */
  requests: number
  /** [file, start ms, end ms] of each fetch and [channel, start, end] of each IPC call: where the time went. */
  waterfall?: { resources: Array<[string, number, number]>; ipc: Array<[string, number, number]> }
}

/**
 * The probe both pages get, as an init script (it runs before any of the page's own scripts): it records the first
 * contentful paint (a PerformanceObserver) and when the first <h1> enters the DOM (the sign-in screen's title; the
 * empty page's only element), and reports both through a binding once it has both. Nothing else is evaluated in the
 * page until then: a Playwright locator or evaluate() injects Playwright's own scripts into the page, which ran
 * before the app's first paint but after the empty page's (about 40 ms of main thread here), so it measured the two
 * pages differently.
 */
const PAINT_PROBE = `(() => {
  let fcpMs
  let headingMs
  const report = () => {
    if (fcpMs === undefined || headingMs === undefined) return
    const resources = performance.getEntriesByType('resource')
    window.__benchPaintTimes({
      fcpMs,
      headingMs,
      requests: 1 + resources.length,
      waterfall: {
        resources: resources.map((e) => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd)]),
        ipc: window.__ipcCalls ?? [],
      },
    })
  }
  new PerformanceObserver((list) => {
    const fcp = list.getEntriesByName('first-contentful-paint')[0]
    if (fcp && fcpMs === undefined) { fcpMs = fcp.startTime; report() }
  }).observe({ type: 'paint', buffered: true })
  const observer = new MutationObserver(() => {
    if (document.querySelector('h1')) { headingMs = performance.now(); observer.disconnect(); report() }
  })
  observer.observe(document, { childList: true, subtree: true })
})();`

const PAINT_TIMEOUT_MS = 30_000

async function paintOnce(browser: Browser, dir: string, expectedHeading: string, prepare?: (context: BrowserContext) => Promise<void>): Promise<PaintTimes> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
  try {
    await serveFolder(context, dir)
    if (prepare) await prepare(context)
    let reported: (times: PaintTimes) => void = () => {}
    const times = new Promise<PaintTimes>((resolve, reject) => {
      reported = resolve
      setTimeout(() => reject(new Error(`No first paint and heading from ${dir} within ${PAINT_TIMEOUT_MS} ms`)), PAINT_TIMEOUT_MS).unref()
    })
    await context.exposeBinding('__benchPaintTimes', (_source, reportedTimes: PaintTimes) => reported(reportedTimes))
    await context.addInitScript({ content: PAINT_PROBE })
    const page = await context.newPage()
    await page.goto(`${TEST_ORIGIN}/index.html`, { waitUntil: 'commit' })
    const measured = await times
    // Checked after the measurement (the locator injects Playwright's scripts into the page).
    const text = (await page.locator('h1').first().textContent())?.trim()
    if (text !== expectedHeading) throw new Error(`Expected the heading "${expectedHeading}", found "${text}"`)
    return measured
  } finally {
    await context.close()
  }
}

export interface RendererPaint {
  app: PaintTimes[]
  empty: PaintTimes[]
  appMedian: PaintTimes
  emptyMedian: PaintTimes
  /** Median of each round's own ratio (the app's load / the empty page's load right after it): less moved by load that drifts during a run. */
  pairedRatioMedian: number
}

/**
 * First contentful paint of the sign-in screen (one account exists, nobody signed in;
 * window.keystead wired to a real core as in the e2e bridge) and of the empty Vue page,
 * alternated, each in a fresh browser context.
 */
export async function measurePaint(emptyDir: string, rounds: number): Promise<RendererPaint> {
  const dataDir = makeTempDir('keystead-bench-paint-')
  const core = await startTestCore({ dataDir: dataDir.path })
  await core.core.services!.accounts.createAccount({ username: 'benchuser', password: 'bench password 1' })
  const browser = await chromium.launch({
    executablePath: chooseChromium().executablePath,
    args: CHROMIUM_ARGS,
  })
  let windowId = 1
  const prepareApp = async (context: BrowserContext) => {
    const id = windowId++
    await context.exposeBinding('__keysteadInvoke', (source, channel: string, payload: unknown) =>
      core.core.invoke({ windowId: id, senderUrl: source.frame.url() }, channel, payload),
    )
    await context.addInitScript({
      content: `window.__ipcCalls = [];
        window.keystead = (${createKeysteadApi.toString()})(${JSON.stringify(channels)}, ${JSON.stringify(eventChannels)},
        (channel, payload) => { const started = performance.now(); return window.__keysteadInvoke(channel, payload)
          .finally(() => window.__ipcCalls.push([channel, Math.round(started), Math.round(performance.now())])) }, () => () => {});`,
    })
  }
  try {
    // One unmeasured load of each warms Chromium's caches of the engine itself.
    await paintOnce(browser, RENDERER_DIR, SIGN_IN_TITLE, prepareApp)
    await paintOnce(browser, emptyDir, SIGN_IN_TITLE)
    const app: PaintTimes[] = []
    const empty: PaintTimes[] = []
    for (let i = 0; i < rounds; i++) {
      app.push(await paintOnce(browser, RENDERER_DIR, SIGN_IN_TITLE, prepareApp))
      empty.push(await paintOnce(browser, emptyDir, SIGN_IN_TITLE))
    }
    const pick = (list: PaintTimes[]): PaintTimes => ({
      fcpMs: median(list.map((t) => t.fcpMs)),
      headingMs: median(list.map((t) => t.headingMs)),
      requests: median(list.map((t) => t.requests)),
    })
    return { app, empty, appMedian: pick(app), emptyMedian: pick(empty), pairedRatioMedian: median(app.map((t, i) => t.fcpMs / empty[i]!.fcpMs)) }
  } finally {
    await browser.close()
    core.core.close()
    dataDir.remove()
  }
}
