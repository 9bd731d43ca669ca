import type { Result } from './errors.ts'

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

export interface BackupsApi {
  getBackupStatus(): Promise<Result<BackupStatus>>
  /** Asks where to save (a save dialog); null when cancelled. */
  createBackup(input: { protection: BackupProtectionInput }): Promise<Result<CreatedBackup | null>>
  createBackupKey(): Promise<Result<CreatedBackupKey>>
  /** Saves the identity to a file only its owner can read (a save dialog); null when cancelled. */
  saveBackupKey(input: { identity: string }): Promise<Result<{ file: string } | null>>
  /** Uses the user's own age recipient for scheduled backups. */
  setRecipient(input: { recipient: string }): Promise<Result<BackupStatus>>
  setSchedule(input: Partial<BackupSchedule>): Promise<Result<BackupStatus>>
  /** Asks for the backup file (an open dialog) and checks it fully; null when cancelled. */
  verifyBackup(input: { unlock: BackupUnlockInput }): Promise<Result<VerifiedBackupView | null>>
}

export const backupsChannels = {
  getBackupStatus: 'keystead:backups.getBackupStatus',
  createBackup: 'keystead:backups.createBackup',
  createBackupKey: 'keystead:backups.createBackupKey',
  saveBackupKey: 'keystead:backups.saveBackupKey',
  setRecipient: 'keystead:backups.setRecipient',
  setSchedule: 'keystead:backups.setSchedule',
  verifyBackup: 'keystead:backups.verifyBackup',
} as const satisfies Record<keyof BackupsApi, `keystead:${string}`>
