import type { Result } from './errors.ts'
import type { AccountSummary, AppStatus, CurrentAccount } from './models.ts'

export interface CreateAccountInput {
  username: string
  password: string
  fullName?: string
  email?: string
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

export interface AppApi {
  getStatus(): Promise<Result<AppStatus>>
}

export interface AuthApi {
  listAccounts(): Promise<Result<AccountSummary[]>>
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
} as const satisfies Record<keyof AppApi, `keystead:${string}`>

export const authChannels = {
  listAccounts: 'keystead:auth.listAccounts',
  createAccount: 'keystead:auth.createAccount',
  signIn: 'keystead:auth.signIn',
  completeSignIn: 'keystead:auth.completeSignIn',
  signOut: 'keystead:auth.signOut',
  getCurrentAccount: 'keystead:auth.getCurrentAccount',
  reauthenticate: 'keystead:auth.reauthenticate',
  getSignInOptions: 'keystead:auth.getSignInOptions',
} as const satisfies Record<keyof AuthApi, `keystead:${string}`>
