import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import type { Services } from '../services/index.ts'

/**
 * How the local API checks `Authorization: Bearer <secret>`. The secret is an access
 * token or the account's API key; the verifier says whose it is and what it may do.
 * `reason` is for the security log and tests, never shown beyond "invalid credentials".
 * `introspect` credentials may only call `POST /introspect`.
 */
export type CredentialScope = 'read' | 'write' | 'introspect'

export type CredentialCheck =
  | { ok: true; accountId: number; scope: CredentialScope; account?: AccountRow; credential?: 'token' | 'api-key'; tokenId?: number | null }
  | { ok: false; reason: 'unknown' | 'malformed' | 'disabled' | 'expired' | 'deleted' | 'locked' }

export interface CredentialVerifier {
  verify(secret: string): CredentialCheck | Promise<CredentialCheck>
  /**
   * Runs `work`, which verifies requests that had all been received before it began, letting the
   * verifier check the database for changes once for all of them (the local API's requests of one
   * event-loop turn). Without it, `work` simply runs.
   */
  verifyReceivedRequests?<T>(work: () => T): T
}

const SCOPES = { 'read-only': 'read', 'read-write': 'write', introspect: 'introspect' } as const

/**
 * The verifier the app and `keystead serve` use: `services.credentials.authenticateCredential`
 * (form and checksum first, then one statement that reads the credential with its account,
 * remembered until the database changes). A deleted token or account is no longer stored, so it
 * reads as 'unknown'; the API key has read-write scope.
 */
export function createServicesCredentialVerifier(services: Services): CredentialVerifier {
  return {
    verify(secret) {
      const result = services.credentials.authenticateCredential(secret)
      if (!result.ok) return { ok: false, reason: result.reason }
      return {
        ok: true,
        accountId: result.accountId,
        scope: SCOPES[result.scope],
        account: result.account,
        credential: result.kind === 'token' ? 'token' : 'api-key',
        tokenId: result.tokenId ?? null,
      }
    },
    verifyReceivedRequests: (work) => services.credentials.authenticateReceivedRequests(work),
  }
}
