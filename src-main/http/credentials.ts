import type { Services } from '../services/index.ts'

/**
 * How the local API checks `Authorization: Bearer <secret>`. The secret is an access
 * token or the account's API key; the verifier says whose it is and what it may do.
 * `reason` is for the security log and tests, never shown beyond "invalid credentials".
 */
export type CredentialScope = 'read' | 'write'

export type CredentialCheck =
  | { ok: true; accountId: number; scope: CredentialScope }
  | { ok: false; reason: 'unknown' | 'malformed' | 'disabled' | 'expired' | 'deleted' }

export interface CredentialVerifier {
  verify(secret: string): CredentialCheck | Promise<CredentialCheck>
}

/**
 * The verifier the app and `keystead serve` use. Access tokens and the API key arrive
 * with the tokens feature; until its verification function is bound here, no secret
 * is accepted (every protected endpoint answers 401). This is the ONE place to bind it.
 */
export function createServicesCredentialVerifier(_services: Services): CredentialVerifier {
  return { verify: () => ({ ok: false, reason: 'unknown' }) }
}
