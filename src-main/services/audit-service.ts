import { AsyncLocalStorage } from 'node:async_hooks'
import type { DB } from '../db/database.ts'
import { findAccessTokenForAccount } from '../db/repositories/access-tokens-repo.ts'
import { findAccountById } from '../db/repositories/accounts-repo.ts'
import {
  findSecurityLogRowById,
  insertSecurityLogEntry,
  listSecurityLogActivityByHour,
  listSecurityLogKinds,
  listSecurityLogRowsAfter,
  stepSecurityLogRows,
} from '../db/repositories/security-log-repo.ts'
import type { SecurityLogCursor, SecurityLogRow } from '../db/repositories/security-log-repo.ts'
import { findSSHKeyById } from '../db/repositories/ssh-keys-repo.ts'
import { findSessionById } from '../db/repositories/sessions-repo.ts'
import type { SecurityEventKindGroup, SecurityEventLink } from './audit/event-text.ts'
import { describeSecurityEvent, listSecurityEventKindGroups } from './audit/event-text.ts'
import { verifySecurityLogChain, verifySecurityLogChainInSlices } from './audit/log-chain.ts'
import type { SecurityLogVerification } from './audit/log-chain.ts'
import type { SecurityEventGroup } from './audit/event-groups.ts'
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
  // The store was restored from a backup; detail: { origin: 'cli' | 'app', backupCreatedAt, appVersion }.
  BackupRestored: 'backup.restored',
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

/** One entry as stored (times as ISO 8601, UTC). */
export interface SecurityEvent {
  id: number
  at: string
  kind: string
  sessionId: string | null
  device: string
  detail: SecurityEventDetail
}

/** One entry as a person reads it, in the account's language and zone (beside the stored facts). */
export interface DescribedSecurityEvent extends SecurityEvent {
  /** The kind's name. */
  name: string
  group: SecurityEventGroup | null
  /** What happened and who did it, in one sentence. */
  sentence: string
  actor: string
  /** The device summary in the account's language. */
  deviceText: string
  /** The screen of what the entry names, while it still exists. */
  link: SecurityEventLink | null
}

/** Who reads the log: their session's entries are "this window". */
export interface SecurityLogViewer {
  sessionId?: string | null
}

export interface SecurityEventQuery {
  /** Only these kinds; empty or absent = all. */
  kinds?: string[]
  /**
   * 1-based. With `cursor`, only the number the page is given back with; without, the entries before
   * it are stepped over in slices (a deep page costs more, never in one piece).
   */
  page?: number
  pageSize?: number
  /** The `nextCursor` of the page before (keyset paging: every page costs the same, however deep). */
  cursor?: string
}

export interface SecurityEventPage {
  entries: DescribedSecurityEvent[]
  total: number
  page: number
  pageSize: number
  /** Pass as `cursor` for the page after this one; null when this is the last. */
  nextCursor: string | null
  /** Every kind the account's log holds (for the filter), known to this version or not. */
  kinds: string[]
  /** Every kind this version knows, by name, grouped (for the filter). */
  kindGroups: SecurityEventKindGroup[]
}

/** Sign-ins, failed sign-ins and failed second factors on one day of the account's zone. */
export interface SecurityActivityDay {
  /** YYYY-MM-DD in the account's zone. */
  date: string
  signIns: number
  failedSignIns: number
  failedSecondFactors: number
}

export const SECURITY_ACTIVITY_DAYS = 30

export const SecurityLogFormat = Object.freeze({ CSV: 'csv', JSON: 'json' } as const)
export type SecurityLogFormat = (typeof SecurityLogFormat)[keyof typeof SecurityLogFormat]

export const SECURITY_LOG_PAGE_SIZE = 25
export const SECURITY_LOG_MAX_PAGE_SIZE = 100
export const SECURITY_LOG_MAX_KIND_FILTER = 50

export interface AuditService {
  recordSecurityEvent(event: SecurityEventInput): void
  /**
   * Newest first, filtered by kind, one page at a time, each entry in words. The total is counted in
   * slices of COUNT_SLICE_ROWS index entries with the event loop free between them.
   */
  listSecurityEvents(accountId: number, query?: SecurityEventQuery, viewer?: SecurityLogViewer): Promise<SecurityEventPage>
  /**
   * Every matching entry, newest first, as a file's text (CSV with a header row, or a JSON array),
   * each with its name and sentence beside the machine-readable kind and details.
   * The format and filter are checked at once (a refusal writes nothing); `writeTo` then reads the
   * log a page at a time and hands each page's text to `write`, the event loop running in between.
   */
  exportSecurityEvents(accountId: number, format: SecurityLogFormat, kinds?: string[], viewer?: SecurityLogViewer): SecurityLogExport
  /** Checks the account's hash chain and its authenticated head in one go (command line). */
  verifySecurityLog(accountId: number): SecurityLogVerification
  /** The same, in slices with the event loop free between them (the app). */
  verifySecurityLogInSlices(accountId: number): Promise<SecurityLogVerification>
  /** Stored rows in words, as the screen and the exports show them (the account's language and zone). */
  describeSecurityEvents(accountId: number, rows: SecurityLogRow[], viewer?: SecurityLogViewer): DescribedSecurityEvent[]
  /** The first broken entry still in the log (its time and name), to name it on the screen. */
  describeFirstBrokenEntry(accountId: number, verification: SecurityLogVerification): { at: string; name: string } | null
  /** The last SECURITY_ACTIVITY_DAYS days (today last) in the account's zone. */
  summarizeSecurityActivity(accountId: number): SecurityActivityDay[]
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

export function toSecurityEvent(row: Pick<SecurityLogRow, 'id' | 'at' | 'kind' | 'session_id' | 'device' | 'detail'>): SecurityEvent {
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

/** The machine columns first (as they shipped), then the entry in words (added: name and sentence). */
export const SECURITY_LOG_CSV_COLUMNS = ['time', 'kind', 'session', 'device', 'detail', 'event', 'sentence'] as const

export function formatSecurityEventsCSV(events: readonly DescribedSecurityEvent[]): string {
  const lines = [SECURITY_LOG_CSV_COLUMNS.join(',')]
  for (const event of events) {
    lines.push(
      [event.at, event.kind, event.sessionId ?? '', neutralizeFormula(event.device), JSON.stringify(event.detail), neutralizeFormula(event.name), neutralizeFormula(event.sentence)]
        .map(escapeCSVField)
        .join(','),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

/** The machine fields as they shipped, then the entry in words (added: `event`, `sentence`). */
const toExportedEvent = (event: DescribedSecurityEvent) => ({
  time: event.at,
  kind: event.kind,
  session: event.sessionId,
  device: event.device,
  detail: event.detail,
  event: event.name,
  sentence: event.sentence,
})

export function formatSecurityEventsJSON(events: readonly DescribedSecurityEvent[]): string {
  return `${JSON.stringify(events.map(toExportedEvent), null, 2)}\n`
}

/**
 * The same text as the format* functions, written in pieces: the head, then each page of events,
 * then the tail. Joined, the pieces equal formatSecurityEventsCSV / formatSecurityEventsJSON of all events.
 */
const SECURITY_LOG_WRITERS: Record<SecurityLogFormat, { head: string; page(events: readonly DescribedSecurityEvent[], first: boolean): string; tail(count: number): string }> = {
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

/** Index entries one step of counting or skipping reads (about a millisecond), the event loop running between steps. */
export const COUNT_SLICE_ROWS = 5000

function encodeLogCursor(cursor: SecurityLogCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url')
}

function decodeLogCursor(text: string): SecurityLogCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && Number.isSafeInteger(parsed[1])) return { at: parsed[0] as number, id: parsed[1] as number }
  } catch {
    // Falls through to the refusal.
  }
  throw validationError('cursor', 'audit.cursorInvalid', 'This page no longer matches the log. Start again from the first page.')
}

/**
 * Steps `count` entries down the log from `after` (newest first) in slices, yielding between them.
 * Returns where it landed, or how many of `count` were missing when the log ended first.
 */
export async function stepDownInSlices(db: DB, accountId: number, kinds: string[], after: SecurityLogCursor | null, count: number): Promise<{ cursor: SecurityLogCursor | null; missing: number }> {
  let cursor = after
  let left = count
  while (left > 0) {
    const step = stepSecurityLogRows(db, accountId, { kinds, after: cursor, skip: Math.min(left, COUNT_SLICE_ROWS) })
    if ('remaining' in step) return { cursor, missing: left - step.remaining }
    cursor = step.cursor
    left -= Math.min(left, COUNT_SLICE_ROWS)
    if (left > 0) await yieldToEventLoop()
  }
  return { cursor, missing: 0 }
}

/** How many entries match, counted in slices (per kind on its own index when filtered). */
async function countInSlices(db: DB, accountId: number, kinds: string[]): Promise<number> {
  let total = 0
  for (const group of kinds.length > 0 ? kinds.map((kind) => [kind]) : [[]]) {
    let cursor: SecurityLogCursor | null = null
    for (;;) {
      const step = stepSecurityLogRows(db, accountId, { kinds: group, after: cursor, skip: COUNT_SLICE_ROWS })
      if ('remaining' in step) {
        total += step.remaining
        break
      }
      total += COUNT_SLICE_ROWS
      cursor = step.cursor
      await yieldToEventLoop()
    }
  }
  return total
}

function normalizeKinds(kinds: string[] | undefined): string[] {
  const list = [...new Set(kinds ?? [])]
  if (list.length > SECURITY_LOG_MAX_KIND_FILTER) throw validationError('kinds', 'audit.tooManyKinds', 'Too many kinds in the filter.')
  return list
}

const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS

/** YYYY-MM-DD of an instant in a zone. */
function localDate(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}

export function createAuditService(db: DB, clock: Clock, macKey: Buffer): AuditService {
  function linkExists(accountId: number, link: SecurityEventLink): boolean {
    if (link.screen === 'tokens') return findAccessTokenForAccount(db, accountId, Number(link.id)) !== undefined
    if (link.screen === 'ssh-keys') return findSSHKeyById(db, accountId, Number(link.id)) !== undefined
    return findSessionById(db, link.id)?.account_id === accountId
  }

  /** The entries in words: the account's language and zone, sessions looked up once per page. */
  function describeRows(accountId: number, rows: SecurityLogRow[], viewer: SecurityLogViewer): DescribedSecurityEvent[] {
    const account = findAccountById(db, accountId)
    const language = account?.language ?? 'en'
    const timeZone = account?.timezone || 'UTC'
    const sessions = new Map<string, { id: string; origin: string; device: string } | undefined>()
    return rows.map((row) => {
      const event = toSecurityEvent(row)
      if (event.sessionId && !sessions.has(event.sessionId)) {
        const session = findSessionById(db, event.sessionId)
        sessions.set(event.sessionId, session && session.account_id === accountId ? { id: session.id, origin: session.origin, device: summarizeDevice(session) } : undefined)
      }
      const described = describeSecurityEvent(event, {
        language,
        timeZone,
        actor: {
          session: event.sessionId ? sessions.get(event.sessionId) : undefined,
          viewerSessionId: viewer.sessionId ?? null,
          // The local API records the token's id (never its secret): name it while it exists.
          tokenTitle: typeof event.detail.tokenId === 'number' && event.detail.origin === 'api' ? (findAccessTokenForAccount(db, accountId, event.detail.tokenId)?.title ?? null) : null,
        },
        exists: (link) => linkExists(accountId, link),
      })
      return { ...event, name: described.name, group: described.group, sentence: described.sentence, actor: described.actor, deviceText: described.device, link: described.link }
    })
  }

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
      }, macKey)
    },
    async listSecurityEvents(accountId, query = {}, viewer = {}) {
      const kinds = normalizeKinds(query.kinds)
      const pageSize = query.pageSize ?? SECURITY_LOG_PAGE_SIZE
      const page = query.page ?? 1
      if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > SECURITY_LOG_MAX_PAGE_SIZE) {
        throw validationError('pageSize', 'audit.pageSizeInvalid', `A page holds 1 to ${SECURITY_LOG_MAX_PAGE_SIZE} entries.`, { max: SECURITY_LOG_MAX_PAGE_SIZE })
      }
      if (!Number.isSafeInteger(page) || page < 1) throw validationError('page', 'audit.pageInvalid', 'Pages are numbered from 1.')
      // Keyset paging from the page before; without a cursor, the entries of the pages before are stepped over in slices.
      const start = query.cursor ? { cursor: decodeLogCursor(query.cursor), missing: 0 } : await stepDownInSlices(db, accountId, kinds, null, (page - 1) * pageSize)
      // One more than the page: whether a next page exists, without counting.
      const read = start.missing > 0 ? [] : listSecurityLogRowsAfter(db, accountId, { kinds, after: start.cursor, limit: pageSize + 1 })
      const rows = read.slice(0, pageSize)
      const total = await countInSlices(db, accountId, kinds)
      const last = rows.at(-1)
      const isLast = read.length <= pageSize
      const language = findAccountById(db, accountId)?.language ?? 'en'
      return {
        entries: describeRows(accountId, rows, viewer),
        total,
        page,
        pageSize,
        nextCursor: !isLast && last ? encodeLogCursor({ at: last.at, id: last.id }) : null,
        kinds: listSecurityLogKinds(db, accountId),
        kindGroups: listSecurityEventKindGroups(language),
      }
    },
    exportSecurityEvents(accountId, format, kinds, viewer = {}) {
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
            if (rows.length > 0) await write(writer.page(describeRows(accountId, rows, viewer), count === 0))
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
    describeSecurityEvents: (accountId, rows, viewer = {}) => describeRows(accountId, rows, viewer),
    verifySecurityLog: (accountId) => verifySecurityLogChain(db, macKey, accountId),
    verifySecurityLogInSlices: (accountId) => verifySecurityLogChainInSlices(db, macKey, accountId),
    describeFirstBrokenEntry(accountId, verification) {
      const first = verification.breaks[0]
      if (!first || !('entryId' in first)) return null
      const row = findSecurityLogRowById(db, accountId, first.entryId)
      if (!row) return null
      const [described] = describeRows(accountId, [row], {})
      return described ? { at: described.at, name: described.name } : null
    },
    summarizeSecurityActivity(accountId) {
      const timeZone = findAccountById(db, accountId)?.timezone || 'UTC'
      const now = clock()
      const days: SecurityActivityDay[] = []
      const byDate = new Map<string, SecurityActivityDay>()
      // Calendar days back from today's local date (date arithmetic in UTC: no DST in the way).
      const today = Date.parse(`${localDate(now, timeZone)}T00:00:00Z`)
      for (let i = SECURITY_ACTIVITY_DAYS - 1; i >= 0; i--) {
        const day = { date: new Date(today - i * DAY_MS).toISOString().slice(0, 10), signIns: 0, failedSignIns: 0, failedSecondFactors: 0 }
        byDate.set(day.date, day)
        days.push(day)
      }
      const kinds = [SecurityEventKind.SignIn, SecurityEventKind.SignInFailed, SecurityEventKind.SecondFactorFailed]
      // Counted per hour in SQL (bounded: 31 days x 24 hours x 3 kinds), then per local day here.
      for (const bucket of listSecurityLogActivityByHour(db, accountId, kinds, now - (SECURITY_ACTIVITY_DAYS + 1) * DAY_MS)) {
        const day = byDate.get(localDate(bucket.hour * HOUR_MS, timeZone))
        if (!day) continue
        if (bucket.kind === SecurityEventKind.SignIn) day.signIns += bucket.n
        else if (bucket.kind === SecurityEventKind.SignInFailed) day.failedSignIns += bucket.n
        else day.failedSecondFactors += bucket.n
      }
      return days
    },
  }
}
