/** Plain JSON shapes that cross the IPC boundary. Dates are ISO 8601 strings (UTC). */

export interface AccountSummary {
  id: number
  username: string
  fullName: string
}

export interface CurrentAccount extends AccountSummary {
  email: string | null
  description: string
  language: string
  timezone: string
  createdAt: string
  sessionId: string
  /** 'administrator' or 'member' (AccountRole). */
  role: 'administrator' | 'member'
  /** True: the window shows the change-password screen and nothing else until the password is changed. */
  mustChangePassword: boolean
}

export const AppState = Object.freeze({
  Ready: 'ready',
  Error: 'error',
} as const)
export type AppState = (typeof AppState)[keyof typeof AppState]

export type AppStatus =
  | { state: 'ready'; version: string }
  | { state: 'error'; code: 'DB_TOO_NEW' | 'DB_CORRUPT' | 'DB_OPEN_FAILED'; message: string; path: string }
