import type { Result } from './errors.ts'
import type { CopyOutcome } from './tokens.ts'

/** Settings -> Backups (administrators only). Backup files are age-encrypted; see the README. */
export type BackupFrequency = 'daily' | 'weekly'

export interface BackupSchedule {
  enabled: boolean
  /** The folder scheduled backups go to (full path), or null when not chosen yet. */
  folder: string | null
  frequency: BackupFrequency
  /** How many scheduled backups to keep (the oldest are deleted), 1-100. */
  keep: number
}

export interface BackupResultView {
  /** ISO 8601. */
  at: string
  ok: boolean
  file: string | null
  /** Why it failed: an i18n key under `errors.`, when known. */
  reason: string | null
  message: string | null
}

export interface BackupStatus {
  schedule: BackupSchedule
  /** The public age recipient scheduled backups are encrypted to (age1...), or null. */
  recipient: string | null
  lastScheduled: BackupResultView | null
  /** The last scheduled backup failed, or none succeeded within its period. */
  needsAttention: boolean
}

export interface BackupCounts {
  accounts: number
  sessions: number
  accessTokens: number
  apiKeys: number
  sshKeys: number
  pictures: number
  securityLog: number
  twoFactorEnabled: number
}

export interface BackupManifestView {
  formatVersion: number
  appVersion: string
  schemaVersion: number
  createdAt: string
  counts: BackupCounts
  database: { bytes: number; sha256: string }
}

/** How a backup made by hand is protected. */
export type BackupProtectionInput =
  | { kind: 'passphrase'; passphrase: string; confirmPassphrase: string }
  /** The backup key's recipient kept in the settings. */
  | { kind: 'backupKey' }

export type BackupUnlockInput = { kind: 'passphrase'; passphrase: string } | { kind: 'identity'; identity: string }

export interface CreatedBackup {
  file: string
  manifest: BackupManifestView
}

export interface VerifiedBackupView {
  file: string
  manifest: BackupManifestView
  needsMigration: boolean
}

/** A new backup key: the secret identity exists here once (show, save, copy, print), the recipient is kept. */
export interface CreatedBackupKey {
  identity: string
  recipient: string
}

/** What a restore did (the store was replaced; every window signs in again). */
export interface RestoredBackupView {
  manifest: BackupManifestView
  /** The schema the backup had when it was migrated forward, else null. */
  migratedFrom: number | null
}

/** What must be typed (exactly) to restore over the current data. */
export const RESTORE_CONFIRMATION = 'RESTORE'

/** The stages of a backup or restore, sent as `eventChannels.backupProgress` to the window that asked. */
export type BackupStageName = 'snapshot' | 'encrypt' | 'write' | 'decrypt' | 'check' | 'migrate' | 'reseal' | 'swap'
export interface BackupProgressEvent {
  stage: BackupStageName
  /** 0..1 within the stage. */
  fraction: number
}

export interface BackupsApi {
  getBackupStatus(): Promise<Result<BackupStatus>>
  /** Asks where to save (a save dialog); null when cancelled. */
  createBackup(input: { protection: BackupProtectionInput }): Promise<Result<CreatedBackup | null>>
  createBackupKey(): Promise<Result<CreatedBackupKey>>
  /** Saves the identity to a file only its owner can read (a save dialog); null when cancelled. */
  saveBackupKey(input: { identity: string }): Promise<Result<{ file: string } | null>>
  /**
   * Puts the backup key just shown on the clipboard from main (only the identity of the recipient in
   * use: not a general clipboard writer); cleared after `clearAfterSeconds` unless something else was copied.
   */
  copyBackupKey(input: { identity: string }): Promise<Result<CopyOutcome>>
  /** Asks for the scheduled backups' folder (a folder dialog); null when cancelled. Saving it is setSchedule's. */
  chooseBackupFolder(): Promise<Result<{ folder: string } | null>>
  /** Uses the user's own age recipient for scheduled backups. */
  setRecipient(input: { recipient: string }): Promise<Result<BackupStatus>>
  setSchedule(input: Partial<BackupSchedule>): Promise<Result<BackupStatus>>
  /** Asks for the backup file (an open dialog) and checks it fully; null when cancelled. */
  verifyBackup(input: { unlock: BackupUnlockInput }): Promise<Result<VerifiedBackupView | null>>
  /**
   * Restores the backup this window verified last over the current data (needs a recent password
   * confirmation and `RESTORE_CONFIRMATION` typed). Every window is sent to sign-in afterwards.
   */
  restoreBackup(input: { unlock: BackupUnlockInput; confirmation: string }): Promise<Result<RestoredBackupView>>
  /** First start (no account yet, no session): asks for the backup file and checks it; null when cancelled. */
  verifyFirstStartBackup(input: { unlock: BackupUnlockInput }): Promise<Result<VerifiedBackupView | null>>
  /** First start: restores the backup verified by `verifyFirstStartBackup`; refused once an account exists. */
  restoreFirstStartBackup(input: { unlock: BackupUnlockInput }): Promise<Result<RestoredBackupView>>
}

export const backupsChannels = {
  getBackupStatus: 'keystead:backups.getBackupStatus',
  createBackup: 'keystead:backups.createBackup',
  createBackupKey: 'keystead:backups.createBackupKey',
  saveBackupKey: 'keystead:backups.saveBackupKey',
  copyBackupKey: 'keystead:backups.copyBackupKey',
  chooseBackupFolder: 'keystead:backups.chooseBackupFolder',
  setRecipient: 'keystead:backups.setRecipient',
  setSchedule: 'keystead:backups.setSchedule',
  verifyBackup: 'keystead:backups.verifyBackup',
  restoreBackup: 'keystead:backups.restoreBackup',
  verifyFirstStartBackup: 'keystead:backups.verifyFirstStartBackup',
  restoreFirstStartBackup: 'keystead:backups.restoreFirstStartBackup',
} as const satisfies Record<keyof BackupsApi, `keystead:${string}`>
