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

/** Maps an app:// URL to a file below the renderer folder; null for anything that escapes it. */
export function resolveAppUrlToPath(url: string, rendererDir: string, join: (...parts: string[]) => string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  const path = decodeURIComponent(parsed.pathname)
  if (path.includes('\0') || path.split('/').some((part) => part === '..')) return null
  const relative = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '')
  return join(rendererDir, relative)
}
