import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { backupsChannels } from '../../src-preload/contract/backups.ts'
import type { BackupStatus, CreatedBackup, CreatedBackupKey, VerifiedBackupView } from '../../src-preload/contract/backups.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

let dir: ReturnType<typeof makeTempDir>
let out: ReturnType<typeof makeTempDir>
let test: TestCore
let now: number
const PASSPHRASE = 'a long backup passphrase'

beforeEach(async () => {
  dir = makeTempDir()
  out = makeTempDir('keystead-backups-out-')
  now = Date.UTC(2026, 11, 1, 12, 0, 0)
  test = await startTestCore({ dataDir: dir.path, clock: () => now })
  for (const [username, windowId] of [['alice', 1], ['bob', 2]] as const) {
    const created = await test.call(authChannels.createAccount, { username, password: 'wonderland 1' }, windowId)
    if (!created.ok) throw new Error('could not create the account')
  }
})
afterEach(() => {
  test.core.close()
  dir.remove()
  out.remove()
})

async function value<T>(channel: string, payload: unknown = null): Promise<T> {
  const result = await test.call<T>(channel, payload)
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`)
  return result.value
}

describe('backups over IPC', () => {
  it('answer only the administrator (the first account); a member gets FORBIDDEN on every channel', async () => {
    for (const channel of Object.values(backupsChannels)) {
      const result = await test.call(channel, null, 2)
      expect(result, channel).toMatchObject({ ok: false, error: { code: expect.stringMatching(/FORBIDDEN|VALIDATION/) } })
    }
    expect(await test.call(backupsChannels.getBackupStatus, null, 2)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'admin.required' } })
    expect(await test.call(backupsChannels.getBackupStatus, null, 3)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await value<BackupStatus>(backupsChannels.getBackupStatus)).toMatchObject({ recipient: null, lastScheduled: null, needsAttention: false })
  })

  it('back up now with a passphrase (asked twice) to the file chosen; verify it', async () => {
    const file = join(out.path, 'manual.age')
    expect(await test.call(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: PASSPHRASE, confirmPassphrase: 'something else!' } })).toMatchObject({
      ok: false,
      error: { field: 'confirmPassphrase', reason: 'backup.passphraseMismatch' },
    })
    expect(await test.call(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: 'short', confirmPassphrase: 'short' } })).toMatchObject({ ok: false, error: { reason: 'backup.passphraseTooShort' } })
    expect(await test.call(backupsChannels.createBackup, { protection: { kind: 'backupKey' } })).toMatchObject({ ok: false, error: { reason: 'backup.keyRequired' } })
    expect(readdirSync(out.path)).toEqual([])
    // Cancelled save dialog: nothing written.
    expect(await value(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: PASSPHRASE, confirmPassphrase: PASSPHRASE } })).toBeNull()
    test.platform.nextSavePaths.push(file)
    const made = await value<CreatedBackup>(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: PASSPHRASE, confirmPassphrase: PASSPHRASE } })
    expect(made).toMatchObject({ file, manifest: { counts: { accounts: 2 } } })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    test.platform.nextOpenPaths.push(file)
    expect(await test.call(backupsChannels.verifyBackup, { unlock: { kind: 'passphrase', passphrase: 'wrong passphrase' } })).toMatchObject({ ok: false, error: { reason: 'backup.wrongPassphrase' } })
    test.platform.nextOpenPaths.push(file)
    const verified = await value<VerifiedBackupView>(backupsChannels.verifyBackup, { unlock: { kind: 'passphrase', passphrase: PASSPHRASE } })
    expect(verified.manifest).toEqual(made.manifest)
  }, 60_000)

  it('backup key: behind re-authentication, the identity saved 0600, and scheduled backups with catch-up and keep N', async () => {
    // Behind the re-authentication gate: a sign-in older than the recent-auth window must confirm the password.
    now += 60 * 60_000
    expect(await test.call(backupsChannels.createBackupKey)).toMatchObject({ ok: false, error: { code: 'REAUTH_REQUIRED' } })
    expect(await test.call(authChannels.reauthenticate, { password: 'wonderland 1' })).toMatchObject({ ok: true })
    const key = await value<CreatedBackupKey>(backupsChannels.createBackupKey)
    expect(key.recipient).toMatch(/^age1/)
    expect((await value<BackupStatus>(backupsChannels.getBackupStatus)).recipient).toBe(key.recipient)
    const keyFile = join(out.path, 'key.txt')
    test.platform.nextSavePaths.push(keyFile)
    expect(await value(backupsChannels.saveBackupKey, { identity: key.identity })).toEqual({ file: keyFile })
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)

    expect(await test.call(backupsChannels.setSchedule, { enabled: true, folder: join(out.path, 'missing') })).toMatchObject({ ok: false, error: { field: 'folder', reason: 'backup.folderInvalid' } })
    expect(await test.call(backupsChannels.setSchedule, { keep: 0 })).toMatchObject({ ok: false, error: { field: 'keep', reason: 'backup.keepRange' } })
    expect(await test.call(backupsChannels.setRecipient, { recipient: 'age1nope' })).toMatchObject({ ok: false, error: { reason: 'backup.recipientInvalid' } })
    const scheduled = join(out.path, 'scheduled')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(scheduled)
    await value(backupsChannels.setSchedule, { enabled: true, folder: scheduled, frequency: 'daily', keep: 2 })
    const backups = test.core.services!.backups
    // What a crash during an earlier scheduled backup left: removed by the next one.
    const abandoned = join(scheduled, '.keystead-backup-2026-11-30T12-00-00Z.age.0123456789ab.tmp')
    writeFileSync(abandoned, 'half')
    for (let day = 0; day < 3; day++) {
      expect(await backups.runDueBackup('test')).toMatchObject({ ok: true })
      expect(await backups.runDueBackup('test')).toBeNull() // not due again the same day
      now += 86_400_000
    }
    expect(readdirSync(scheduled).sort()).toEqual(['keystead-backup-2026-12-02T13-00-00Z.age', 'keystead-backup-2026-12-03T13-00-00Z.age'])
    // Overdue: a day and more past the period with no backup.
    now += 2 * 86_400_000
    expect(backups.isOverdue()).toBe(true)
    expect(existsSync(join(scheduled, 'keystead-backup-2026-12-01T13-00-00Z.age'))).toBe(false)
  }, 60_000)
})
