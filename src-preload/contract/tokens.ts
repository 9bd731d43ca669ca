import type { Result } from './errors.ts'

/**
 * What a credential may do through the local REST API and the command line. `introspect`: only
 * `POST /api/v2/introspect` (checking other tokens for a local service); only an administrator's.
 */
export type TokenScope = 'read-only' | 'read-write' | 'introspect'

/** Days offered for a new token's lifetime. */
export type TokenExpiryDays = 7 | 30 | 90 | 365

/** When a new token expires: never, after N days, or at the end of a chosen day (YYYY-MM-DD, account's time zone). */
export type TokenExpiry = { kind: 'never' } | { kind: 'days'; days: TokenExpiryDays } | { kind: 'date'; date: string }

/** The personal API key as the screen shows it: obfuscated, never the key itself. */
export interface ApiKeySummary {
  /** The prefix, dots and the last four characters, e.g. `ksk_••••••••••••••••7Qa2`. */
  maskedKey: string
  createdAt: string
  lastUsedAt: string | null
}

export interface AccessTokenSummary {
  id: number
  title: string
  /** The prefix and the first characters only (`kst_Ab3dE9xQ`); the full token is never stored. */
  displayPrefix: string
  scope: TokenScope
  isEnabled: boolean
  isExpired: boolean
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
}

export interface CreateTokenInput {
  title: string
  isEnabled: boolean
  scope: TokenScope
  expiry: TokenExpiry
}

/** The only moment the full token exists outside the caller's hands: shown once, never again. */
export interface CreatedToken {
  token: string
  summary: AccessTokenSummary
}

/** The new API key, shown once right after "Generate new API key" (it can be copied again later). */
export interface RegeneratedApiKey {
  apiKey: string
  summary: ApiKeySummary
}

export interface CopyOutcome {
  /** Keystead clears the clipboard after this many seconds if it still holds what was copied. */
  clearAfterSeconds: number
}

export interface TokensApi {
  getApiKey(): Promise<Result<ApiKeySummary>>
  /** Copies the full API key to the clipboard in the main process; the window never receives it. */
  copyApiKey(): Promise<Result<CopyOutcome>>
  /** Replaces the API key at once (needs a recent password confirmation); the old key stops working. */
  regenerateApiKey(): Promise<Result<RegeneratedApiKey>>
  listTokens(): Promise<Result<AccessTokenSummary[]>>
  createToken(input: CreateTokenInput): Promise<Result<CreatedToken>>
  setTokenEnabled(input: { id: number; isEnabled: boolean }): Promise<Result<AccessTokenSummary>>
  deleteToken(input: { id: number }): Promise<Result<null>>
  /** Copies a token just shown once (it must be well formed) to the clipboard. */
  copyNewToken(input: { token: string }): Promise<Result<CopyOutcome>>
}

export const tokensChannels = {
  getApiKey: 'keystead:tokens.getApiKey',
  copyApiKey: 'keystead:tokens.copyApiKey',
  regenerateApiKey: 'keystead:tokens.regenerateApiKey',
  listTokens: 'keystead:tokens.listTokens',
  createToken: 'keystead:tokens.createToken',
  setTokenEnabled: 'keystead:tokens.setTokenEnabled',
  deleteToken: 'keystead:tokens.deleteToken',
  copyNewToken: 'keystead:tokens.copyNewToken',
} as const satisfies Record<keyof TokensApi, `keystead:${string}`>
