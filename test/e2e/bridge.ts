import { test as base, expect } from '@playwright/test'
import type { BrowserContext, Page } from '@playwright/test'
import { join } from 'node:path'
import { channels, eventChannels } from '../../src-preload/contract/api.ts'
import { createKeysteadApi } from '../../src-preload/create-api.ts'
import { serveFolder } from '../fixtures/serve-folder.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore, TEST_ORIGIN } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

/**
 * The test bridge: the BUILT renderer (out/renderer) in Debian's Chromium, given a
 * `window.keystead` made by the preload's own createKeysteadApi, whose calls go
 * through a page binding to the real main-process core (handlers, services, SQLite)
 * running in this test process. Each page is one "window" with its own id.
 */
const RENDERER_DIR = join(import.meta.dirname, '../../out/renderer')
export const APP_URL = `${TEST_ORIGIN}/index.html`

export interface KeysteadApp {
  test: TestCore
  dataDir: string
  /** Opens a new window (page) on the app, with its own window id. */
  openWindow(options?: { context?: BrowserContext }): Promise<Page>
  windowIdOf(page: Page): number
  /** CSP violations and page errors seen so far (should stay empty). */
  problems: string[]
}

export const test = base.extend<{ app: KeysteadApp }>({
  app: async ({ context, page }, use) => {
    const dir = makeTempDir('keystead-e2e-')
    const pages = new Map<number, Page>()
    const ids = new Map<Page, number>()
    const problems: string[] = []
    const testCore = await startTestCore({
      dataDir: dir.path,
      notify: (windowId, channel, payload) => {
        const target = pages.get(windowId)
        void target?.evaluate(([c, p]) => (window as unknown as { __keysteadEmit(c: string, p: unknown): void }).__keysteadEmit(c, p), [channel, payload] as const).catch(() => {})
      },
    })
    let nextWindowId = 1
    const factorySource = createKeysteadApi.toString()
    const prepared = new Set<BrowserContext>()

    async function prepare(ctx: BrowserContext): Promise<void> {
      if (prepared.has(ctx)) return
      prepared.add(ctx)
      await serveFolder(ctx, RENDERER_DIR)
      await ctx.exposeBinding('__keysteadInvoke', async (source, channel: string, payload: unknown) => {
        const windowId = ids.get(source.page)
        if (windowId === undefined) throw new Error('Unknown window')
        return testCore.core.invoke({ windowId, senderUrl: source.frame.url() }, channel, payload)
      })
      await ctx.addInitScript({
        content: `(() => {
          const listeners = new Map();
          window.__keysteadEmit = (channel, payload) => { for (const l of listeners.get(channel) ?? []) l(payload) };
          const invoke = (channel, payload) => window.__keysteadInvoke(channel, payload);
          const subscribe = (channel, listener) => {
            const set = listeners.get(channel) ?? new Set(); set.add(listener); listeners.set(channel, set);
            return () => set.delete(listener);
          };
          window.keystead = (${factorySource})(${JSON.stringify(channels)}, ${JSON.stringify(eventChannels)}, invoke, subscribe);
        })();`,
      })
    }

    async function openWindow(options: { context?: BrowserContext } = {}): Promise<Page> {
      const ctx = options.context ?? context
      await prepare(ctx)
      const target = nextWindowId === 1 && ctx === context ? page : await ctx.newPage()
      const windowId = nextWindowId++
      pages.set(windowId, target)
      ids.set(target, windowId)
      target.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
      target.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`)
      })
      await target.goto(APP_URL)
      return target
    }

    await use({ test: testCore, dataDir: dir.path, openWindow, windowIdOf: (p) => ids.get(p) ?? -1, problems })
    testCore.core.close()
    dir.remove()
  },
})

export { expect }
