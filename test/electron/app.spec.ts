import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { channels } from '../../src-preload/contract/api.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * Runs the real Electron app where an Electron binary is installed. On machines
 * that cannot download it (like our CI), the suite is skipped with the reason.
 * Never launches without an explicit executablePath (that would start a download).
 */
function findElectronBinary(): { path: string } | { reason: string } {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const root = join(import.meta.dirname, '../../node_modules/electron')
  const pathFile = join(root, 'path.txt')
  if (!override && !existsSync(pathFile)) return { reason: 'node_modules/electron/path.txt is missing: the Electron binary was never downloaded (offline install).' }
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  const binary = override ? join(override, relative) : join(root, 'dist', relative)
  if (!existsSync(binary)) return { reason: `Electron binary not found at ${binary}.` }
  return { path: binary }
}

const found = findElectronBinary()

test.describe('the real Electron app', () => {
  test.skip('reason' in found, 'reason' in found ? `Skipped: ${found.reason}` : '')
  if ('reason' in found) console.log(`[electron suite] skipped: ${found.reason}`)

  test('starts, shows the first-start screen, creates an account and signs out', async () => {
    const dir = makeTempDir('keystead-electron-')
    const app = await electron.launch({
      executablePath: (found as { path: string }).path,
      args: [join(import.meta.dirname, '../../out/main/index.js'), '--data-dir', dir.path],
    })
    try {
      const window = await app.firstWindow()
      await expect(window.getByRole('heading', { name: 'Create your account' })).toBeVisible()
      const url = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL())
      expect(url).toBe('app://keystead/index.html')
      // Sandboxed and isolated: no Node in the page, only the contract object.
      expect(await window.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined'])
      expect(await window.evaluate(() => Object.keys((window as unknown as { keystead: object }).keystead).sort())).toEqual([...Object.keys(channels), 'events'].sort())
      await window.getByLabel('Username').fill('alice')
      await window.getByLabel('Password', { exact: true }).fill('wonderland 1')
      await window.getByLabel('Repeat the password').fill('wonderland 1')
      await window.getByRole('button', { name: 'Create account' }).click()
      await expect(window.getByTestId('profile-username')).toHaveText('alice')
      await window.getByTestId('profile-menu').click()
      await window.getByRole('menuitem', { name: 'Sign out' }).click()
      await expect(window.getByRole('heading', { name: 'Sign in to Keystead' })).toBeVisible()
      expect(existsSync(join(dir.path, 'keystead.db'))).toBe(true)
    } finally {
      await app.close()
      dir.remove()
    }
  })
})
