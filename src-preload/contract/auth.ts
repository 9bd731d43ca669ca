import type { Result } from './errors.ts'
import type { AccountRole } from './accounts.ts'
import type { AccountSummary, AppStatus, CurrentAccount } from './models.ts'
import type { Theme } from './settings.ts'

export interface CreateAccountInput {
  username: string
  password: string
  fullName?: string
  email?: string
  /** The password typed again (the app's form); main refuses it when it differs, with the other fields' errors. */
  confirmPassword?: string
}

export interface SignInInput {
  username: string
  password: string
  keepSignedIn?: boolean
}

export interface ReauthenticateInput {
  password: string
}

/** The second sign-in step: a code from the authenticator app, or a recovery code. */
export type CompleteSignInInput = { code: string } | { recoveryCode: string }

export type SignInOutcome =
  /** `recoveryCodesLeft` is set when a recovery code was used. */
  | { status: 'signed-in'; account: CurrentAccount; recoveryCodesLeft?: number }
  | { status: 'second-factor-required' }

/** What the sign-in form may offer on this computer. */
export interface SignInOptions {
  keepSignedIn: { available: true } | { available: false; reason: 'noKeyring' }
}

/**
 * What the sign-in screen needs to know about the local accounts, never the list itself: main reads
 * at most two rows, so the answer costs the same with one account or 100,000.
 */
export type SignInHints =
  | { accounts: 'none' }
  /** Exactly one account: its username pre-fills the form, and its role is shown beside it. */
  | { accounts: 'one'; username: string; role: AccountRole }
  | { accounts: 'several' }

/**
 * Everything the first window needs before its first screen, in one round trip: the status, the
 * language of the last signed-in account, the theme, the account this window is signed in to (a
 * kept session), the sign-in hints and options. When the account store is not ready, only the status.
 */
export type StartupState =
  | {
      status: Extract<AppStatus, { state: 'ready' }>
      startupLanguage: string
      theme: Theme
      account: CurrentAccount | null
      signInHints: SignInHints
      signInOptions: SignInOptions
    }
  | { status: Extract<AppStatus, { state: 'error' }> }

export interface AppApi {
  getStatus(): Promise<Result<AppStatus>>
  /** The first window's data in one call (see StartupState). */
  getStartupState(): Promise<Result<StartupState>>
}

export interface AuthApi {
  /** Every account; the sign-in screen uses getSignInHints instead, which does not grow with the accounts. */
  listAccounts(): Promise<Result<AccountSummary[]>>
  /** Whether there are no accounts, one (with its username) or several. */
  getSignInHints(): Promise<Result<SignInHints>>
  createAccount(input: CreateAccountInput): Promise<Result<CurrentAccount>>
  signIn(input: SignInInput): Promise<Result<SignInOutcome>>
  /** After 'second-factor-required': the code. The half-signed-in state stays in main, per window, for 5 minutes. */
  completeSignIn(input: CompleteSignInInput): Promise<Result<SignInOutcome>>
  signOut(): Promise<Result<null>>
  getCurrentAccount(): Promise<Result<CurrentAccount | null>>
  /** Confirms the password again for sensitive actions (valid for 10 minutes). */
  reauthenticate(input: ReauthenticateInput): Promise<Result<null>>
  /** Whether "Keep me signed in" can be offered (it needs an OS keyring), and why not. */
  getSignInOptions(): Promise<Result<SignInOptions>>
}

export const appChannels = {
  getStatus: 'keystead:app.getStatus',
  getStartupState: 'keystead:app.getStartupState',
} as const satisfies Record<keyof AppApi, `keystead:${string}`>

export const authChannels = {
  listAccounts: 'keystead:auth.listAccounts',
  getSignInHints: 'keystead:auth.getSignInHints',
  createAccount: 'keystead:auth.createAccount',
  signIn: 'keystead:auth.signIn',
  completeSignIn: 'keystead:auth.completeSignIn',
  signOut: 'keystead:auth.signOut',
  getCurrentAccount: 'keystead:auth.getCurrentAccount',
  reauthenticate: 'keystead:auth.reauthenticate',
  getSignInOptions: 'keystead:auth.getSignInOptions',
} as const satisfies Record<keyof AuthApi, `keystead:${string}`>
