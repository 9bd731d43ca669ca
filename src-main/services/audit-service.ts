import { AsyncLocalStorage } from 'node:async_hooks'
import type { DB } from '../db/database.ts'
import { countSecurityLogRows, insertSecurityLogEntry, listSecurityLogKinds, listSecurityLogRows, listSecurityLogRowsAfter } from '../db/repositories/security-log-repo.ts'
import type { SecurityLogCursor, SecurityLogRow } from '../db/repositories/security-log-repo.ts'
import { findSessionById } from '../db/repositories/sessions-repo.ts'
import type { Clock } from './clock.ts'
import { toISO } from './clock.ts'
import { summarizeDevice } from './device-facts.ts'
import { validationError } from './errors.ts'
import { SLICE_ROWS, yieldToEventLoop } from './slices.ts'

/** Kinds of security-log entries. Extend by adding; never rename one that has shipped. */
export const SecurityEventKind = Object.freeze({
  AccountCreated: 'account.created',
  SignIn: 'signin',
  SignInFailed: 'signin.failed',
  SignOut: 'signout',
  Reauthenticated: 'reauth',
  ReauthFailed: 'reauth.failed',
  PasswordChanged: 'password.changed',
  TwoFactorEnabled: 'twofactor.enabled',
  TwoFactorDisabled: 'twofactor.disabled',
  RecoveryCodesRegenerated: 'twofactor.recovery.regenerated',
  RecoveryCodeUsed: 'twofactor.recovery.used',
  SecondFactorFailed: 'twofactor.failed',
  ApiKeyRegenerated: 'apikey.regenerated',
  TokenCreated: 'token.created',
  TokenEnabled: 'token.enabled',
  TokenDisabled: 'token.disabled',
  TokenDeleted: 'token.deleted',
  ProfileUpdated: 'profile.updated',
  UsernameChanged: 'username.changed',
  PictureChanged: 'picture.changed',
  PictureRemoved: 'picture.removed',
  AccountDeletion: 'account.deletion',
  // Administration (command line, local API); the detail names the face: { origin: 'cli' | 'api' }.
  PasswordReset: 'password.reset',
  ContactUpdated: 'account.contactUpdated',
  SessionRevoked: 'session.revoked',
  OtherSessionsRevoked: 'sessions.revokedOthers',
  AccountExported: 'account.exported',
  SSHKeyAdded: 'sshKey.added',
  SSHKeyRemoved: 'sshKey.removed',
  SessionClosed: 'session.closed',
  OtherSessionsClosed: 'session.closedOthers',
  SessionRestored: 'session.restored',
  SessionPolicyChanged: 'session.policyChanged',
  SecurityLogExported: 'log.exported',
  // Administration in the app (issue 15). Written to the target's log and the administrator's; the detail
  // names the actor ({ by: 'alice' } or { origin: 'cli' }) and, on the administrator's log, the target.
  RoleChanged: 'account.roleChanged',
  AccountLocked: 'account.locked',
  AccountUnlocked: 'account.unlocked',
  PasswordChangeRequired: 'password.changeRequired',
  TemporaryPasswordSet: 'password.temporarySet',
  TwoFactorReset: 'twofactor.reset',
  SessionsEndedByAdmin: 'sessions.endedByAdmin',
  TokensRevokedByAdmin: 'tokens.revokedByAdmin',
  AccountDeletedByAdmin: 'account.deletedByAdmin',
  AccountCreatedByAdmin: 'account.createdByAdmin',
  SignInWhileLocked: 'signin.locked',
} as const)
export type SecurityEventKind = (typeof SecurityEventKind)[keyof typeof SecurityEventKind]

export type SecurityEventDetail = Record<string, string | number | boolean | null>

/**
 * Who is acting for a whole request, beyond the session: the local API sets
 * `{ origin: 'api', tokenId }` (the id of the access token, null for the API key; never the secret)
 * around every call it makes, and every entry recorded meanwhile carries it in its detail.
 */
export type SecurityActor = { origin: 'api'; credential: 'token' | 'api-key'; tokenId: number | null }

const actors = new AsyncLocalStorage<SecurityActor>()

/** Runs `work` (sync or async) with `actor` added to every security-log entry it records. */
export function runAsSecurityActor<T>(actor: SecurityActor, work: () => T): T {
  return actors.run(actor, work)
}

export interface SecurityEventInput {
  accountId: number
  kind: string
  sessionId?: string | null
  /** The device summary; when left out, the session's own device is used. */
  device?: string
  /** Plain facts (ids, titles, counts). Never a secret. */
  detail?: SecurityEventDetail
}

/** One entry as the faces show it (times as ISO 8601, UTC). */
export interface SecurityEvent {
  id: number
  at: string
  kind: string
  sessionId: string | null
  device: string
  detail: SecurityEventDetail
}

export interface SecurityEventQuery {
  /** Only these kinds; empty or absent = all. */
  kinds?: string[]
  /** 1-based. */
  page?: number
  pageSize?: number
}

export interface SecurityEventPage {
  entries: SecurityEvent[]
  total: number
  page: number
  pageSize: number
  /** Every kind the account's log holds (for the filter), known to this version or not. */
  kinds: string[]
}

export const SecurityLogFormat = Object.freeze({ CSV: 'csv', JSON: 'json' } as const)
export type SecurityLogFormat = (typeof SecurityLogFormat)[keyof typeof SecurityLogFormat]

export const SECURITY_LOG_PAGE_SIZE = 25
export const SECURITY_LOG_MAX_PAGE_SIZE = 100
export const SECURITY_LOG_MAX_KIND_FILTER = 50

export interface AuditService {
  recordSecurityEvent(event: SecurityEventInput): void
  /** Newest first, filtered by kind, one page at a time. */
  listSecurityEvents(accountId: number, query?: SecurityEventQuery): SecurityEventPage
  /**
   * Every matching entry, newest first, as a file's text (CSV with a header row, or a JSON array).
   * The format and filter are checked at once (a refusal writes nothing); `writeTo` then reads the
   * log a page at a time and hands each page's text to `write`, the event loop running in between.
   */
  exportSecurityEvents(accountId: number, format: SecurityLogFormat, kinds?: string[]): SecurityLogExport
}

export interface SecurityLogExport {
  writeTo(write: (chunk: string) => Promise<void>): Promise<{ count: number }>
}

function parseDetail(text: string): SecurityEventDetail {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as SecurityEventDetail) : {}
  } catch {
    return {}
  }
}

export function toSecurityEvent(row: SecurityLogRow): SecurityEvent {
  return { id: row.id, at: toISO(row.at), kind: row.kind, sessionId: row.session_id, device: row.device, detail: parseDetail(row.detail) }
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces; quotes doubled. */
export function escapeCSVField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/**
 * Free text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
 * leading apostrophe, so opening the export cannot execute anything. Only for free text: ids and
 * kinds (which may begin with "-") are written as they are.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

export const SECURITY_LOG_CSV_COLUMNS = ['time', 'kind', 'session', 'device', 'detail'] as const

export function formatSecurityEventsCSV(events: readonly SecurityEvent[]): string {
  const lines = [SECURITY_LOG_CSV_COLUMNS.join(',')]
  for (const event of events) {
    lines.push([event.at, event.kind, event.sessionId ?? '', neutralizeFormula(event.device), JSON.stringify(event.detail)].map(escapeCSVField).join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}

const toExportedEvent = (event: SecurityEvent) => ({ time: event.at, kind: event.kind, session: event.sessionId, device: event.device, detail: event.detail })

export function formatSecurityEventsJSON(events: readonly SecurityEvent[]): string {
  return `${JSON.stringify(events.map(toExportedEvent), null, 2)}\n`
}

/**
 * The same text as the format* functions, written in pieces: the head, then each page of events,
 * then the tail. Joined, the pieces equal formatSecurityEventsCSV / formatSecurityEventsJSON of all events.
 */
const SECURITY_LOG_WRITERS: Record<SecurityLogFormat, { head: string; page(events: readonly SecurityEvent[], first: boolean): string; tail(count: number): string }> = {
  csv: {
    head: `${SECURITY_LOG_CSV_COLUMNS.join(',')}\r\n`,
    page: (events) => formatSecurityEventsCSV(events).slice(SECURITY_LOG_CSV_COLUMNS.join(',').length + 2),
    tail: () => '',
  },
  json: {
    head: '[',
    page: (events, first) =>
      events.map((event, i) => `${first && i === 0 ? '\n' : ',\n'}${JSON.stringify(toExportedEvent(event), null, 2).replace(/^/gm, '  ')}`).join(''),
    tail: (count) => (count === 0 ? ']\n' : '\n]\n'),
  },
}

function normalizeKinds(kinds: string[] | undefined): string[] {
  const list = [...new Set(kinds ?? [])]
  if (list.length > SECURITY_LOG_MAX_KIND_FILTER) throw validationError('kinds', 'audit.tooManyKinds', 'Too many kinds in the filter.')
  return list
}

export function createAuditService(db: DB, clock: Clock): AuditService {
  return {
    recordSecurityEvent(event) {
      let device = event.device
      if (device === undefined && event.sessionId) {
        const session = findSessionById(db, event.sessionId)
        device = session ? summarizeDevice(session) : ''
      }
      insertSecurityLogEntry(db, {
        account_id: event.accountId,
        at: clock(),
        kind: event.kind,
        session_id: event.sessionId ?? null,
        device: device ?? '',
        detail: JSON.stringify({ ...event.detail, ...actors.getStore() }),
      })
    },
    listSecurityEvents(accountId, query = {}) {
      const kinds = normalizeKinds(query.kinds)
      const pageSize = query.pageSize ?? SECURITY_LOG_PAGE_SIZE
      const page = query.page ?? 1
      if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > SECURITY_LOG_MAX_PAGE_SIZE) {
        throw validationError('pageSize', 'audit.pageSizeInvalid', `A page holds 1 to ${SECURITY_LOG_MAX_PAGE_SIZE} entries.`, { max: SECURITY_LOG_MAX_PAGE_SIZE })
      }
      if (!Number.isSafeInteger(page) || page < 1) throw validationError('page', 'audit.pageInvalid', 'Pages are numbered from 1.')
      const total = countSecurityLogRows(db, accountId, kinds)
      const rows = listSecurityLogRows(db, accountId, { kinds, limit: pageSize, offset: (page - 1) * pageSize })
      return { entries: rows.map(toSecurityEvent), total, page, pageSize, kinds: listSecurityLogKinds(db, accountId) }
    },
    exportSecurityEvents(accountId, format, kinds) {
      const filter = normalizeKinds(kinds)
      if (!Object.hasOwn(SECURITY_LOG_WRITERS, format)) throw validationError('format', 'audit.formatInvalid', 'Export as CSV or JSON.')
      const writer = SECURITY_LOG_WRITERS[format]
      return {
        async writeTo(write) {
          await write(writer.head)
          let count = 0
          let after: SecurityLogCursor | null = null
          for (;;) {
            const rows = listSecurityLogRowsAfter(db, accountId, { kinds: filter, after, limit: SLICE_ROWS })
            if (rows.length > 0) await write(writer.page(rows.map(toSecurityEvent), count === 0))
            count += rows.length
            if (rows.length < SLICE_ROWS) break
            after = { at: rows.at(-1)!.at, id: rows.at(-1)!.id }
            await yieldToEventLoop()
          }
          await write(writer.tail(count))
          return { count }
        },
      }
    },
  }
}
