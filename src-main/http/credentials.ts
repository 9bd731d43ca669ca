import type { Services } from '../services/index.ts'

/**
 * How the local API checks `Authorization: Bearer <secret>`. The secret is an access
 * token or the account's API key; the verifier says whose it is and what it may do.
 * `reason` is for the security log and tests, never shown beyond "invalid credentials".
 */
export type CredentialScope = 'read' | 'write'

export type CredentialCheck =
  | { ok: true; accountId: number; scope: CredentialScope; credential?: 'token' | 'api-key'; tokenId?: number | null }
  | { ok: false; reason: 'unknown' | 'malformed' | 'disabled' | 'expired' | 'deleted' | 'locked' }

export interface CredentialVerifier {
  verify(secret: string): CredentialCheck | Promise<CredentialCheck>
}

/**
 * The verifier the app and `keystead serve` use: `services.credentials.verifyCredential`
 * (form and checksum first, then one indexed lookup by SHA-256). A deleted token is no
 * longer stored, so it reads as 'unknown'; the API key has read-write scope.
 */
export function createServicesCredentialVerifier(services: Services): CredentialVerifier {
  return {
    verify(secret) {
      const result = services.credentials.verifyCredential(secret)
      if (!result.ok) return { ok: false, reason: result.reason }
      return {
        ok: true,
        accountId: result.accountId,
        scope: result.scope === 'read-write' ? 'write' : 'read',
        credential: result.kind === 'token' ? 'token' : 'api-key',
        tokenId: result.tokenId ?? null,
      }
    },
  }
}
