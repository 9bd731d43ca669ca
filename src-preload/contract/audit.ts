import type { Result } from './errors.ts'

/** One security-log entry. `kind` may be one this version has no name for: show it as it is. */
export interface SecurityLogEntry {
  id: number
  /** ISO 8601 (UTC). */
  at: string
  kind: string
  sessionId: string | null
  /** A short summary of the device: browser, operating system, CPU architecture. */
  device: string
  /** Plain facts about the event (ids, counts, names). Never a secret. */
  detail: Record<string, string | number | boolean | null>
  /** The kind's name in the account's language (the kind itself when this version does not know it). */
  name: string
  /** The kind's group in the filter; null for a kind this version does not know. */
  group: SecurityLogKindGroupName | null
  /** What happened and who did it, in the account's language, times in the account's zone. */
  sentence: string
  /** Who did it ("in this window", "from the command line", ...). */
  actor: string
  /** `device` in the account's language. */
  deviceText: string
  /** The screen of what the entry names (a token, an SSH key, a session) while it still exists. */
  link: { screen: 'tokens' | 'ssh-keys' | 'sessions'; id: string } | null
}

export type SecurityLogKindGroupName = 'signIns' | 'passwordTwoFactor' | 'tokensApiKey' | 'sshKeys' | 'sessions' | 'profile' | 'administration'

/** The filter's choices: every kind this version knows, by name, in its group. */
export interface SecurityLogKindGroup {
  group: SecurityLogKindGroupName
  name: string
  kinds: Array<{ kind: string; name: string }>
}

export interface SecurityLogQuery {
  /** Only these kinds; empty or absent = all. */
  kinds?: string[]
  /** 1-based (with `cursor`, only the number the page is shown with). */
  page?: number
  /** 1 to 100; 25 when absent. */
  pageSize?: number
  /** The `nextCursor` of the page before: keyset paging, every page costs the same however deep. */
  cursor?: string
}

export interface SecurityLogPage {
  /** Newest first. */
  entries: SecurityLogEntry[]
  total: number
  page: number
  pageSize: number
  /** Pass as `cursor` (with `page` + 1) for the next page; null on the last page. */
  nextCursor: string | null
  /** Every kind the account's log holds. */
  kinds: string[]
  kindGroups: SecurityLogKindGroup[]
}

/** One break in the log's hash chain, by position (1 = the account's first entry). */
export type SecurityLogChainBreak =
  | { type: 'changed'; position: number; count: number; entryId: number }
  | { type: 'missing'; position: number; to: number }
  | { type: 'truncated'; position: number; to: number }
  | { type: 'head'; position: number; problem: 'mac' | 'missing' | 'unsealed' | 'hash' }
  | { type: 'extra'; position: number; count: number; entryId: number }
  | { type: 'unchained'; position: number; count: number }

export interface SecurityLogVerification {
  isIntact: boolean
  count: number
  headPosition: number
  breaks: SecurityLogChainBreak[]
  /** The first broken entry, when it is still there: its time (ISO 8601) and name. */
  firstBroken: { at: string; name: string } | null
}

/** Sign-ins, failed sign-ins and failed second factors on one day (YYYY-MM-DD in the account's zone). */
export interface SecurityActivityDay {
  date: string
  signIns: number
  failedSignIns: number
  failedSecondFactors: number
}

export type SecurityLogExportFormat = 'csv' | 'json'

export interface ExportSecurityLogInput {
  format: SecurityLogExportFormat
  kinds?: string[]
}

export type ExportSecurityLogOutcome = { status: 'saved'; path: string; count: number } | { status: 'cancelled' }

export interface AuditApi {
  listEvents(input: SecurityLogQuery): Promise<Result<SecurityLogPage>>
  /** Asks where to save (the system's save dialog) and writes the matching entries as CSV or JSON. */
  exportEvents(input: ExportSecurityLogInput): Promise<Result<ExportSecurityLogOutcome>>
  /** Checks the log's hash chain and its authenticated head (in slices: the app stays responsive). */
  verifyLog(): Promise<Result<SecurityLogVerification>>
  /** The last 30 days, oldest first, in the account's zone. */
  getActivity(): Promise<Result<SecurityActivityDay[]>>
}

export const auditChannels = {
  listEvents: 'keystead:audit.listEvents',
  exportEvents: 'keystead:audit.exportEvents',
  verifyLog: 'keystead:audit.verifyLog',
  getActivity: 'keystead:audit.getActivity',
} as const satisfies Record<keyof AuditApi, `keystead:${string}`>
