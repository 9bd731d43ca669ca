/**
 * The whole IPC surface of Keystead: one interface per domain, one channel per
 * method, all prefixed `keystead:`. The preload, the main process and the test
 * bridge are all built from these two constants, so they cannot drift.
 *
 * Rules: every method takes at most one plain-JSON argument and resolves to a
 * `Result`. This folder has no runtime imports (types only), no electron, no node.
 */
import { accountsChannels } from './accounts.ts'
import type { AccountsApi } from './accounts.ts'
import { appChannels, authChannels } from './auth.ts'
import type { AppApi, AuthApi } from './auth.ts'
import type { AppStatus } from './models.ts'
import { securityChannels } from './security.ts'
import type { SecurityApi } from './security.ts'
import { tokensChannels } from './tokens.ts'
import type { TokensApi } from './tokens.ts'
import { profileChannels } from './profile.ts'
import type { ProfileApi } from './profile.ts'
import { settingsChannels } from './settings.ts'
import type { SettingsApi } from './settings.ts'
import { sshKeysChannels } from './ssh-keys.ts'
import type { SshKeysApi } from './ssh-keys.ts'
import { auditChannels } from './audit.ts'
import type { AuditApi } from './audit.ts'
import { remindersChannels } from './reminders.ts'
import type { RemindersApi } from './reminders.ts'
import { sessionsChannels } from './sessions.ts'
import type { SessionsApi } from './sessions.ts'
import { backupsChannels } from './backups.ts'
import type { BackupProgressEvent, BackupsApi } from './backups.ts'

export const CHANNEL_PREFIX = 'keystead:'

export const channels = {
  app: appChannels,
  auth: authChannels,
  security: securityChannels,
  tokens: tokensChannels,
  profile: profileChannels,
  settings: settingsChannels,
  sshKeys: sshKeysChannels,
  sessions: sessionsChannels,
  audit: auditChannels,
  backups: backupsChannels,
  reminders: remindersChannels,
  accounts: accountsChannels,
} as const

/** Events pushed from main to a window. */
export const eventChannels = {
  sessionEnded: 'keystead:event.sessionEnded',
  appStatusChanged: 'keystead:event.appStatusChanged',
  backupProgress: 'keystead:event.backupProgress',
} as const

export interface SessionEndedEvent {
  reason: 'signed-out' | 'revoked' | 'expired' | 'account-deleted' | 'password-changed' | 'locked'
}

export interface EventsApi {
  /** Returns a function that stops listening. */
  onSessionEnded(listener: (event: SessionEndedEvent) => void): () => void
  /** For example: the database failed its integrity check after start-up. */
  onAppStatusChanged(listener: (status: AppStatus) => void): () => void
  /** The stage of the backup or restore this window asked for (Settings -> Backups, first start). */
  onBackupProgress(listener: (event: BackupProgressEvent) => void): () => void
}

export interface KeysteadApi {
  app: AppApi
  auth: AuthApi
  security: SecurityApi
  tokens: TokensApi
  profile: ProfileApi
  settings: SettingsApi
  sshKeys: SshKeysApi
  sessions: SessionsApi
  audit: AuditApi
  backups: BackupsApi
  reminders: RemindersApi
  accounts: AccountsApi
  events: EventsApi
}

export type ChannelMap = typeof channels
export type EventChannelMap = typeof eventChannels
export type Channel = { [D in keyof ChannelMap]: ChannelMap[D][keyof ChannelMap[D]] }[keyof ChannelMap]

export type Invoke = (channel: string, payload: unknown) => Promise<unknown>
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void

/** Every request channel, flat; used by main to register handlers. */
export function listChannels(map: ChannelMap = channels): string[] {
  return Object.values(map).flatMap((domain) => Object.values(domain) as string[])
}
