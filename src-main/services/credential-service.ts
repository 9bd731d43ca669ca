import type { TokenScope } from '../../src-preload/contract/tokens.ts'
import type { DB } from '../db/database.ts'
import { findAccessTokenByHash, touchAccessToken } from '../db/repositories/access-tokens-repo.ts'
import { isAccountLocked } from '../db/repositories/accounts-repo.ts'
import { findApiKeyByHash, touchApiKey } from '../db/repositories/api-keys-repo.ts'
import type { Clock } from './clock.ts'
import { CredentialKind, hashCredential, parseCredential } from './credential-format.ts'
import type { MalformedReason } from './credential-format.ts'
import { isTokenExpired } from './token-service.ts'

/** "Last used" is written at most this often per credential, so a busy client does not write on every call. */
export const LAST_USED_WRITE_INTERVAL_MS = 60 * 1000

export type CredentialVerification =
  | { ok: true; accountId: number; scope: TokenScope; kind: CredentialKind; tokenId?: number }
  | { ok: false; reason: 'malformed' | 'unknown' | 'disabled' | 'expired' | 'locked'; detail?: MalformedReason }

/**
 * The one check the local REST API and the command line use for an API key or an access token.
 * The form (prefix, length, checksum) is checked before any lookup; then one indexed lookup by SHA-256.
 */
export interface CredentialService {
  verifyCredential(secret: unknown): CredentialVerification
}

function isDue(lastUsedAt: number | null, now: number): boolean {
  return lastUsedAt === null || now - lastUsedAt >= LAST_USED_WRITE_INTERVAL_MS
}

export function createCredentialService(deps: { db: DB; clock: Clock }): CredentialService {
  const { db, clock } = deps
  return {
    verifyCredential(secret) {
      const parsed = parseCredential(secret)
      if (!parsed.ok) return { ok: false, reason: 'malformed', detail: parsed.reason }
      const hash = hashCredential(secret as string)
      const now = clock()
      if (parsed.kind === CredentialKind.ApiKey) {
        const key = findApiKeyByHash(db, hash)
        if (!key) return { ok: false, reason: 'unknown' }
        if (isAccountLocked(db, key.account_id)) return { ok: false, reason: 'locked' }
        if (isDue(key.last_used_at, now)) touchApiKey(db, key.account_id, now)
        return { ok: true, accountId: key.account_id, scope: 'read-write', kind: CredentialKind.ApiKey }
      }
      const token = findAccessTokenByHash(db, hash)
      if (!token) return { ok: false, reason: 'unknown' }
      if (token.is_enabled !== 1) return { ok: false, reason: 'disabled' }
      if (isTokenExpired(token, now)) return { ok: false, reason: 'expired' }
      // A locked account's credentials are refused while it is locked (and work again once unlocked).
      if (isAccountLocked(db, token.account_id)) return { ok: false, reason: 'locked' }
      if (isDue(token.last_used_at, now)) touchAccessToken(db, token.id, now)
      return { ok: true, accountId: token.account_id, scope: token.scope, kind: CredentialKind.Token, tokenId: token.id }
    },
  }
}
