import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { backupsChannels } from '../../src-preload/contract/backups.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import { openSettingsAsAlice } from './open-settings.ts'

test.setTimeout(180_000)

test('settings -> backups: a backup key shown once, back up now with a passphrase asked twice, verify it, restore it (RESTORE typed)', async ({ app }) => {
  const page = await openSettingsAsAlice(app)
  const backups = page.getByTestId('settings-backups')
  await expect(backups.getByRole('heading', { name: 'Backups', exact: true })).toBeVisible()
  await expect(backups.getByText('No backup key yet.')).toBeVisible()

  // The backup key: shown once, saved to a file only its owner reads; the recipient is kept.
  await backups.getByRole('button', { name: 'Create a backup key' }).click()
  await expect(backups.getByTestId('backup-identity')).toHaveText(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/)
  const keyFile = join(app.dataDir, 'backup-key.txt')
  app.test.platform.nextSavePaths.push(keyFile)
  await backups.getByRole('button', { name: 'Save to a file…' }).click()
  await expect(backups.getByText(`Saved to ${keyFile} (readable by you only).`)).toBeVisible()
  expect(statSync(keyFile).mode & 0o777).toBe(0o600)
  await expect(backups.getByTestId('backup-recipient')).toHaveText(app.test.core.services!.backups.getRecipient()!)
  // Copy: by the main process (cleared from the clipboard later), never by the window.
  const identity = (await backups.getByTestId('backup-identity').textContent())!
  await backups.getByRole('button', { name: 'Copy', exact: true }).click()
  await expect(backups.getByTestId('backup-key-copied')).toHaveText('Copied. Keystead clears it from the clipboard in 60 seconds if it is still there.')
  expect(app.test.platform.clipboardText).toBe(identity)
  // Print: only the key's print-only block is visible on paper.
  await page.emulateMedia({ media: 'print' })
  await expect(backups.getByTestId('backup-key-print')).toBeVisible()
  await expect(backups.getByTestId('backup-key-print').locator('pre')).toHaveText(identity)
  await expect(backups.getByRole('button', { name: 'Create a new backup key' })).toBeHidden()
  await page.emulateMedia({ media: 'screen' })
  await expect(backups.getByTestId('backup-key-print')).toBeHidden()
  await backups.getByRole('button', { name: 'Done' }).click()
  await expect(backups.getByTestId('backup-identity')).toHaveCount(0)

  // Back up now: the two passphrases must match (checked at the field), then the file is written.
  const now = backups.getByTestId('backup-now')
  await now.getByLabel('Passphrase', { exact: true }).fill('a long backup passphrase')
  await now.getByLabel('Passphrase again').fill('a long backup passphrase?')
  await now.getByRole('button', { name: 'Back up now…' }).click()
  await expect(now.getByText('The two passphrases are not the same.')).toBeVisible()
  await now.getByLabel('Passphrase again').fill('a long backup passphrase')
  const file = join(app.dataDir, 'manual.age')
  app.test.platform.nextSavePaths.push(file)
  await now.getByRole('button', { name: 'Back up now…' }).click()
  await expect(now.getByText('The backup was saved.')).toBeVisible({ timeout: 60_000 })
  await expect(now.getByTestId('backup-manifest')).toContainText('1 account,')

  // Verify it with a wrong passphrase (its own message), then the right one.
  const verify = backups.getByTestId('backup-verify')
  await verify.getByLabel('Passphrase', { exact: true }).fill('not the passphrase')
  app.test.platform.nextOpenPaths.push(file)
  await verify.getByRole('button', { name: 'Verify a backup…' }).click()
  await expect(verify.getByText('The passphrase does not open this backup.')).toBeVisible({ timeout: 60_000 })
  await verify.getByLabel('Passphrase', { exact: true }).fill('a long backup passphrase')
  app.test.platform.nextOpenPaths.push(file)
  await verify.getByRole('button', { name: 'Verify a backup…' }).click()
  await expect(verify.getByText('The backup is usable.')).toBeVisible({ timeout: 60_000 })

  // Scheduled backups: a folder that does not exist is refused at its field.
  const schedule = backups.getByTestId('backup-schedule')
  await schedule.getByLabel('Make backups on a schedule').check()
  await schedule.getByLabel('Folder').fill('/no/such/folder')
  await schedule.getByRole('button', { name: 'Save' }).click()
  await expect(schedule.getByText('This folder does not exist (give its full path).')).toBeVisible()
  // Choose folder…: the main process's folder dialog fills the field (the typed path stays possible and checked in main).
  app.test.platform.nextFolderPaths.push(app.dataDir)
  await schedule.getByRole('button', { name: 'Choose folder…' }).click()
  await expect(schedule.getByLabel('Folder')).toHaveValue(app.dataDir)
  await schedule.getByRole('button', { name: 'Save' }).click()
  await expect(schedule.getByText('Saved.')).toBeVisible()
  expect(app.test.core.services!.backups.getSchedule()).toMatchObject({ enabled: true, folder: app.dataDir, frequency: 'daily', keep: 7 })

  await expectAccessible(page, 'settings backups')
  await backups.scrollIntoViewIfNeeded()
  await backups.screenshot({ path: `${SCREENSHOT_DIR}/settings-backups.png` })

  // Restore the verified backup over the data: only with RESTORE typed; afterwards every window signs in again.
  const restore = backups.getByTestId('backup-restore')
  await restore.getByLabel('Type RESTORE to confirm').fill('restore')
  await expect(restore.getByRole('button', { name: 'Restore this backup' })).toBeDisabled()
  await app.test.core.services!.accounts.createAccount({ username: 'bob', password: 'wonderland 1' })
  await restore.getByLabel('Type RESTORE to confirm').fill('RESTORE')
  await restore.getByRole('button', { name: 'Restore this backup' }).click()
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 60_000 })
  expect(app.test.core.services!.db.prepare('SELECT username FROM accounts ORDER BY id').pluck().all()).toEqual(['alice'])
})

test('a restore after which the store cannot be opened again: the window says why instead of showing a sign-in that cannot work', async ({ app }) => {
  const page = await openSettingsAsAlice(app)
  const backups = page.getByTestId('settings-backups')
  const file = join(app.dataDir, 'before-damage.age')
  await app.test.core.services!.backups.createBackupNow({ target: file, protection: { kind: 'passphrase', passphrase: 'a long backup passphrase', scryptLogN: 10 }, appVersion: 'test' })
  const verify = backups.getByTestId('backup-verify')
  await verify.getByLabel('Passphrase', { exact: true }).fill('a long backup passphrase')
  app.test.platform.nextOpenPaths.push(file)
  await verify.getByRole('button', { name: 'Verify a backup…' }).click()
  await expect(verify.getByText('The backup is usable.')).toBeVisible({ timeout: 60_000 })
  // This computer's key file is damaged (the running store keeps the key it read at start): the restored store cannot open.
  writeFileSync(join(app.dataDir, 'keystead.key'), 'damaged')
  const restore = backups.getByTestId('backup-restore')
  await restore.getByLabel('Type RESTORE to confirm').fill('RESTORE')
  await restore.getByRole('button', { name: 'Restore this backup' }).click()
  await expect(page.getByRole('heading', { name: 'Keystead cannot open your data' })).toBeVisible({ timeout: 60_000 })
  const alert = page.getByRole('alert').filter({ hasText: 'Keystead cannot open your data' })
  await expect(alert).toContainText('The data file could not be opened.')
  await expect(alert).toContainText('is damaged (expected 32 bytes)')
})

test('first start: "Restore from a backup" beside "Create your account" brings back the accounts of the old computer', async ({ app }) => {
  // The old computer: another data folder (another data key) with alice, backed up with a passphrase.
  const oldDir = mkdtempSync(join(tmpdir(), 'keystead-e2e-old-computer-'))
  const old = await startTestCore({ dataDir: oldDir })
  const file = join(app.dataDir, 'moving.age')
  try {
    expect((await old.call(authChannels.createAccount, { username: 'alice', password: 'wonderland 1' })).ok).toBe(true)
    old.platform.nextSavePaths.push(file)
    expect(await old.call(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: 'a long backup passphrase', confirmPassphrase: 'a long backup passphrase' } })).toMatchObject({ ok: true })
  } finally {
    old.core.close()
    rmSync(oldDir, { recursive: true, force: true })
  }

  const page = await app.openWindow()
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible()
  await page.getByRole('button', { name: 'Restore from a backup' }).click()
  const restore = page.getByTestId('first-start-restore')
  await restore.getByLabel('Passphrase', { exact: true }).fill('not the passphrase')
  app.test.platform.nextOpenPaths.push(file)
  await restore.getByRole('button', { name: 'Choose a backup…' }).click()
  await expect(restore.getByText('The passphrase does not open this backup.')).toBeVisible({ timeout: 60_000 })
  await restore.getByLabel('Passphrase', { exact: true }).fill('a long backup passphrase')
  app.test.platform.nextOpenPaths.push(file)
  await restore.getByRole('button', { name: 'Choose a backup…' }).click()
  await expect(restore.getByTestId('backup-manifest')).toContainText('1 account,', { timeout: 60_000 })
  await restore.getByRole('button', { name: 'Restore this backup' }).click()

  // Sign-in with the restored account (its password hash came with the backup).
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 60_000 })
  await page.getByLabel('Username').fill('alice')
  await page.getByLabel('Password').fill('wonderland 1')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible()
  expect(app.problems).toEqual([])
})
