import { readdirSync, statSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import type { DB } from '../../db/database.ts'
import type { Clock } from '../clock.ts'
import { checkFields, ErrorCode, KeysteadError, validationError } from '../errors.ts'
import type { SecretBox } from '../secret-box.ts'
import type { SettingsStore } from '../settings-service.ts'
import type { BackupProtection } from './age.ts'
import { backupFileName } from './backup-format.ts'
import type { BackupManifest } from './backup-format.ts'
import { validateRecipient } from './backup-inputs.ts'
import { createBackup } from './backup-service.ts'
import type { ProgressListener } from './backup-service.ts'

export const BackupFrequency = Object.freeze({ Daily: 'daily', Weekly: 'weekly' } as const)
export type BackupFrequency = (typeof BackupFrequency)[keyof typeof BackupFrequency]
export const KEEP_MIN = 1
export const KEEP_MAX = 100
const PERIOD_MS: Record<BackupFrequency, number> = { daily: 86_400_000, weekly: 7 * 86_400_000 }
/** A scheduled backup later than its period plus this is overdue (the banner shows). */
const OVERDUE_GRACE_MS = 6 * 3_600_000
const STORE_KEY = 'backups'
const SCHEDULED_NAME = /^keystead-backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.age$/

/** A folder for scheduled backups: a full path to an existing folder (typed or chosen in a dialog). */
export function validateBackupFolder(folder: string): string {
  if (!isAbsolute(folder)) throw validationError('folder', 'backup.folderInvalid', 'Choose a folder by its full path.')
  let isFolder = false
  try {
    isFolder = statSync(folder).isDirectory()
  } catch {
    isFolder = false
  }
  if (!isFolder) throw validationError('folder', 'backup.folderInvalid', 'This folder does not exist.')
  return folder
}

export interface BackupSchedule {
  enabled: boolean
  folder: string | null
  frequency: BackupFrequency
  keep: number
}

export interface BackupResult {
  at: number
  ok: boolean
  file: string | null
  /** The refusal's reason when it failed (an i18n key under errors.). */
  reason: string | null
  message: string | null
}

interface StoredBackupSettings {
  schedule: BackupSchedule
  /** The public age recipient of the backup key (the secret identity is never kept). */
  recipient: string | null
  lastScheduled: BackupResult | null
}

const DEFAULTS: StoredBackupSettings = { schedule: { enabled: false, folder: null, frequency: 'daily', keep: 7 }, recipient: null, lastScheduled: null }

export interface BackupManager {
  getSchedule(): BackupSchedule
  setSchedule(patch: Partial<BackupSchedule>): BackupSchedule
  getRecipient(): string | null
  setRecipient(recipient: string): string
  lastScheduledResult(): BackupResult | null
  isOverdue(): boolean
  /** Writes a backup now (one at a time); `target` is the file the user chose. */
  createBackupNow(input: { target: string; protection: BackupProtection; appVersion: string; onProgress?: ProgressListener }): Promise<BackupManifest>
  /** Runs the scheduled backup when one is due (at start: the catch-up; then from a timer). */
  runDueBackup(appVersion: string): Promise<BackupResult | null>
  /** Whether a backup (made by hand or scheduled) or a restore is running. */
  isBusy(): boolean
  /**
   * Runs a restore while no backup runs: refused (CONFLICT `backup.backupRunning`, nothing changes)
   * when one does, and no backup starts until it is done (`backup.restoreRunning`).
   */
  whileRestoring<T>(work: () => Promise<T>): Promise<T>
}

export function createBackupManager(deps: { db: DB; secretBox: SecretBox; store: SettingsStore; clock: Clock }): BackupManager {
  const { db, secretBox, store, clock } = deps
  let running: 'backup' | 'restore' | null = null

  const read = (): StoredBackupSettings => {
    const stored = store.get(STORE_KEY) as Partial<StoredBackupSettings> | undefined
    return { ...DEFAULTS, ...stored, schedule: { ...DEFAULTS.schedule, ...stored?.schedule } }
  }
  const write = (value: StoredBackupSettings): void => store.set(STORE_KEY, value)

  function refuseWhileRunning(kind: 'backup' | 'restore'): void {
    if (running === 'restore') throw new KeysteadError(ErrorCode.Conflict, 'A restore is running; wait for it to finish. Nothing was changed.', { reason: 'backup.restoreRunning' })
    if (running === 'backup' && kind === 'restore') {
      throw new KeysteadError(ErrorCode.Conflict, 'A backup is being made; restore once it has finished. Nothing was changed.', { reason: 'backup.backupRunning' })
    }
    if (running === 'backup') throw new KeysteadError(ErrorCode.Conflict, 'A backup is already being made; wait for it to finish.', { reason: 'backup.busy' })
  }

  /** One backup or restore at a time; the claim is taken before anything awaits. */
  async function exclusive<T>(kind: 'backup' | 'restore', work: () => Promise<T>): Promise<T> {
    refuseWhileRunning(kind)
    running = kind
    try {
      return await work()
    } finally {
      running = null
    }
  }

  function make(target: string, protection: BackupProtection, appVersion: string, onProgress?: ProgressListener, staleTargetNames?: RegExp): Promise<BackupManifest> {
    const databasePath = db.name
    return createBackup({ databasePath, workDir: dirname(databasePath), secretBox, appVersion, target, protection, onProgress, staleTargetNames })
  }

  async function prune(folder: string, keep: number): Promise<void> {
    const names = readdirSync(folder)
    const ours = names.filter((name) => SCHEDULED_NAME.test(name)).sort()
    for (const name of ours.slice(0, Math.max(0, ours.length - keep))) await unlink(join(folder, name)).catch(() => {})
  }

  return {
    getSchedule: () => read().schedule,
    setSchedule(patch) {
      const current = read()
      const next: BackupSchedule = { ...current.schedule, ...patch }
      // Every refused field at once (the form shows each at its field); nothing is saved unless all pass.
      checkFields({
        folder: () => {
          if (next.folder !== null) return validateBackupFolder(next.folder)
          if (next.enabled) throw validationError('folder', 'backup.folderRequired', 'Choose the folder for scheduled backups.')
          return null
        },
        frequency: () => {
          if (next.frequency !== 'daily' && next.frequency !== 'weekly') throw validationError('frequency', 'backup.frequencyInvalid', 'Choose daily or weekly.')
          return next.frequency
        },
        keep: () => {
          if (!Number.isInteger(next.keep) || next.keep < KEEP_MIN || next.keep > KEEP_MAX) {
            throw validationError('keep', 'backup.keepRange', `Keep from ${KEEP_MIN} to ${KEEP_MAX} backups.`, { min: KEEP_MIN, max: KEEP_MAX })
          }
          return next.keep
        },
        recipient: () => {
          if (next.enabled && !current.recipient) throw validationError('recipient', 'backup.keyRequired', 'Scheduled backups need a backup key: create one first.')
          return current.recipient
        },
      })
      write({ ...current, schedule: next })
      return next
    },
    getRecipient: () => read().recipient,
    setRecipient(recipient) {
      const valid = validateRecipient(recipient)
      write({ ...read(), recipient: valid })
      return valid
    },
    lastScheduledResult: () => read().lastScheduled,
    isOverdue() {
      const { schedule, lastScheduled } = read()
      if (!schedule.enabled) return false
      if (lastScheduled && !lastScheduled.ok) return true
      const lastOk = lastScheduled?.ok ? lastScheduled.at : null
      return lastOk === null ? false : clock() - lastOk > PERIOD_MS[schedule.frequency] + OVERDUE_GRACE_MS
    },
    createBackupNow: (input) => exclusive('backup', () => make(input.target, input.protection, input.appVersion, input.onProgress)),
    isBusy: () => running !== null,
    whileRestoring: (work) => exclusive('restore', work),
    async runDueBackup(appVersion) {
      const settings = read()
      const { schedule, recipient, lastScheduled } = settings
      if (!schedule.enabled || !schedule.folder || !recipient || running) return null
      if (lastScheduled && clock() - lastScheduled.at < PERIOD_MS[schedule.frequency]) return null
      const at = clock()
      const target = join(schedule.folder, backupFileName(new Date(at)))
      let result: BackupResult
      try {
        // What a crash left of earlier scheduled backups in this folder goes first (see removeStaleTemporaryFiles).
        await exclusive('backup', () => make(target, { kind: 'recipients', recipients: [recipient] }, appVersion, undefined, SCHEDULED_NAME))
        await prune(schedule.folder, schedule.keep)
        result = { at, ok: true, file: target, reason: null, message: null }
      } catch (error) {
        const reason = error instanceof KeysteadError ? (error.reason ?? null) : null
        result = { at, ok: false, file: null, reason, message: (error as Error).message }
      }
      write({ ...read(), lastScheduled: result })
      return result
    },
  }
}
