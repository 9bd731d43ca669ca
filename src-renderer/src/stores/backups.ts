import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { BackupProtectionInput, BackupSchedule, BackupStatus, BackupUnlockInput, CreatedBackup, CreatedBackupKey, RestoredBackupView, VerifiedBackupView } from '../../../src-preload/contract/backups.ts'
import type { CopyOutcome } from '../../../src-preload/contract/tokens.ts'
import { getApi, unwrap } from '../api.ts'

/** Settings -> Backups: the status (schedule, backup key, last scheduled result) and the actions. */
export const useBackupsStore = defineStore('backups', () => {
  const status = ref<BackupStatus | null>(null)
  const api = () => getApi().backups

  async function load(): Promise<BackupStatus> {
    status.value = await unwrap(api().getBackupStatus())
    return status.value
  }
  const createBackup = (protection: BackupProtectionInput): Promise<CreatedBackup | null> => unwrap(api().createBackup({ protection }))
  async function createBackupKey(): Promise<CreatedBackupKey> {
    const key = await unwrap(api().createBackupKey())
    await load()
    return key
  }
  const saveBackupKey = (identity: string): Promise<{ file: string } | null> => unwrap(api().saveBackupKey({ identity }))
  const copyBackupKey = (identity: string): Promise<CopyOutcome> => unwrap(api().copyBackupKey({ identity }))
  const chooseBackupFolder = (): Promise<{ folder: string } | null> => unwrap(api().chooseBackupFolder())
  async function setRecipient(recipient: string): Promise<void> {
    status.value = await unwrap(api().setRecipient({ recipient }))
  }
  async function setSchedule(patch: Partial<BackupSchedule>): Promise<void> {
    status.value = await unwrap(api().setSchedule(patch))
  }
  const verifyBackup = (unlock: BackupUnlockInput): Promise<VerifiedBackupView | null> => unwrap(api().verifyBackup({ unlock }))

  /** Replaces all data with the backup verified last; every window is sent to sign-in afterwards. */
  const restoreBackup = (unlock: BackupUnlockInput, confirmation: string): Promise<RestoredBackupView> => unwrap(api().restoreBackup({ unlock, confirmation }))
  /** First start (no account yet): choose and check a backup, then restore it. */
  const verifyFirstStartBackup = (unlock: BackupUnlockInput): Promise<VerifiedBackupView | null> => unwrap(api().verifyFirstStartBackup({ unlock }))
  const restoreFirstStartBackup = (unlock: BackupUnlockInput): Promise<RestoredBackupView> => unwrap(api().restoreFirstStartBackup({ unlock }))

  return { status, load, createBackup, createBackupKey, saveBackupKey, copyBackupKey, chooseBackupFolder, setRecipient, setSchedule, verifyBackup, restoreBackup, verifyFirstStartBackup, restoreFirstStartBackup }
})
