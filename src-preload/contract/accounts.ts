import type { Result } from './errors.ts'

/** The two roles. Administrators see the Accounts screen and may act on other accounts. */
export const AccountRole = Object.freeze({ Administrator: 'administrator', Member: 'member' } as const)
export type AccountRole = (typeof AccountRole)[keyof typeof AccountRole]

/** The columns the Accounts screen sorts by (each one served by its own index). */
export const ACCOUNT_SORT_COLUMNS = [
  'username',
  'fullName',
  'email',
  'role',
  'twoFactor',
  'locked',
  'lastSignIn',
  'createdAt',
  'sessions',
  'tokens',
  'sshKeys',
] as const
export type AccountSortColumn = (typeof ACCOUNT_SORT_COLUMNS)[number]

export const ACCOUNT_PAGE_MAX = 100

/** One row of the Accounts screen (never a secret). Times are ISO 8601 (UTC). */
export interface AdminAccountRow {
  id: number
  username: string
  fullName: string
  email: string | null
  role: AccountRole
  twoFactorEnabled: boolean
  lockedAt: string | null
  mustChangePassword: boolean
  lastSignInAt: string | null
  createdAt: string
  activeSessions: number
  tokens: number
  sshKeys: number
}

/** An account's profile page as an administrator sees it (read-only): the row plus the profile's own facts. */
export interface AdminAccountProfile extends AdminAccountRow {
  description: string
  language: string
  timezone: string
  /** The picture as a data: URL, or null without one. */
  pictureUrl: string | null
}

export interface ListAccountsInput {
  /** The start of the username, full name or e-mail (any case); empty = every account. */
  search?: string
  sort?: AccountSortColumn
  descending?: boolean
  /** `next` of the previous page (opaque); absent = the first page. */
  cursor?: string
  /** 1 to ACCOUNT_PAGE_MAX, default 50. */
  limit?: number
}

export interface AccountPage {
  rows: AdminAccountRow[]
  /** Give this as `cursor` for the following page; null on the last page. */
  next: string | null
}

export interface AccountTargetInput {
  accountId: number
}

export interface SetRoleInput extends AccountTargetInput {
  role: AccountRole
}

export interface SetTemporaryPasswordInput extends AccountTargetInput {
  /** A password the administrator chose; absent = Keystead makes one. */
  password?: string
}

export interface DeleteAccountByAdminInput extends AccountTargetInput {
  /** The target's username, typed to confirm. */
  confirmUsername: string
}

export interface AdminCreateAccountInput {
  username: string
  fullName?: string
  email?: string
  role?: AccountRole
  /** A temporary password the administrator chose; absent = Keystead makes one. */
  password?: string
}

/** The temporary password is in this answer and nowhere else, ever: the window shows it once. */
export interface TemporaryPasswordOutcome {
  account: AdminAccountRow
  temporaryPassword: string
}

export interface AccountsApi {
  /** Administrators only (every method here). One page, keyset-paged in the database. */
  listAccounts(input: ListAccountsInput): Promise<Result<AccountPage>>
  getAccount(input: AccountTargetInput): Promise<Result<AdminAccountRow>>
  /** The account's profile page, read-only (the Accounts screen's "View profile"). */
  getAccountProfile(input: AccountTargetInput): Promise<Result<AdminAccountProfile>>
  /** The methods below need the administrator's password confirmed in the last 10 minutes. */
  createAccount(input: AdminCreateAccountInput): Promise<Result<TemporaryPasswordOutcome>>
  setRole(input: SetRoleInput): Promise<Result<AdminAccountRow>>
  lockAccount(input: AccountTargetInput): Promise<Result<AdminAccountRow>>
  unlockAccount(input: AccountTargetInput): Promise<Result<AdminAccountRow>>
  requirePasswordChange(input: AccountTargetInput): Promise<Result<AdminAccountRow>>
  setTemporaryPassword(input: SetTemporaryPasswordInput): Promise<Result<TemporaryPasswordOutcome>>
  resetTwoFactor(input: AccountTargetInput): Promise<Result<AdminAccountRow>>
  signOutEverywhere(input: AccountTargetInput): Promise<Result<{ sessionsEnded: number }>>
  revokeAllTokens(input: AccountTargetInput): Promise<Result<{ tokensRevoked: number }>>
  deleteAccount(input: DeleteAccountByAdminInput): Promise<Result<null>>
}

export const accountsChannels = {
  listAccounts: 'keystead:accounts.listAccounts',
  getAccount: 'keystead:accounts.getAccount',
  getAccountProfile: 'keystead:accounts.getAccountProfile',
  createAccount: 'keystead:accounts.createAccount',
  setRole: 'keystead:accounts.setRole',
  lockAccount: 'keystead:accounts.lockAccount',
  unlockAccount: 'keystead:accounts.unlockAccount',
  requirePasswordChange: 'keystead:accounts.requirePasswordChange',
  setTemporaryPassword: 'keystead:accounts.setTemporaryPassword',
  resetTwoFactor: 'keystead:accounts.resetTwoFactor',
  signOutEverywhere: 'keystead:accounts.signOutEverywhere',
  revokeAllTokens: 'keystead:accounts.revokeAllTokens',
  deleteAccount: 'keystead:accounts.deleteAccount',
} as const satisfies Record<keyof AccountsApi, `keystead:${string}`>
