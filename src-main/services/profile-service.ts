import type { DeleteAccountInput, Profile, PublicProfile, UpdateProfileInput } from '../../src-preload/contract/profile.ts'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { checkpointDatabaseInWorker, runWithCheckpointOffThread } from '../db/database-worker.ts'
import { discardMigrationBackup } from '../db/migration-backup.ts'
import { deleteAccountPicture, findAccountPicture, upsertAccountPicture } from '../db/repositories/account-pictures-repo.ts'
import {
  ACCOUNT_GROWING_TABLES,
  deleteAccountRow,
  deleteAccountRowsSlice,
  findAccountByEmailKey,
  findAccountByUsernameKey,
  findLastSignedInLanguage,
  updateAccountProfile,
} from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import { assertAdministratorRemains } from './role-rules.ts'
import { deleteAccountSessions, deleteAccountSessionsSlice } from '../db/repositories/sessions-repo.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import {
  SUPPORTED_LANGUAGES,
  toEmailKey,
  toUsernameKey,
  validateDescription,
  validateEmail,
  validateFullName,
  validateLanguage,
  validateTimezone,
  validateUsername,
} from './account-rules.ts'
import { emailTakenError, usernameTakenError } from './account-service.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import type { AuthService } from './auth-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { summarizeDevice } from './device-facts.ts'
import { checkFields, requirePasswordTyped, validationError } from './errors.ts'
import type { EventHub } from './events.ts'
import { processPicture, toDataURL } from './picture-pipeline.ts'
import { DATA_FOLDER_ACTOR, requireSensitiveAction, SensitiveAction, sessionActor } from './sensitive-actions.ts'
import type { SensitiveActionContext, SensitiveActor } from './sensitive-actions.ts'
import { repeatInSlices } from './slices.ts'

/** The same shapes as the contract's: the CLI and REST API pass them straight through too. */
export type ProfileUpdate = UpdateProfileInput
export type AccountDeletionRequest = DeleteAccountInput

export interface ProfileService {
  getProfile(accountId: number): Profile
  getPublicProfile(accountId: number): PublicProfile
  /**
   * Validates every field first (nothing is written unless all pass). Changing the username
   * needs a recent password confirmation on `session`; the old name is free at once.
   */
  updateProfile(session: SessionRow, update: ProfileUpdate): Profile
  /** Checks, decodes, centre-crops and re-encodes the image; stores only the 256x256 result. */
  setPicture(session: SessionRow, bytes: Buffer): Promise<Profile>
  removePicture(session: SessionRow): Profile
  /** The last signed-in account's language (English when there is none). */
  getStartupLanguage(): string
  /**
   * Password, second factor and the typed username, then the removal: the account's sessions end
   * first (every window is told), then its tokens, keys and log go in short slices, then one
   * transaction removes the account row and (by cascade) whatever refers to it.
   */
  deleteAccount(session: SessionRow, request: AccountDeletionRequest): Promise<void>
  /**
   * ADMIN variant for the command line (`accounts delete U --yes`): the same removal, without
   * the password, second factor and typed-username checks that only a signed-in user can pass.
   * The caller (an administrator with the data directory) has confirmed with --yes.
   */
  deleteAccountAsAdmin(accountId: number, origin: 'cli' | 'api' | 'app'): Promise<{ sessionsEnded: number }>
  /**
   * ADMIN variant for the local API's PATCH /users/me and the CLI: the same rules as
   * `updateProfile` for the full name and e-mail (the other fields stay); logged with the origin.
   */
  updateContactAsAdmin(accountId: number, change: { fullName?: string; email?: string | null }, origin: 'cli' | 'api'): Profile
}

function pictureUrlOf(db: DB, accountId: number): string | null {
  const picture = findAccountPicture(db, accountId)
  return picture ? toDataURL(picture.media_type, picture.image) : null
}

function isUniqueViolation(error: unknown, column: string): boolean {
  const e = error as { code?: string; message?: string }
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && (e.message ?? '').includes(column)
}

export function createProfileService(deps: {
  db: DB
  clock: Clock
  audit: AuditService
  accounts: AccountService
  auth: AuthService
  sessions: SensitiveActionContext['sessions']
  events: EventHub
}): ProfileService {
  const { db, clock, audit, accounts, auth, events } = deps
  const gate = { clock, sessions: deps.sessions }

  function toProfile(row: AccountRow): Profile {
    return {
      username: row.username,
      fullName: row.full_name,
      email: row.email,
      description: row.description,
      language: row.language,
      timezone: row.timezone,
      createdAt: toISO(row.created_at),
      pictureUrl: pictureUrlOf(db, row.id),
    }
  }

  /**
   * Removes the account and every row that refers to it; returns how many sessions ended. An account
   * can have thousands of sessions, tokens and log entries, and secure_delete overwrites every freed
   * page, so the rows go in slices (one short transaction each, the event loop runs in between):
   * sessions first (the account is signed out everywhere before anything else goes), then the other
   * growing tables (each slice sized to take a few milliseconds), then one transaction records the deletion and removes the account row, the
   * cascade taking the rest. Stopped half-way (a crash), the account is still there, signed out, with
   * fewer rows; deleting it again finishes the job. Last, a worker thread's connection checkpoints the
   * WAL so the zeroed pages replace the old ones in the main file too.
   */
  async function removeAccount(account: AccountRow, session: SessionRow | null, origin?: 'cli' | 'api' | 'app'): Promise<number> {
    // The last administrator stays (checked before the first slice, and again in the final transaction).
    assertAdministratorRemains(db, accounts.getAccount(account.id), 'delete')
    const endSessions = (sessionIds: string[]): number => {
      if (sessionIds.length > 0) events.emit('sessionsEnded', { sessionIds, reason: 'account-deleted' })
      return sessionIds.length
    }
    // No automatic checkpoint inside a slice's commit (it would copy 1,000 pages on this thread): one on a
    // worker thread once the account is gone (checkpointFreedPages).
    const sessionsEnded = await runWithCheckpointOffThread(
      db,
      async () => {
        const ended = await repeatInSlices((limit) => endSessions(writeTransaction(db, () => deleteAccountSessionsSlice(db, account.id, limit))))
        for (const table of ACCOUNT_GROWING_TABLES) {
          await repeatInSlices((limit) => writeTransaction(db, () => deleteAccountRowsSlice(db, table, account.id, limit)))
        }
        const lateSessions = writeTransaction(db, () => {
          assertAdministratorRemains(db, accounts.getAccount(account.id), 'delete')
          // Recorded first, then removed with everything else: the log goes with the account.
          audit.recordSecurityEvent({
            accountId: account.id,
            kind: SecurityEventKind.AccountDeletion,
            sessionId: session?.id ?? null,
            ...(session ? { device: summarizeDevice(session) } : {}),
            ...(origin ? { detail: { origin } } : {}),
          })
          // A session started while the slices ran (another window, the CLI) ends with the account.
          const late = deleteAccountSessions(db, account.id)
          deleteAccountRow(db, account.id)
          return late
        })
        return ended + endSessions(lateSessions)
      },
      checkpointFreedPages,
    )
    // The copy taken before a migration still holds the account: it goes too (else at the next start's quick check).
    try {
      discardMigrationBackup(db)
    } catch {
      // The account is gone from the database either way; the start-up check wipes the copy again.
    }
    return sessionsEnded
  }

  /** secure_delete zeroes the freed pages; a checkpoint moves them out of the WAL file too (off this thread). */
  async function checkpointFreedPages(): Promise<void> {
    if (db.memory) return
    try {
      // Another connection (the CLI or the app) may hold a read lock; the next checkpoint completes it then.
      await checkpointDatabaseInWorker(db.name)
    } catch {
      // The worker could not run at all: checkpoint here rather than leave the old pages in the WAL.
      try {
        db.pragma('wal_checkpoint(TRUNCATE)')
      } catch {
        // As above: the next checkpoint completes it.
      }
    }
  }

  /**
   * The one set of profile rules for every face. The app passes the signed-in session (a username
   * change then needs a recent password confirmation); the CLI and API pass their origin.
   */
  function applyProfileUpdate(current: AccountRow, update: ProfileUpdate, actor: { session: SessionRow } | { origin: 'cli' | 'api' }): Profile {
    const session = 'session' in actor ? actor.session : null
    // Every field is checked, and every refused field reported at once (a name already taken counts as a field error).
    const { username, fullName, email, description, language, timezone } = checkFields({
      username: () => {
        const name = validateUsername(update.username)
        const other = findAccountByUsernameKey(db, toUsernameKey(name))
        if (other && other.id !== current.id) throw usernameTakenError()
        return name
      },
      fullName: () => validateFullName(update.fullName),
      email: () => {
        const address = validateEmail(update.email)
        const other = address ? findAccountByEmailKey(db, toEmailKey(address)) : undefined
        if (other && other.id !== current.id) throw emailTakenError()
        return address
      },
      description: () => validateDescription(update.description),
      language: () => validateLanguage(update.language),
      timezone: () => validateTimezone(update.timezone, current.timezone),
    })
    // The app checks a new username before it warns about giving up the old one.
    if (update.checkOnly) return toProfile(current)
    const usernameKey = toUsernameKey(username)
    const emailKey = email ? toEmailKey(email) : null
    const usernameChanged = username !== current.username
    if (usernameChanged && !session) throw new Error('The administration faces do not change usernames')
    const who: SensitiveActor = session
      ? sessionActor(session)
      : 'origin' in actor && actor.origin === 'api'
        ? { kind: 'credential', accountId: current.id, tokenId: null }
        : DATA_FOLDER_ACTOR
    if (usernameChanged) requireSensitiveAction(gate, who, SensitiveAction.UsernameChange)
    if (email !== current.email) requireSensitiveAction(gate, who, SensitiveAction.EmailChange)

    const changed = Object.entries({
      fullName: fullName !== current.full_name,
      email: email !== current.email,
      description: description !== current.description,
      language: language !== current.language,
      timezone: timezone !== current.timezone,
    })
      .filter(([, isChanged]) => isChanged)
      .map(([name]) => name)
    if (!usernameChanged && changed.length === 0) return toProfile(current)
    try {
      writeTransaction(db, () => {
        updateAccountProfile(db, current.id, { username, usernameKey, fullName, email, emailKey, description, language, timezone, updatedAt: clock() })
        if (usernameChanged && session) {
          audit.recordSecurityEvent({
            accountId: current.id,
            kind: SecurityEventKind.UsernameChanged,
            sessionId: session.id,
            device: summarizeDevice(session),
            detail: { from: current.username, to: username },
          })
        }
        if (changed.length > 0 && session) {
          audit.recordSecurityEvent({
            accountId: current.id,
            kind: SecurityEventKind.ProfileUpdated,
            sessionId: session.id,
            device: summarizeDevice(session),
            detail: { fields: changed.join(',') },
          })
        } else if (changed.length > 0 && 'origin' in actor) {
          audit.recordSecurityEvent({ accountId: current.id, kind: SecurityEventKind.ContactUpdated, detail: { origin: actor.origin, fields: changed.join(',') } })
        }
      })
    } catch (error) {
      if (isUniqueViolation(error, 'username_key')) throw usernameTakenError()
      if (isUniqueViolation(error, 'email_key')) throw emailTakenError()
      throw error
    }
    return getProfile(current.id)
  }

  function getProfile(accountId: number): Profile {
    return toProfile(accounts.getAccount(accountId))
  }

  return {
    getProfile,
    getPublicProfile(accountId) {
      const row = accounts.getAccount(accountId)
      return {
        username: row.username,
        fullName: row.full_name,
        description: row.description,
        createdAt: toISO(row.created_at),
        pictureUrl: pictureUrlOf(db, row.id),
      }
    },
    updateProfile(session, update) {
      return applyProfileUpdate(accounts.getAccount(session.account_id), update, { session })
    },
    updateContactAsAdmin(accountId, change, origin) {
      const current = accounts.getAccount(accountId)
      return applyProfileUpdate(
        current,
        {
          username: current.username,
          fullName: change.fullName ?? current.full_name,
          email: change.email === undefined ? (current.email ?? '') : (change.email ?? ''),
          description: current.description,
          language: current.language,
          timezone: current.timezone,
        },
        { origin },
      )
    },
    async setPicture(session, bytes) {
      const picture = await processPicture(bytes)
      const accountId = session.account_id
      accounts.getAccount(accountId)
      writeTransaction(db, () => {
        upsertAccountPicture(db, { account_id: accountId, media_type: picture.mediaType, image: picture.image, updated_at: clock() })
        audit.recordSecurityEvent({
          accountId,
          kind: SecurityEventKind.PictureChanged,
          sessionId: session.id,
          device: summarizeDevice(session),
          detail: { sourceType: picture.sourceType, width: picture.sourceWidth, height: picture.sourceHeight },
        })
      })
      return getProfile(accountId)
    },
    removePicture(session) {
      const accountId = session.account_id
      writeTransaction(db, () => {
        if (deleteAccountPicture(db, accountId)) {
          audit.recordSecurityEvent({ accountId, kind: SecurityEventKind.PictureRemoved, sessionId: session.id, device: summarizeDevice(session) })
        }
      })
      return getProfile(accountId)
    },
    getStartupLanguage() {
      const language = findLastSignedInLanguage(db, [SecurityEventKind.SignIn, SecurityEventKind.AccountCreated])
      return language && (SUPPORTED_LANGUAGES as readonly string[]).includes(language) ? language : 'en'
    },
    async deleteAccount(session, request) {
      requireSensitiveAction(gate, session, SensitiveAction.AccountDeletion)
      const current = accounts.getAccount(session.account_id)
      // The form's own mistakes first, all at once (an empty password is not an attempt; a mistyped username is
      // flagged with it, before and without looking at the password); then the password, then the second factor.
      checkFields({
        password: () => requirePasswordTyped(request.password, 'password'),
        code: () => auth.requireSecondFactorTyped(current.id, request.code),
        confirmUsername: () => {
          if (request.confirmUsername !== current.username) {
            throw validationError('confirmUsername', 'profile.confirmUsernameMismatch', 'Type the username exactly as shown to confirm.')
          }
          return request.confirmUsername
        },
      })
      const account = await auth.requireAccountPassword(session, request.password, { action: 'account.deletion' })
      await auth.requireSecondFactor(account.id, request.code)
      await removeAccount(account, session)
    },
    async deleteAccountAsAdmin(accountId, origin) {
      return { sessionsEnded: await removeAccount(accounts.getAccount(accountId), null, origin) }
    },
  }
}
