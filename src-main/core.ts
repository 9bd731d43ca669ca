import { join } from 'node:path'
import { eventChannels, listChannels } from '../src-preload/contract/api.ts'
import type { SessionEndedEvent } from '../src-preload/contract/api.ts'
import type { AppStatus } from '../src-preload/contract/models.ts'
import { checkDatabaseQuickly, DATABASE_FILE_NAME, DatabaseOpenError, openDatabase } from './db/database.ts'
import type { DB } from './db/database.ts'
import { checkDatabaseInWorker, DatabaseWorkerError } from './db/database-worker.ts'
import { prepareDataFolder } from './db/data-folder.ts'
import { migrateDatabase } from './db/migrate.ts'
import { SECURITY_LOG_CHAIN_MIGRATION } from './db/migrations/0010-security-log-chain.ts'
import { discardMigrationBackup, migrationBackupPathOf } from './db/migration-backup.ts'
import { createServicesCredentialVerifier } from './http/credentials.ts'
import type { CredentialVerifier } from './http/credentials.ts'
import { createLocalApiControl } from './http/control.ts'
import { createInvoker } from './ipc/guard.ts'
import type { AppHooks, Invoker } from './ipc/guard.ts'
import { createHandlerTable } from './ipc/handlers.ts'
import { WindowSessions } from './ipc/window-sessions.ts'
import type { Logger } from './log.ts'
import type { Platform } from './platform/types.ts'
import { SecurityEventKind } from './services/audit-service.ts'
import { cleanUpInterruptedRestore } from './services/backup/backup-service.ts'
import { ErrorCode, KeysteadError } from './services/errors.ts'
import type { Clock } from './services/clock.ts'
import { createServices } from './services/index.ts'
import type { Services } from './services/index.ts'
import type { ScryptParams } from './services/password-hasher.ts'
import type { SecretBox } from './services/secret-box.ts'
import type { SessionPolicy } from './services/session-service.ts'
import type { LocalApiControl, SettingsStore } from './services/settings-service.ts'
import { createReminderNotifier } from './services/reminders/reminder-notifier.ts'

export interface AppCoreOptions {
  dataDir: string
  platform: Platform
  /** Made lazily, only once the database opened. */
  createSecretBox(dataDir: string): SecretBox
  isTrustedSender(url: string): boolean
  /** Sends an event to one window (webContents.send in Electron, page.evaluate in tests). */
  notify(windowId: number, channel: string, payload: unknown): void
  log: Logger
  clock?: Clock
  scryptParams?: ScryptParams
  sessionPolicy?: SessionPolicy
  /** App-wide preferences: electron-store in the app, in memory when absent (tests). */
  settingsStore?: SettingsStore
  /** Checks the local API's bearer credentials; tests inject a fake. */
  createCredentialVerifier?(services: Services): CredentialVerifier

  /**
   * Runs the check for sessions ended by another process (the CLI, the local API) on the same
   * file. Default: every second on an unref'd timer. Tests pass their own and call `tick`.
   */
  scheduleSessionCheck?: SessionCheckScheduler
  /** Runs the due-backup check (default: at start, then every 15 minutes); tests pass their own. */
  scheduleBackupCheck?: SessionCheckScheduler
  /** Runs the reminder notifications (once per item per day). Default: every minute on an unref'd timer. */
  scheduleReminderCheck?: SessionCheckScheduler
}

/** Calls `tick` every `intervalMs`; returns a function that stops it. */
export type SessionCheckScheduler = (tick: () => void, intervalMs: number) => () => void

export const SESSION_CHECK_INTERVAL_MS = 1000
export const BACKUP_CHECK_INTERVAL_MS = 15 * 60 * 1000
export const REMINDER_CHECK_INTERVAL_MS = 60_000

export const intervalScheduler: SessionCheckScheduler = (tick, intervalMs) => {
  const timer = setInterval(tick, intervalMs)
  timer.unref?.()
  return () => clearInterval(timer)
}

export interface AppCore {
  readonly dataDir: string
  readonly databasePath: string
  status(): AppStatus
  readonly services: Services | null
  readonly windows: WindowSessions
  readonly invoke: Invoker
  readonly channelNames: string[]
  /**
   * `PRAGMA quick_check`, run after the first window is shown, on a worker thread with its own
   * read-only connection (the event loop keeps answering the window); on failure the status turns
   * to DB_CORRUPT. Resolves to the status after the check.
   */
  checkIntegrity(): Promise<AppStatus>
  /** A window closed: forget its session (the session itself stays valid until it expires or is revoked). */
  forgetWindow(windowId: number): void
  /** The local REST API as the settings run it. */
  readonly localApi: LocalApiControl
  /** Stops the local API (it stops listening at once) and closes the database. */

  /**
   * Sends to sign-in every window whose session no longer exists (closed by another process) or
   * expired: one primary-key lookup per held session. Runs every second; returns the windows told.
   */
  checkWindowSessions(): number[]
  /** OS notifications for the signed-in accounts' reminders not shown yet today; returns how many. */
  checkReminders(): number
  /**
   * "Keep me signed in": gives the window the kept session when it is still valid, else drops it.
   * The Electron shell calls it for the first window at start-up.
   */
  restoreKeptSession(windowId: number): boolean
  close(): void
}

/**
 * The composition root shared by the Electron shell and the test bridge:
 * open db -> migrate -> build services -> build the guarded handler table.
 */
export async function startAppCore(options: AppCoreOptions): Promise<AppCore> {
  const databasePath = join(options.dataDir, DATABASE_FILE_NAME)
  let status: AppStatus = { state: 'ready', version: options.platform.appVersion }
  let db: DB | null = null
  let services: Services | null = null
  const localApi = createLocalApiControl({
    getServices: () => services,
    createVerifier: options.createCredentialVerifier ?? createServicesCredentialVerifier,
    log: options.log,
  })
  const windows = new WindowSessions()
  const { keptSession } = options.platform
  let stopSessionCheck = (): void => {}
  let stopBackupCheck = (): void => {}

  function endWindowSessions(sessionIds: readonly string[], reason: SessionEndedEvent['reason']): number[] {
    const kept = keptSession.keptSessionId()
    if (kept && sessionIds.includes(kept)) keptSession.clear()
    const told = windows.releaseSessions(sessionIds)
    for (const windowId of told) options.notify(windowId, eventChannels.sessionEnded, { reason } satisfies SessionEndedEvent)
    return told
  }

  function checkWindowSessions(): number[] {
    if (!services) return []
    const held = windows.entries().map(([, session]) => session.sessionId)
    if (held.length === 0) return []
    try {
      // Expired ones are ended inside (and announced through sessionsEnded); missing ones were closed elsewhere.
      const gone = services.sessions.findEndedSessionIds([...new Set(held)])
      return gone.length > 0 ? endWindowSessions(gone, 'revoked') : []
    } catch (error) {
      options.log.error('Could not check the windows\' sessions', error)
      return []
    }
  }

  // Scheduled backups: a missed one runs at start (the catch-up), then the check repeats.
  function runDueBackup(): void {
    services?.backups.runDueBackup(options.platform.appVersion).then(
      (result) => {
        if (result && !result.ok) options.log.error('The scheduled backup failed', result.message)
      },
      (error: unknown) => options.log.error('The scheduled backup failed', error),
    )
  }

  /** open db -> migrate -> build services -> local API, session and backup checks. */
  async function openStore(): Promise<void> {
    try {
      prepareDataFolder(options.dataDir, (message) => options.log.info(message))
      // What an interrupted backup or restore left (work folders only; never a store).
      await cleanUpInterruptedRestore(options.dataDir)
      db = openDatabase(databasePath)
      const migration = await migrateDatabase(db, { backupPath: migrationBackupPathOf(databasePath), path: databasePath })
      services = createServices({
        db,
        secretBox: options.createSecretBox(options.dataDir),
        sealMigratedSecurityLog: migration.applied.includes(SECURITY_LOG_CHAIN_MIGRATION),
        clock: options.clock,
        scryptParams: options.scryptParams,
        sessionPolicy: options.sessionPolicy,
        settingsStore: options.settingsStore,
        localApi,
      })
    } catch (error) {
      db?.close()
      db = null
      services = null
      if (error instanceof DatabaseOpenError) {
        status = { state: 'error', code: error.code, message: error.message, path: error.path }
      } else {
        options.log.error('Could not start the account store', error)
        status = { state: 'error', code: 'DB_OPEN_FAILED', message: (error as Error).message, path: databasePath }
      }
      return
    }
    // A switched-on local API starts with the app; a taken port shows on the Settings screen, not as a crash.
    await services.settings.startLocalApiFromSettings()
    services.events.on('sessionsEnded', ({ sessionIds, reason }) => void endWindowSessions(sessionIds, reason))
    stopSessionCheck = (options.scheduleSessionCheck ?? intervalScheduler)(checkWindowSessions, SESSION_CHECK_INTERVAL_MS)
    stopBackupCheck = (options.scheduleBackupCheck ?? intervalScheduler)(runDueBackup, BACKUP_CHECK_INTERVAL_MS)
  }

  /** Stops the local API and the checks, and closes the database: nothing holds the store afterwards. */
  async function closeStore(): Promise<void> {
    stopSessionCheck()
    stopBackupCheck()
    stopSessionCheck = () => {}
    stopBackupCheck = () => {}
    services = null
    await localApi.stop()
    db?.close()
    db = null
  }

  await openStore()
  if (services && !options.scheduleBackupCheck) setImmediate(runDueBackup)
  // The notifier of the store now open (a restore replaces the services, and with them the notifier).
  let notifier: ReturnType<typeof createReminderNotifier> | null = null
  let notifierServices: Services | null = null
  function checkReminders(): number {
    if (!services) return 0
    if (notifierServices !== services) {
      notifierServices = services
      notifier = createReminderNotifier({ reminders: services.reminders, accounts: services.accounts, clock: services.clock, show: (n) => options.platform.notifications.show(n) })
    }
    if (!notifier) return 0
    try {
      const accountIds = windows.entries().flatMap(([, held]) => {
        const session = services!.sessions.findSession(held.sessionId)
        return session ? [session.account_id] : []
      })
      return notifier.notifyReminders(accountIds)
    } catch (error) {
      options.log.error('Could not check the reminders', error)
      return 0
    }
  }
  const stopReminderCheck = services ? (options.scheduleReminderCheck ?? intervalScheduler)(checkReminders, REMINDER_CHECK_INTERVAL_MS) : () => {}

  let replacing = false
  const app: AppHooks = {
    notify: options.notify,
    async replaceStore(run, requestedBy) {
      if (replacing) throw new KeysteadError(ErrorCode.Conflict, 'A restore is already running.', { reason: 'backup.restoreRunning' })
      // No restore while a backup (by hand or scheduled) runs, and no backup starts while it does.
      const backups = services?.backups
      replacing = true
      let closed = false
      let swapped = false
      try {
        const work = () =>
          run({
            dataDir: options.dataDir,
            beforeSwap: async () => {
              closed = true
              await closeStore()
            },
          })
        const result = backups ? await backups.whileRestoring(work) : await work()
        swapped = closed
        return result
      } finally {
        if (closed) {
          // Whichever store is in place now opens again: the restored one, or the old one after a failure.
          status = { state: 'ready', version: options.platform.appVersion }
          await openStore()
          if (!services) {
            options.log.error('The store could not be opened again after a restore', status)
            // Every window (and the one that asked, which may hold no session) shows why, instead of a sign-in that
            // cannot work; told first, so that the window goes to the error screen rather than to sign-in.
            const told = new Set([...windows.entries().map(([windowId]) => windowId), ...(requestedBy === undefined ? [] : [requestedBy])])
            for (const windowId of told) options.notify(windowId, eventChannels.appStatusChanged, status)
          }
          if (swapped || !services) {
            // The sessions the windows held belong to the replaced store: every window signs in again.
            keptSession.clear()
            endWindowSessions([...new Set(windows.entries().map(([, session]) => session.sessionId))], 'revoked')
          }
        }
        replacing = false
      }
    },
  }

  const handlers = createHandlerTable({ getStatus: () => status })
  const invoke = createInvoker({ handlers, getServices: () => services, app, platform: options.platform, windows, isTrustedSender: options.isTrustedSender, log: options.log })

  return {
    dataDir: options.dataDir,
    databasePath,
    status: () => status,
    get services() {
      return services
    },
    windows,
    invoke,
    channelNames: listChannels(),
    localApi,
    checkReminders,
    async checkIntegrity() {
      if (!db || status.state !== 'ready') return status
      let result: { ok: true } | { ok: false; problems: string[] }
      try {
        result = await checkDatabaseInWorker(databasePath)
      } catch (error) {
        if (!(error instanceof DatabaseWorkerError)) throw error
        // The thread itself could not run (not a finding about the file): check on this thread rather than not at all.
        options.log.error('The quick check could not run on a worker thread; running it here', error.message)
        if (!db) return status
        result = checkDatabaseQuickly(db)
      }
      if (result.ok) {
        // The migrated database is sound: the copy from before the migration (it keeps deleted accounts) goes.
        try {
          if (db && discardMigrationBackup(db)) options.log.info('Removed the copy taken before the last migration')
        } catch (error) {
          options.log.error('Could not remove the copy taken before the last migration', error)
        }
      } else if (status.state === 'ready') {
        options.log.error('The database failed its quick check', result.problems.slice(0, 5).join('; '))
        status = {
          state: 'error',
          code: 'DB_CORRUPT',
          message: `The database file is damaged: ${result.problems[0]}`,
          path: databasePath,
        }
      }
      return status
    },
    forgetWindow(windowId) {
      windows.clear(windowId)
    },
    checkWindowSessions,
    restoreKeptSession(windowId) {
      if (!services) return false
      const kept = keptSession.load()
      if (!kept) return false
      const validation = services.sessions.validateSessionToken(kept.token)
      if (!validation.ok || validation.session.id !== kept.sessionId || validation.session.keep_signed_in !== 1) {
        keptSession.clear()
        return false
      }
      windows.set(windowId, { token: kept.token, sessionId: kept.sessionId })
      services.audit.recordSecurityEvent({
        accountId: validation.session.account_id,
        kind: SecurityEventKind.SessionRestored,
        sessionId: kept.sessionId,
      })
      return true
    },
    close() {
      void localApi.stop()
      stopSessionCheck()
      stopBackupCheck()
      stopReminderCheck()
      services = null
      db?.close()
      db = null
    },
  }
}
