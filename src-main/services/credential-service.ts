import type { TokenScope } from '../../src-preload/contract/tokens.ts'
import type { DB } from '../db/database.ts'
import { readDataGeneration, runWithDataVersionReadOnce } from '../db/data-generation.ts'
import { findAccessTokenByHash, findAccessTokenWithAccountByHash, touchAccessToken } from '../db/repositories/access-tokens-repo.ts'
import type { CredentialColumns } from '../db/repositories/access-tokens-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import { isAccountLocked } from '../db/repositories/accounts-repo.ts'
import { findApiKeyByHash, findApiKeyWithAccountByHash, touchApiKey } from '../db/repositories/api-keys-repo.ts'
import type { Clock } from './clock.ts'
import { CredentialKind, hashCredential, hashCredentialToBase64, parseCredential } from './credential-format.ts'
import type { MalformedReason } from './credential-format.ts'
import { isTokenExpired } from './token-service.ts'

/** "Last used" is written at most this often per credential, so a busy client does not write on every call. */
export const LAST_USED_WRITE_INTERVAL_MS = 60 * 1000
/** Verified credentials remembered by `authenticateCredential` (forgotten at once when the database changes). */
export const CREDENTIAL_CACHE_MAX_ENTRIES = 1000

export type CredentialVerification =
  | { ok: true; accountId: number; scope: TokenScope; kind: CredentialKind; tokenId?: number }
  | { ok: false; reason: 'malformed' | 'unknown' | 'disabled' | 'expired' | 'locked'; detail?: MalformedReason }

/** A verified credential with its account's row and its dates (epoch ms), for the local API and introspection. */
export type CredentialAuthentication =
  | { ok: true; accountId: number; scope: TokenScope; kind: CredentialKind; tokenId?: number; account: AccountRow; createdAt: number; expiresAt: number | null }
  | { ok: false; reason: 'malformed' | 'unknown' | 'disabled' | 'expired' | 'locked'; detail?: MalformedReason }

/** RFC 7662's answer: exactly `{ active: false }` for anything that is not a usable credential, never why. */
export type IntrospectionResponse =
  | { active: false }
  | { active: true; username: string; sub: string; scope: TokenScope; token_type: 'Bearer'; exp?: number; iat: number; client_id: string }

/**
 * The one check the local REST API and the command line use for an API key or an access token.
 * The form (prefix, length, checksum) is checked before any lookup; then one indexed lookup by SHA-256.
 */
export interface CredentialService {
  verifyCredential(secret: unknown): CredentialVerification
  /**
   * The same decision as verifyCredential, with the account's row, for the local API's hot path: one
   * statement verifies the credential and reads the account; the result is remembered, and every call
   * first reads the database's generation (one statement), so a credential revoked, disabled or deleted
   * by any connection or process fails on the very next call, and expiry is checked against the clock
   * each time.
   */
  authenticateCredential(secret: unknown): CredentialAuthentication
  /**
   * Runs `work` (synchronous), in which authenticateCredential reads other connections' commits once
   * (at its first call) instead of on every call; this connection's own writes still count at once.
   * Only for a batch of requests that had all been received before `work` began (the local API's
   * requests of one event-loop turn): a revocation that completed before any of them was sent is seen
   * by that one read (`runWithDataVersionReadOnce` says why).
   */
  authenticateReceivedRequests<T>(work: () => T): T
  /** RFC 7662 introspection of a token or API key (a use of it: "last used" follows the same rule). */
  introspectCredential(secret: unknown): IntrospectionResponse
}

function isDue(lastUsedAt: number | null, now: number): boolean {
  return lastUsedAt === null || now - lastUsedAt >= LAST_USED_WRITE_INTERVAL_MS
}

interface CachedCredential {
  row: CredentialColumns & AccountRow
  kind: CredentialKind
  lastUsedAt: number | null
}

export function createCredentialService(deps: { db: DB; clock: Clock }): CredentialService {
  const { db, clock } = deps
  const cache = new Map<string, CachedCredential>()
  let cachedGeneration = ''

  /** The credential's row joined with its account, from the cache while the database has not changed. */
  function lookUp(kind: CredentialKind, key: string): CachedCredential | undefined {
    const generation = readDataGeneration(db)
    if (generation !== cachedGeneration) {
      cache.clear()
      cachedGeneration = generation
    }
    const hit = cache.get(key)
    if (hit) return hit
    const hash = Buffer.from(key, 'base64')
    // Read after the generation: a commit in between makes the next call's generation differ, never the reverse.
    const row = kind === CredentialKind.ApiKey ? findApiKeyWithAccountByHash(db, hash) : findAccessTokenWithAccountByHash(db, hash)
    if (!row) return undefined
    if (cache.size >= CREDENTIAL_CACHE_MAX_ENTRIES) cache.clear()
    const entry = { row, kind, lastUsedAt: row.credential_last_used_at }
    cache.set(key, entry)
    return entry
  }

  function authenticateCredential(secret: unknown): CredentialAuthentication {
    const parsed = parseCredential(secret)
    if (!parsed.ok) return { ok: false, reason: 'malformed', detail: parsed.reason }
    const entry = lookUp(parsed.kind, hashCredentialToBase64(secret as string))
    if (!entry) return { ok: false, reason: 'unknown' }
    const { row } = entry
    const now = clock()
    if (row.credential_enabled !== 1) return { ok: false, reason: 'disabled' }
    if (isTokenExpired({ expires_at: row.credential_expires_at }, now)) return { ok: false, reason: 'expired' }
    // A locked account's credentials are refused while it is locked (and work again once unlocked).
    if (row.locked_at !== null) return { ok: false, reason: 'locked' }
    if (isDue(entry.lastUsedAt, now)) {
      // A write: it changes the generation, so the next call reads the rows again (once a minute at most).
      if (entry.kind === CredentialKind.ApiKey) touchApiKey(db, row.id, now)
      else touchAccessToken(db, row.credential_id!, now)
      entry.lastUsedAt = now
    }
    return {
      ok: true,
      accountId: row.id,
      scope: row.credential_scope,
      kind: entry.kind,
      ...(row.credential_id !== null ? { tokenId: row.credential_id } : {}),
      account: row,
      createdAt: row.credential_created_at,
      expiresAt: row.credential_expires_at,
    }
  }

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
    authenticateCredential,
    authenticateReceivedRequests: (work) => runWithDataVersionReadOnce(db, work),
    introspectCredential(secret) {
      const check = authenticateCredential(secret)
      if (!check.ok) return { active: false }
      return {
        active: true,
        username: check.account.username,
        sub: String(check.accountId),
        scope: check.scope,
        token_type: 'Bearer',
        ...(check.expiresAt !== null ? { exp: Math.floor(check.expiresAt / 1000) } : {}),
        iat: Math.floor(check.createdAt / 1000),
        client_id: check.tokenId !== undefined ? `token:${check.tokenId}` : 'api-key',
      }
    },
  }
}
