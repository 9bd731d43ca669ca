import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { listChannels } from '../../src-preload/contract/api.ts'
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META, SECURE_WEB_PREFERENCES } from '../../src-main/security-policy.ts'
import { createFakeElectronState, FakeBrowserWindow, FakeWebContents } from '../fixtures/fake-electron.ts'
import type { FakeElectronState } from '../fixtures/fake-electron.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * Electron hardening, asserted by running the real shell (src-main/index.ts and window.ts)
 * against a fake `electron` module: the window's web preferences, navigation, pop-up and
 * webview refusal, the permission handlers, the app:// protocol's CSP header, the IPC
 * sender check and the single-instance lock. The fuses are covered by packaging.test.ts.
 */
const holder = vi.hoisted(() => ({ state: null as unknown as FakeElectronState }))
vi.mock('electron', async () => (await import('../fixtures/fake-electron.ts')).createFakeElectron(holder.state))
vi.mock('electron-store', () => ({
  default: class MemoryStore {
    data = new Map<string, unknown>()
    get(key: string): unknown {
      return this.data.get(key)
    }
    set(key: string, value: unknown): void {
      this.data.set(key, value)
    }
  },
}))

const ROOT = join(import.meta.dirname, '../..')
const dir = makeTempDir('keystead-hardening-')
let win: FakeBrowserWindow

beforeAll(async () => {
  holder.state = createFakeElectronState(dir.path)
  delete process.env.ELECTRON_RENDERER_URL
  await import('../../src-main/index.ts')
  holder.state.ready.resolve()
  await vi.waitFor(() => expect(FakeBrowserWindow.all.length).toBe(1), { timeout: 10_000 })
  win = FakeBrowserWindow.all[0]!
})
afterAll(() => {
  holder.state.app.emit('window-all-closed')
  dir.remove()
})

const fakeEvent = () => {
  const event = { prevented: false, preventDefault: () => void (event.prevented = true) }
  return event
}

describe('the BrowserWindow', () => {
  it('uses exactly the secure web preferences plus the preload', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true)
    const { preload, ...rest } = win.options.webPreferences
    expect(rest).toEqual({ ...SECURE_WEB_PREFERENCES })
    expect(String(preload)).toMatch(/preload[/\\]index\.cjs$/)
    expect(win.options.show).toBe(false)
  })

  it('loads only the app:// page', () => {
    expect(win.loadedUrl).toBe(`${APP_ORIGIN}/index.html`)
  })

  it.each(['will-navigate', 'will-redirect', 'will-attach-webview'])('refuses %s', (eventName) => {
    const events = [fakeEvent()]
    win.webContents.emit(eventName, events[0], 'https://evil.example/')
    expect(events[0]!.prevented).toBe(true)
  })

  it('denies every window.open; https links go to the system browser, nothing else does', () => {
    const handler = win.webContents.windowOpenHandler!
    for (const url of ['https://example.org/help', 'http://example.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://keystead/index.html']) {
      expect(handler({ url })).toEqual({ action: 'deny' })
    }
    expect(holder.state.openedExternally).toEqual(['https://example.org/help'])
  })

  it('refuses navigation and pop-ups in every other web contents too', () => {
    const contents = new FakeWebContents()
    holder.state.app.emit('web-contents-created', {}, contents)
    const event = fakeEvent()
    contents.emit('will-navigate', event, 'https://evil.example/')
    expect(event.prevented).toBe(true)
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
  })
})

describe('the session and the app:// protocol', () => {
  it('turns on the sandbox for every renderer and registers app:// as a standard, secure scheme without CSP bypass, with the V8 code cache', () => {
    expect(holder.state.calls).toContain('enableSandbox')
    expect(holder.state.privilegedSchemes).toEqual([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }])
  })

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'pointerLock', 'midiSysex'])(
    'refuses the %s permission, asked or checked',
    (permission) => {
      const answers: boolean[] = []
      holder.state.permissionRequestHandler!({}, permission, (granted) => answers.push(granted))
      expect(answers).toEqual([false])
      expect(holder.state.permissionCheckHandler!({}, permission, APP_ORIGIN, {})).toBe(false)
    },
  )

  it('serves pages with the CSP header and nosniff', async () => {
    const handle = holder.state.protocolHandlers.get(APP_SCHEME)!
    const response = await handle(new Request(`${APP_ORIGIN}/index.html`))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it.each(['app://other-host/index.html', 'app://keystead/a%00b', 'app://keystead/x/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd', 'app://keystead/..%2f..%2fetc/passwd'])(
    'answers 404 for %s and reads nothing',
    async (url) => {
      const before = holder.state.fetched.length
      const response = await holder.state.protocolHandlers.get(APP_SCHEME)!(new Request(url))
      expect(response.status).toBe(404)
      expect(holder.state.fetched.length).toBe(before)
    },
  )

  it.each(['app://keystead/../../../etc/passwd', 'app://keystead/%2e%2e/%2e%2e/etc/passwd', 'app://keystead/assets/../../main/index.js'])(
    'never reads outside the renderer folder for %s',
    async (url) => {
      holder.state.fetched.length = 0
      await holder.state.protocolHandlers.get(APP_SCHEME)!(new Request(`${APP_ORIGIN}/index.html`))
      const rendererUrl = holder.state.fetched[0]!.replace(/index\.html$/, '')
      // The shell's renderer folder: out/renderer next to out/main (here, next to src-main).
      expect(rendererUrl).toBe(pathToFileURL(join(ROOT, 'renderer')).href + '/')
      await holder.state.protocolHandlers.get(APP_SCHEME)!(new Request(url))
      expect(holder.state.fetched.length).toBe(2)
      expect(holder.state.fetched[1]!.startsWith(rendererUrl)).toBe(true)
    },
  )
})

describe('IPC', () => {
  it('registers exactly the contract channels', () => {
    expect([...holder.state.ipcHandlers.keys()].sort()).toEqual(listChannels().sort())
  })

  it.each(['https://evil.example/index.html', 'file:///tmp/index.html', 'app://keystead.evil/index.html', 'devtools://devtools/bundled/x.html', ''])(
    'refuses a request from a frame at "%s"',
    async (url) => {
      const handler = holder.state.ipcHandlers.get('keystead:auth.listAccounts')!
      const result = await handler({ sender: { id: win.webContents.id }, senderFrame: url ? { url } : null }, null)
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'ipc.untrustedSender' } })
    },
  )

  it('answers the app page', async () => {
    const handler = holder.state.ipcHandlers.get('keystead:auth.listAccounts')!
    expect(await handler({ sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html` } }, null)).toEqual({ ok: true, value: [] })
  })
})

describe('single instance', () => {
  it('takes the lock before anything else and focuses the first window when a second one starts', () => {
    expect(holder.state.calls.indexOf('requestSingleInstanceLock')).toBeLessThan(holder.state.calls.indexOf('whenReady'))
    win.minimized = true
    holder.state.app.emit('second-instance')
    expect(win.restored).toBe(1)
    expect(win.focused).toBe(1)
    expect(FakeBrowserWindow.all.length).toBe(1)
  })
})

describe('the Content-Security-Policy', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]))

  it('allows only our own origin: no eval, no inline code, no plugins, no framing', () => {
    expect(directives.get('default-src')).toEqual(["'self'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('style-src')).toEqual(["'self'"])
    expect(directives.get('connect-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:|wasm-unsafe/)
  })

  it('goes into the built index.html as a meta tag (everything but frame-ancestors, which only a header can carry)', async () => {
    expect(CONTENT_SECURITY_POLICY_META).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''))
    const { default: configFn } = await import('../../electron.vite.config.ts')
    const config = (configFn as unknown as (env: { command: string; mode: string }) => { renderer: { plugins: Array<{ name?: string; transformIndexHtml?: unknown }> } })({
      command: 'build',
      mode: 'production',
    })
    const plugin = config.renderer.plugins.find((p) => p?.name === 'keystead-csp')!
    const source = readFileSync(join(ROOT, 'src-renderer/index.html'), 'utf8')
    const html = (plugin.transformIndexHtml as (html: string) => string)(source)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`)
    // No inline script in the page: the only script is the module entry.
    expect([...source.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script type="module" src="/src/main.ts">'])
  })
})
