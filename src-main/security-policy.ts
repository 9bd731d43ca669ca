import type { PlatformPath } from 'node:path'

/**
 * The renderer's Content-Security-Policy: our own origin only, no eval, no inline
 * scripts, no remote origins. Shared by index.html (build), the app:// protocol
 * response headers and the tests that assert it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** The same policy for index.html's <meta> tag, which cannot carry frame-ancestors (the header does). */
export const CONTENT_SECURITY_POLICY_META = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ')

export const APP_SCHEME = 'app'
export const APP_HOST = 'keystead'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/** The BrowserWindow web preferences Keystead insists on (asserted by tests). */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  navigateOnDragDrop: false,
} as const)

/** Is this URL one of our own pages? Used by the IPC sender check. */
/**
 * The first page's address. `language`: the start-up language (the last signed-in account's), so the page
 * fetches that language's messages while its start-up call is on its way (the call still decides).
 */
export function appIndexUrl(page: string, language?: string): string {
  const url = new URL(page)
  // English ships in the first script (nothing to fetch); only a language code goes into the address.
  if (language && language !== 'en' && /^[a-z]{2}$/.test(language)) url.searchParams.set('lang', language)
  return url.toString()
}

export function isAppUrl(url: string, devServerUrl?: string): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`)) return true
  if (devServerUrl) {
    try {
      return new URL(url).origin === new URL(devServerUrl).origin
    } catch {
      return false
    }
  }
  return false
}

/** The parts of node:path the app:// mapping uses: `path` (this platform), or `path.win32` / `path.posix` in tests. */
export type PathRules = Pick<PlatformPath, 'resolve' | 'relative' | 'isAbsolute' | 'sep'>

/**
 * Maps an app:// URL to a file inside the renderer folder; null for anything else. Refused outright,
 * before any path is built: backslashes (a separator on Windows), encoded separators (%2F, %5C),
 * a `%` after decoding (double encoding), NUL, `:` (drive letters, alternate data streams), empty,
 * `.` and `..` segments. Then the final path is resolved with the platform's own rules and must lie
 * inside the resolved renderer folder.
 */
export function resolveAppUrlToPath(url: string, rendererDir: string, rules: PathRules): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  const raw = parsed.pathname
  if (raw.includes('\\') || /%(2f|5c)/i.test(raw)) return null
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    return null
  }
  if (/[\\%:\0]/.test(path)) return null
  const relative = path === '/' || path === '' ? 'index.html' : path.slice(1)
  if (relative.split('/').some((part) => part === '' || part === '.' || part === '..')) return null
  const root = rules.resolve(rendererDir)
  const file = rules.resolve(root, ...relative.split('/'))
  const inside = rules.relative(root, file)
  if (inside === '' || inside === '..' || inside.startsWith(`..${rules.sep}`) || rules.isAbsolute(inside)) return null
  return file
}
