import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { appIndexUrl, isAppUrl, resolveAppUrlToPath } from '../../src-main/security-policy.ts'

/**
 * The app:// handler maps a URL to a file inside the renderer folder and nothing else. Windows'
 * rules run here through path.win32 (a backslash is a separator there, drive letters and UNC paths exist).
 */
const WIN_ROOT = 'C:\\R\\renderer'
const POSIX_ROOT = '/opt/keystead/resources/app.asar/out/renderer'

describe('resolveAppUrlToPath with Windows path rules', () => {
  const resolveWin = (url: string) => resolveAppUrlToPath(url, WIN_ROOT, path.win32)

  it('maps the app\'s own files inside the renderer folder', () => {
    expect(resolveWin('app://keystead/')).toBe('C:\\R\\renderer\\index.html')
    expect(resolveWin('app://keystead/index.html')).toBe('C:\\R\\renderer\\index.html')
    expect(resolveWin('app://keystead/assets/index-Bx1.js?v=1#x')).toBe('C:\\R\\renderer\\assets\\index-Bx1.js')
    expect(resolveWin('app://keystead/assets/a%20b.css')).toBe('C:\\R\\renderer\\assets\\a b.css')
    // A name that merely starts with two dots is a file like any other.
    expect(resolveWin('app://keystead/..hidden.js')).toBe('C:\\R\\renderer\\..hidden.js')
  })

  it('refuses the issue\'s example: encoded backslashes walking up (path.win32.join would give C:\\secret.txt)', () => {
    expect(path.win32.join(WIN_ROOT, '/..\\..\\secret.txt')).toBe('C:\\secret.txt')
    expect(resolveWin('app://keystead/..%5C..%5Csecret.txt')).toBeNull()
    expect(resolveWin('app://keystead/..%5C..%5C..%5C..%5CWindows%5Cwin.ini')).toBeNull()
    expect(resolveWin('app://keystead/assets%5c..%5c..%5csecret.txt')).toBeNull()
  })

  it.each([
    ['a literal backslash', 'app://keystead/..\\..\\secret.txt'],
    ['a literal backslash inside a name', 'app://keystead/assets\\index.js'],
    ['an encoded slash', 'app://keystead/..%2F..%2Fsecret.txt'],
    ['an encoded slash, lower case', 'app://keystead/assets%2findex.js'],
    ['encoded dots with an encoded slash', 'app://keystead/%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['encoded dots with an encoded backslash', 'app://keystead/%2E%2E%5C%2E%2E%5Csecret.txt'],
    ['doubled encoding of a backslash', 'app://keystead/..%255C..%255Csecret.txt'],
    ['doubled encoding of a slash', 'app://keystead/..%252F..%252Fsecret.txt'],
    ['doubled encoding of dots', 'app://keystead/%252e%252e/secret.txt'],
    ['a drive letter', 'app://keystead/C:/Windows/win.ini'],
    ['an encoded drive letter', 'app://keystead/C%3A%5CWindows%5Cwin.ini'],
    ['a drive-relative path', 'app://keystead/D:secret.txt'],
    ['an absolute path after the first slash', 'app://keystead//Windows/win.ini'],
    ['a UNC path', 'app://keystead/\\\\server\\share\\secret.txt'],
    ['an encoded UNC path', 'app://keystead/%5C%5Cserver%5Cshare%5Csecret.txt'],
    ['a device path', 'app://keystead/%5C%5C.%5CC:%5Csecret.txt'],
    ['a NUL byte', 'app://keystead/index.html%00.png'],
    ['an alternate data stream', 'app://keystead/index.html::$DATA'],
    ['a malformed escape', 'app://keystead/%E0%A4%A'],
    ['another host', 'app://evil/index.html'],
    ['another scheme', 'file:///C:/R/renderer/index.html'],
  ])('refuses %s', (_name, url) => {
    expect(resolveWin(url)).toBeNull()
  })

  it('folds plain and encoded dot segments inside the URL itself, so they never leave the folder', () => {
    // The URL parser resolves "." and ".." (also %2e%2e) before we see the path: they cannot climb above the host.
    expect(resolveWin('app://keystead/../../secret.txt')).toBe('C:\\R\\renderer\\secret.txt')
    expect(resolveWin('app://keystead/%2e%2e/%2E%2E/secret.txt')).toBe('C:\\R\\renderer\\secret.txt')
    expect(resolveWin('app://keystead/assets/.%2e/index.html')).toBe('C:\\R\\renderer\\index.html')
  })
})

describe('resolveAppUrlToPath with POSIX path rules', () => {
  const resolvePosix = (url: string) => resolveAppUrlToPath(url, POSIX_ROOT, path.posix)

  it('maps files inside and refuses the same escapes', () => {
    expect(resolvePosix('app://keystead/assets/x.js')).toBe(`${POSIX_ROOT}/assets/x.js`)
    expect(resolvePosix('app://keystead/..%2f..%2fetc/passwd')).toBeNull()
    expect(resolvePosix('app://keystead/..%5C..%5Cetc/passwd')).toBeNull()
    expect(resolvePosix('app://keystead//etc/passwd')).toBeNull()
    expect(resolvePosix('app://keystead/%252e%252e/etc/passwd')).toBeNull()
  })

  it('requires the resolved path inside the resolved folder, also for a folder given with dots in it', () => {
    const file = resolveAppUrlToPath('app://keystead/index.html', '/opt/keystead/out/main/../renderer', path.posix)
    expect(file).toBe('/opt/keystead/out/renderer/index.html')
  })
})

describe('appIndexUrl', () => {
  it('puts the start-up language in the first page\'s address, still one of the app\'s own URLs', () => {
    expect(appIndexUrl('app://keystead/index.html', 'de')).toBe('app://keystead/index.html?lang=de')
    expect(appIndexUrl('app://keystead/index.html')).toBe('app://keystead/index.html')
    expect(appIndexUrl('app://keystead/index.html', 'en')).toBe('app://keystead/index.html')
    expect(appIndexUrl('http://localhost:5173', 'tr')).toBe('http://localhost:5173/?lang=tr')
    // Only a language code goes into the address.
    expect(appIndexUrl('app://keystead/index.html', 'de&x=1')).toBe('app://keystead/index.html')
    expect(isAppUrl(appIndexUrl('app://keystead/index.html', 'de'))).toBe(true)
    expect(resolveAppUrlToPath(appIndexUrl('app://keystead/index.html', 'de'), POSIX_ROOT, path.posix)).toBe(`${POSIX_ROOT}/index.html`)
  })
})
