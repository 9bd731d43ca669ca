import type { StoreCounts } from './snapshot-worker.ts'

/**
 * The backup file, version 1 (documented in the README, "Backups and moving to a new computer"):
 *
 *   age( tar[ manifest.json, data-key, keystead.db ] )
 *
 * - age v1 (https://age-encryption.org/v1): a passphrase (scrypt) or X25519 recipients.
 * - Inside, a POSIX ustar archive, in this order: `manifest.json` (the facts below), `data-key`
 *   (the 256-bit data key that seals two-factor secrets and API key copies, base64, one line),
 *   `keystead.db` (a consistent SQLite snapshot, rollback-journal mode, standalone).
 */
export const BACKUP_FORMAT = 'keystead-backup'
export const BACKUP_FORMAT_VERSION = 1
export const MANIFEST_ENTRY = 'manifest.json'
export const DATA_KEY_ENTRY = 'data-key'
export const DATABASE_ENTRY = 'keystead.db'
/** The file name people see: keystead-backup-2026-12-03T18-00-00Z.age */
export const BACKUP_FILE_EXTENSION = '.age'
export const MAX_MANIFEST_BYTES = 16 * 1024

export interface BackupManifest {
  format: typeof BACKUP_FORMAT
  formatVersion: number
  appVersion: string
  schemaVersion: number
  /** ISO 8601, UTC. */
  createdAt: string
  counts: StoreCounts
  database: { file: typeof DATABASE_ENTRY; bytes: number; sha256: string }
  dataKey: { file: typeof DATA_KEY_ENTRY; algorithm: 'aes-256-gcm' }
}

const COUNT_KEYS: ReadonlyArray<keyof StoreCounts> = ['accounts', 'sessions', 'accessTokens', 'apiKeys', 'sshKeys', 'pictures', 'securityLog', 'twoFactorEnabled']

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

/** Checks a manifest's shape; returns what is wrong, or null when it is a usable version-1 manifest. */
export function findManifestProblem(value: unknown): 'notKeystead' | 'formatTooNew' | null {
  if (typeof value !== 'object' || value === null) return 'notKeystead'
  const manifest = value as Partial<BackupManifest>
  if (manifest.format !== BACKUP_FORMAT || !isCount(manifest.formatVersion)) return 'notKeystead'
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) return 'formatTooNew'
  if (typeof manifest.appVersion !== 'string' || !isCount(manifest.schemaVersion) || typeof manifest.createdAt !== 'string') return 'notKeystead'
  const counts = manifest.counts as Record<string, unknown> | undefined
  if (!counts || !COUNT_KEYS.every((key) => isCount(counts[key]))) return 'notKeystead'
  const database = manifest.database
  if (!database || database.file !== DATABASE_ENTRY || !isCount(database.bytes) || !/^[0-9a-f]{64}$/.test(String(database.sha256))) return 'notKeystead'
  if (!manifest.dataKey || manifest.dataKey.file !== DATA_KEY_ENTRY) return 'notKeystead'
  return null
}

export function countsMatch(a: StoreCounts, b: StoreCounts): boolean {
  return COUNT_KEYS.every((key) => a[key] === b[key])
}

/** A file name for a new backup made at `at`: sortable, no characters any file system refuses. */
export function backupFileName(at: Date): string {
  return `keystead-backup-${at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')}${BACKUP_FILE_EXTENSION}`
}

/** A backup passphrase is the only thing between the file and an offline guesser: at least this long. */
export const MIN_BACKUP_PASSPHRASE_LENGTH = 10
