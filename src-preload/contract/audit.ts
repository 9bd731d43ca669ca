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
}

export interface SecurityLogQuery {
  /** Only these kinds; empty or absent = all. */
  kinds?: string[]
  /** 1-based. */
  page?: number
  /** 1 to 100; 25 when absent. */
  pageSize?: number
}

export interface SecurityLogPage {
  /** Newest first. */
  entries: SecurityLogEntry[]
  total: number
  page: number
  pageSize: number
  /** Every kind the account's log holds. */
  kinds: string[]
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
}

export const auditChannels = {
  listEvents: 'keystead:audit.listEvents',
  exportEvents: 'keystead:audit.exportEvents',
} as const satisfies Record<keyof AuditApi, `keystead:${string}`>
