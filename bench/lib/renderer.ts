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

// Records when the first <h1> appears (the sign-in screen's title; the empty page's only element).
const HEADING_PROBE = `(() => {
  const observer = new MutationObserver(() => {
    if (document.querySelector('h1')) { window.__headingAt = performance.now(); observer.disconnect() }
  })
  observer.observe(document, { childList: true, subtree: true })
})();`

// Waits for the paint entry, then returns it with the heading's time (a string: this file has no DOM types).
const READ_PAINT_TIMES = `new Promise((resolve) => {
  const read = () => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]
    if (fcp && window.__headingAt !== undefined) resolve({
      fcpMs: fcp.startTime,
      headingMs: window.__headingAt,
      requests: 1 + performance.getEntriesByType('resource').length,
      waterfall: {
        resources: performance.getEntriesByType('resource').map((e) => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd)]),
        ipc: window.__ipcCalls ?? [],
      },
    })
    else requestAnimationFrame(read)
  }
  read()
})`

async function paintOnce(browser: Browser, dir: string, expectedHeading: string, prepare?: (context: BrowserContext) => Promise<void>): Promise<PaintTimes> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
  try {
    await serveFolder(context, dir)
    if (prepare) await prepare(context)
    await context.addInitScript({ content: HEADING_PROBE })
    const page = await context.newPage()
    await page.goto(`${TEST_ORIGIN}/index.html`)
    const heading = page.locator('h1').first()
    await heading.waitFor({ state: 'visible' })
    const text = (await heading.textContent())?.trim()
    if (text !== expectedHeading) throw new Error(`Expected the heading "${expectedHeading}", found "${text}"`)
    return (await page.evaluate(READ_PAINT_TIMES)) as PaintTimes
  } finally {
    await context.close()
  }
}

export interface RendererPaint {
  app: PaintTimes[]
  empty: PaintTimes[]
  appMedian: PaintTimes
  emptyMedian: PaintTimes
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
    return { app, empty, appMedian: pick(app), emptyMedian: pick(empty) }
  } finally {
    await browser.close()
    core.core.close()
    dataDir.remove()
  }
}
