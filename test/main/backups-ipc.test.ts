import { existsSync, lutimesSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { backupsChannels } from '../../src-preload/contract/backups.ts'
import type { BackupStatus, CreatedBackup, CreatedBackupKey, RestoredBackupView, VerifiedBackupView } from '../../src-preload/contract/backups.ts'
import { eventChannels } from '../../src-preload/contract/api.ts'
import { generateBackupKey } from '../../src-main/services/backup/age.ts'
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

  it('every refused field of a form comes back at once, each at its field, and nothing is saved', async () => {
    // Back up now: too short and not the same twice; common and not the same twice.
    expect(await test.call(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: 'short', confirmPassphrase: 'other' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { passphrase: { reason: 'backup.passphraseTooShort', params: { min: 10 } }, confirmPassphrase: { reason: 'backup.passphraseMismatch' } } },
    })
    expect(await test.call(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: '1234567890', confirmPassphrase: '1234567891' } })).toMatchObject({
      ok: false,
      error: { fields: { passphrase: { reason: 'backup.passphraseCommon' }, confirmPassphrase: { reason: 'backup.passphraseMismatch' } } },
    })
    expect(test.platform.saveRequests).toEqual([]) // refused before the save dialog
    // Scheduled backups: no folder, a bad keep count, an unknown frequency and no backup key, all at once.
    const before = (await value<BackupStatus>(backupsChannels.getBackupStatus)).schedule
    const refused = await test.call(backupsChannels.setSchedule, { enabled: true, folder: null, frequency: 'hourly', keep: 0 })
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    const fields = (refused as { error: { fields: Record<string, { reason: string }> } }).error.fields
    expect(Object.fromEntries(Object.entries(fields).map(([field, refusal]) => [field, refusal.reason]))).toEqual({
      folder: 'backup.folderRequired',
      frequency: 'backup.frequencyInvalid',
      keep: 'backup.keepRange',
      recipient: 'backup.keyRequired',
    })
    expect(await test.call(backupsChannels.setSchedule, { folder: 'relative/folder', keep: 101 })).toMatchObject({
      ok: false,
      error: { fields: { folder: { reason: 'backup.folderInvalid' }, keep: { reason: 'backup.keepRange' } } },
    })
    expect((await value<BackupStatus>(backupsChannels.getBackupStatus)).schedule).toEqual(before)
    // The recipient form has one field: its refusal is at it.
    expect(await test.call(backupsChannels.setRecipient, { recipient: 'age1nope' })).toMatchObject({ ok: false, error: { field: 'recipient', reason: 'backup.recipientInvalid' } })
  })

  it('the backup key shown once is copied by main (cleared later) and only that key; the folder is chosen in a dialog, and checked', async () => {
    const key = await value<CreatedBackupKey>(backupsChannels.createBackupKey)
    test.platform.clipboardText = 'before'
    const other = await generateBackupKey()
    expect(await test.call(backupsChannels.copyBackupKey, { identity: other.identity })).toMatchObject({ ok: false, error: { field: 'identity', reason: 'backup.identityInvalid' } })
    expect(await test.call(backupsChannels.copyBackupKey, { identity: 'not a key' })).toMatchObject({ ok: false, error: { reason: 'backup.identityInvalid' } })
    expect(test.platform.clipboardText).toBe('before')
    expect(await value(backupsChannels.copyBackupKey, { identity: key.identity })).toEqual({ clearAfterSeconds: 60 })
    expect(test.platform.clipboardText).toBe(key.identity)

    // Choose folder…: cancelled, a folder, one that is gone by the time it is checked.
    expect(await value(backupsChannels.chooseBackupFolder)).toBeNull()
    const folder = join(out.path, 'chosen')
    mkdirSync(folder)
    test.platform.nextFolderPaths.push(folder)
    expect(await value(backupsChannels.chooseBackupFolder)).toEqual({ folder })
    test.platform.nextFolderPaths.push(join(out.path, 'gone'))
    expect(await test.call(backupsChannels.chooseBackupFolder)).toMatchObject({ ok: false, error: { field: 'folder', reason: 'backup.folderInvalid' } })
    // Choosing does not save; the schedule takes the folder when saved, and the next dialog opens there.
    expect((await value<BackupStatus>(backupsChannels.getBackupStatus)).schedule.folder).toBeNull()
    await value(backupsChannels.setSchedule, { enabled: true, folder })
    expect(await value(backupsChannels.chooseBackupFolder)).toBeNull()
    expect(test.platform.folderRequests.map((request) => request.defaultDirectory)).toEqual([undefined, undefined, undefined, folder])
  })

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
    mkdirSync(scheduled)
    await value(backupsChannels.setSchedule, { enabled: true, folder: scheduled, frequency: 'daily', keep: 2 })
    const backups = test.core.services!.backups
    // What a crash during an earlier scheduled backup (before this process started) left: removed by the next one.
    const abandoned = join(scheduled, '.keystead-backup-2026-11-30T12-00-00Z.age.0123456789ab.tmp')
    writeFileSync(abandoned, 'half')
    const beforeStart = new Date(Date.now() - process.uptime() * 1000 - 3_600_000)
    utimesSync(abandoned, beforeStart, beforeStart)
    // Kept: a temporary file younger than this process (a write still running), and a link named like one (never followed).
    const running = join(scheduled, '.keystead-backup-2026-11-30T13-00-00Z.age.00000000000a.tmp')
    writeFileSync(running, 'being written')
    const elsewhere = join(out.path, 'not-a-backup.txt')
    writeFileSync(elsewhere, 'keep me')
    utimesSync(elsewhere, beforeStart, beforeStart)
    const link = join(scheduled, '.keystead-backup-2026-11-30T14-00-00Z.age.00000000000b.tmp')
    symlinkSync(elsewhere, link)
    lutimesSync(link, beforeStart, beforeStart)
    for (let day = 0; day < 3; day++) {
      expect(await backups.runDueBackup('test')).toMatchObject({ ok: true })
      expect(await backups.runDueBackup('test')).toBeNull() // not due again the same day
      now += 86_400_000
    }
    expect(readdirSync(scheduled).sort()).toEqual([
      '.keystead-backup-2026-11-30T13-00-00Z.age.00000000000a.tmp',
      '.keystead-backup-2026-11-30T14-00-00Z.age.00000000000b.tmp',
      'keystead-backup-2026-12-02T13-00-00Z.age',
      'keystead-backup-2026-12-03T13-00-00Z.age',
    ])
    expect(readFileSync(elsewhere, 'utf8')).toBe('keep me')
    // Overdue: a day and more past the period with no backup.
    now += 2 * 86_400_000
    expect(backups.isOverdue()).toBe(true)
    expect(existsSync(join(scheduled, 'keystead-backup-2026-12-01T13-00-00Z.age'))).toBe(false)
  }, 60_000)

  async function makeBackup(): Promise<string> {
    const file = join(out.path, `backup-${readdirSync(out.path).length}.age`)
    test.platform.nextSavePaths.push(file)
    await value(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: PASSPHRASE, confirmPassphrase: PASSPHRASE } })
    return file
  }
  const usernames = (core: TestCore = test): string[] => (core.core.services!.db.prepare('SELECT username FROM accounts ORDER BY id').pluck().all() as string[])
  const signIn = (core: TestCore, username: string, windowId: number) => core.call(authChannels.signIn, { username, password: 'wonderland 1' }, windowId)
  const unlock = { kind: 'passphrase', passphrase: PASSPHRASE } as const

  it('restore over the data: administrator only, the verified file, a typed confirmation; then every window signs in again', async () => {
    const file = await makeBackup()
    expect(test.pushed.filter((event) => event.channel === eventChannels.backupProgress).map((event) => (event.payload as { stage: string }).stage)).toEqual(
      expect.arrayContaining(['snapshot', 'encrypt', 'write']),
    )
    expect((await test.call(authChannels.createAccount, { username: 'carol', password: 'wonderland 1' }, 3)).ok).toBe(true)
    // A member: FORBIDDEN, even with the right confirmation.
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' }, 2)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'admin.required' } })
    // Nothing verified by this window yet: refused (the window never names the file).
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })).toMatchObject({ ok: false, error: { reason: 'backup.notVerified' } })
    test.platform.nextOpenPaths.push(file)
    expect(await value<VerifiedBackupView>(backupsChannels.verifyBackup, { unlock })).toMatchObject({ file, manifest: { counts: { accounts: 2 } } })
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'restore please' })).toMatchObject({ ok: false, error: { field: 'confirmation', reason: 'backup.confirmationMismatch' } })
    expect(await test.call(backupsChannels.restoreBackup, { unlock: { kind: 'passphrase', passphrase: 'not the passphrase' }, confirmation: 'RESTORE' })).toMatchObject({ ok: false, error: { reason: 'backup.wrongPassphrase' } })
    // Nothing changed: the same accounts, the sessions still work.
    expect(usernames()).toEqual(['alice', 'bob', 'carol'])
    expect((await test.call(backupsChannels.getBackupStatus)).ok).toBe(true)

    test.pushed.length = 0
    const restored = await value<RestoredBackupView>(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })
    expect(restored).toMatchObject({ manifest: { counts: { accounts: 2 } }, migratedFrom: null })
    const stages = test.pushed.filter((event) => event.channel === eventChannels.backupProgress && event.windowId === 1).map((event) => (event.payload as { stage: string }).stage)
    expect([...new Set(stages)]).toEqual(['decrypt', 'check', 'migrate', 'reseal', 'swap'])
    // Every window was told and holds no session any more; the store is the backup's.
    expect(test.pushed.filter((event) => event.channel === eventChannels.sessionEnded).map((event) => event.windowId).sort()).toEqual([1, 2, 3])
    expect(await test.call(backupsChannels.getBackupStatus)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(usernames()).toEqual(['alice', 'bob'])
    expect(test.core.services!.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0)
    expect(await signIn(test, 'carol', 3)).toMatchObject({ ok: false })
    expect(await signIn(test, 'alice', 1)).toMatchObject({ ok: true, value: { status: 'signed-in' } })
    expect((await test.call(backupsChannels.getBackupStatus)).ok).toBe(true)
    expect(test.core.services!.db.prepare("SELECT count(*) FROM security_log WHERE kind = 'backup.restored'").pluck().get()).toBeGreaterThan(0)
    // The next restore needs a new verification.
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })).toMatchObject({ ok: false, error: { reason: 'backup.notVerified' } })
  }, 120_000)

  it('a restore refused at the swap (another Keystead holds the store) changes nothing and keeps the windows signed in', async () => {
    const file = await makeBackup()
    expect((await test.call(authChannels.createAccount, { username: 'carol', password: 'wonderland 1' }, 3)).ok).toBe(true)
    test.platform.nextOpenPaths.push(file)
    await value(backupsChannels.verifyBackup, { unlock })
    const other = await startTestCore({ dataDir: dir.path, clock: () => now, scheduleSessionCheck: () => () => {} })
    try {
      test.pushed.length = 0
      expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'backup.storeInUse' } })
    } finally {
      other.core.close()
    }
    // The old store is open again, whole, and the windows' sessions still work.
    expect(usernames()).toEqual(['alice', 'bob', 'carol'])
    expect(test.pushed.filter((event) => event.channel === eventChannels.sessionEnded)).toEqual([])
    expect((await test.call(backupsChannels.getBackupStatus)).ok).toBe(true)
    expect(readdirSync(dir.path).filter((name) => name.includes('before-restore') || name.startsWith('.restore-'))).toEqual([])
    // And the same restore works once the other Keystead is gone.
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })).toMatchObject({ ok: true })
    expect(usernames()).toEqual(['alice', 'bob'])
  }, 120_000)

  it('one at a time: a restore asked for while a scheduled backup runs is refused, and no backup starts while a restore runs; nothing changes', async () => {
    const file = await makeBackup()
    test.platform.nextOpenPaths.push(file)
    await value(backupsChannels.verifyBackup, { unlock })
    const key = await generateBackupKey()
    await value(backupsChannels.setRecipient, { recipient: key.recipient })
    const scheduled = join(out.path, 'scheduled')
    mkdirSync(scheduled)
    await value(backupsChannels.setSchedule, { enabled: true, folder: scheduled, frequency: 'daily', keep: 2 })
    const backups = test.core.services!.backups
    expect((await test.call(authChannels.createAccount, { username: 'carol', password: 'wonderland 1' }, 3)).ok).toBe(true)

    // While a restore runs (it claims its turn before it awaits anything), no backup starts: the due
    // scheduled one waits for the next check, one made by hand is refused.
    const restore = test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })
    expect(backups.isBusy()).toBe(true)
    const scheduledDuringRestore = backups.runDueBackup('test')
    const byHand = backups.createBackupNow({ target: join(out.path, 'during-restore.age'), protection: { kind: 'passphrase', passphrase: PASSPHRASE }, appVersion: 'test' }).catch((error: unknown) => error)
    expect(await restore).toMatchObject({ ok: true })
    expect(await scheduledDuringRestore).toBeNull()
    expect(await byHand).toMatchObject({ code: 'CONFLICT', reason: 'backup.restoreRunning' })
    expect(existsSync(join(out.path, 'during-restore.age'))).toBe(false)
    expect(readdirSync(scheduled)).toEqual([])
    expect(usernames()).toEqual(['alice', 'bob'])

    // The other way round: the scheduled backup (now due) claims its turn; a restore asked meanwhile is refused.
    expect(await signIn(test, 'alice', 1)).toMatchObject({ ok: true })
    test.platform.nextOpenPaths.push(file)
    await value(backupsChannels.verifyBackup, { unlock })
    expect((await test.call(authChannels.createAccount, { username: 'dave', password: 'wonderland 1' }, 4)).ok).toBe(true)
    // (The test core keeps its settings in memory with the store: set them again.)
    await value(backupsChannels.setRecipient, { recipient: key.recipient })
    await value(backupsChannels.setSchedule, { enabled: true, folder: scheduled, frequency: 'daily', keep: 2 })
    const afterRestore = test.core.services!.backups
    const running = afterRestore.runDueBackup('test')
    expect(afterRestore.isBusy()).toBe(true)
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', reason: 'backup.backupRunning', message: expect.stringContaining('Nothing was changed') },
    })
    expect(await running).toMatchObject({ ok: true })
    expect(readdirSync(scheduled)).toHaveLength(1)
    expect(usernames()).toEqual(['alice', 'bob', 'dave'])
    expect((await test.call(backupsChannels.getBackupStatus)).ok).toBe(true)
    // Once it is done, the same restore runs.
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })).toMatchObject({ ok: true })
    expect(usernames()).toEqual(['alice', 'bob'])
  }, 120_000)

  it('a store that cannot be opened again after a restore is announced to every window, the one that asked included', async () => {
    const file = await makeBackup()
    test.platform.nextOpenPaths.push(file)
    await value(backupsChannels.verifyBackup, { unlock })
    const keyFile = join(dir.path, 'keystead.key')
    const damageKey = (): void => writeFileSync(keyFile, 'short')
    // The key file is damaged while the store is swapped: the restored store cannot be opened with it.
    const original = test.pushed.push.bind(test.pushed)
    test.pushed.push = (...events) => {
      for (const event of events) if (event.channel === eventChannels.backupProgress && (event.payload as { stage: string }).stage === 'swap') damageKey()
      return original(...events)
    }
    test.pushed.length = 0
    expect(await test.call(backupsChannels.restoreBackup, { unlock, confirmation: 'RESTORE' })).toMatchObject({ ok: true })
    expect(test.core.status()).toMatchObject({ state: 'error', code: 'DB_OPEN_FAILED', message: expect.stringContaining('key file') })
    const announced = test.pushed.filter((event) => event.channel === eventChannels.appStatusChanged)
    expect(announced.map((event) => event.windowId).sort()).toEqual([1, 2])
    for (const event of announced) expect(event.payload).toEqual(test.core.status())
    expect(test.pushed.filter((event) => event.channel === eventChannels.sessionEnded).map((event) => event.windowId).sort()).toEqual([1, 2])
  }, 120_000)

  it('first start: restore into a Keystead with no account (a new computer); refused once an account exists', async () => {
    const file = await makeBackup()
    // This Keystead has accounts: the first-start path is closed.
    test.platform.nextOpenPaths.push(file)
    expect(await test.call(backupsChannels.verifyFirstStartBackup, { unlock }, 9)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'backup.notFirstStart' } })
    expect(await test.call(backupsChannels.restoreFirstStartBackup, { unlock }, 9)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', reason: 'backup.notFirstStart' } })
    expect(usernames()).toEqual(['alice', 'bob'])

    // Another computer: another data folder, another data key, no account.
    const other = makeTempDir('keystead-backups-new-computer-')
    const fresh = await startTestCore({ dataDir: other.path, clock: () => now })
    try {
      expect(await fresh.call(backupsChannels.restoreFirstStartBackup, { unlock })).toMatchObject({ ok: false, error: { reason: 'backup.notVerified' } })
      expect(await fresh.call(backupsChannels.verifyFirstStartBackup, { unlock })).toEqual({ ok: true, value: null }) // dialog cancelled
      fresh.platform.nextOpenPaths.push(file)
      expect(await fresh.call(backupsChannels.verifyFirstStartBackup, { unlock: { kind: 'passphrase', passphrase: 'not the passphrase' } })).toMatchObject({ ok: false, error: { reason: 'backup.wrongPassphrase' } })
      expect(await fresh.call(backupsChannels.restoreFirstStartBackup, { unlock })).toMatchObject({ ok: false, error: { reason: 'backup.notVerified' } })
      fresh.platform.nextOpenPaths.push(file)
      expect(await fresh.call<VerifiedBackupView>(backupsChannels.verifyFirstStartBackup, { unlock })).toMatchObject({ ok: true, value: { file, manifest: { counts: { accounts: 2 } } } })
      expect(await fresh.call(backupsChannels.restoreFirstStartBackup, { unlock })).toMatchObject({ ok: true, value: { manifest: { counts: { accounts: 2 } } } })
      expect(usernames(fresh)).toEqual(['alice', 'bob'])
      expect(fresh.core.services!.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0)
      expect(await signIn(fresh, 'bob', 1)).toMatchObject({ ok: true, value: { status: 'signed-in' } })
      // Now it has accounts: a second first-start restore is refused.
      fresh.platform.nextOpenPaths.push(file)
      expect(await fresh.call(backupsChannels.verifyFirstStartBackup, { unlock }, 2)).toMatchObject({ ok: false, error: { reason: 'backup.notFirstStart' } })
    } finally {
      fresh.core.close()
      other.remove()
    }
  }, 120_000)
})
