import type { Result } from './errors.ts'

/** Where a session started: this app, the `keystead` command line, or the local REST API. */
export type SessionOriginName = 'app' | 'cli' | 'api'

/** The device a session runs on, as collected in the main process ("Unknown" where the OS does not say). */
export interface DeviceDetails {
  browser: string
  os: string
  model: string
  ip: string
  engine: string
  arch: string
}

/** A session as the Sessions screen shows it. Never the token: only its id and details. Dates are ISO 8601. */
export interface SessionSummary extends DeviceDetails {
  id: string
  origin: SessionOriginName
  /** The session of the window asking. */
  isCurrent: boolean
  keepSignedIn: boolean
  createdAt: string
  /** "Last modified": the last activity, written at most once a minute. */
  lastUsedAt: string
  lastAuthAt: string
  /** When the session ends if nothing happens: the earlier of the idle and the total limit. */
  expiresAt: string
}

/** How long sessions live. Minutes, so that a settings form can show them as they are. */
export interface SessionLifetimesView {
  idleTimeoutMinutes: number
  absoluteTimeoutMinutes: number
  /** The allowed range for each. */
  minMinutes: number
  maxMinutes: number
}

export interface SessionListView {
  current: SessionSummary
  /** One page of the account's other live sessions, newest first. */
  others: SessionSummary[]
  lifetimes: SessionLifetimesView
  /** How many other sessions the account has in all (ended expired ones leave as pages list them). */
  othersTotal: number
  /** Pass as `cursor` for the next page; null when this page is the last. */
  nextCursor: string | null
}

/** Which page of other sessions: the first (no cursor) or the one after a page's `nextCursor`. */
export interface SessionListQuery {
  cursor?: string
  /** 1 to 200 other sessions; 50 when absent. */
  limit?: number
}

export interface CloseSessionInput {
  sessionId: string
}

export interface SetSessionLifetimesInput {
  idleTimeoutMinutes: number
  absoluteTimeoutMinutes: number
}

export interface SessionsApi {
  /** The caller's session and a page of the account's other sessions (the first page when called without a query). */
  list(query?: SessionListQuery | null): Promise<Result<SessionListView>>
  /** Closes another session of the same account (NOT_FOUND for anything else). */
  close(input: CloseSessionInput): Promise<Result<null>>
  /** Signs out every other session of the account; returns how many ended. */
  closeOthers(): Promise<Result<{ closed: number }>>
  /** The lifetimes in force (for the Settings screen). */
  getLifetimes(): Promise<Result<SessionLifetimesView>>
  /** Changes the lifetimes for all sessions; a sensitive action (REAUTH_REQUIRED). */
  setLifetimes(input: SetSessionLifetimesInput): Promise<Result<SessionLifetimesView>>
}

export const sessionsChannels = {
  list: 'keystead:sessions.list',
  close: 'keystead:sessions.close',
  closeOthers: 'keystead:sessions.closeOthers',
  getLifetimes: 'keystead:sessions.getLifetimes',
  setLifetimes: 'keystead:sessions.setLifetimes',
} as const satisfies Record<keyof SessionsApi, `keystead:${string}`>
