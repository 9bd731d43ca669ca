import type { ApiKeySummary } from '../../src-preload/contract/tokens.ts'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { findApiKeyByAccount, upsertApiKey } from '../db/repositories/api-keys-repo.ts'
import type { ApiKeyRow } from '../db/repositories/api-keys-repo.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { CredentialKind, generateCredential, hashCredential, maskApiKey, toLastFour } from './credential-format.ts'
import type { SecretBox } from './secret-box.ts'

export function toApiKeySummary(row: ApiKeyRow): ApiKeySummary {
  return {
    maskedKey: maskApiKey(row.last_four),
    createdAt: toISO(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : toISO(row.last_used_at),
  }
}

/**
 * The personal API key: one per account, made with the account (and, for accounts older than
 * this feature, on first use). Stored as a SHA-256 for verification plus a copy sealed by the
 * secret box, so it can be copied again; never in clear.
 */
export interface ApiKeyService {
  /** Gives the account a new API key; call inside the account-creation transaction. */
  createApiKey(accountId: number): void
  getApiKeySummary(accountId: number): ApiKeySummary
  /** The full key, for the main process to put on the clipboard. Never send it to a window. */
  revealApiKey(accountId: number): string
  /** Replaces the key at once (the old one fails from now on) and returns the new one, to show once. */
  regenerateApiKey(accountId: number, context?: { sessionId?: string | null }): { apiKey: string; summary: ApiKeySummary }
}

export function createApiKeyService(deps: { db: DB; clock: Clock; secretBox: SecretBox; audit: AuditService }): ApiKeyService {
  const { db, clock, secretBox, audit } = deps

  function storeNewKey(accountId: number): string {
    const apiKey = generateCredential(CredentialKind.ApiKey)
    upsertApiKey(db, {
      account_id: accountId,
      key_hash: hashCredential(apiKey),
      sealed_key: secretBox.seal(apiKey),
      last_four: toLastFour(apiKey),
      created_at: clock(),
    })
    return apiKey
  }

  /** Accounts created before this feature get their key here, lazily. */
  function ensureApiKey(accountId: number): ApiKeyRow {
    const existing = findApiKeyByAccount(db, accountId)
    if (existing) return existing
    storeNewKey(accountId)
    return findApiKeyByAccount(db, accountId)!
  }

  return {
    createApiKey(accountId) {
      storeNewKey(accountId)
    },
    getApiKeySummary: (accountId) => toApiKeySummary(ensureApiKey(accountId)),
    revealApiKey: (accountId) => secretBox.open(ensureApiKey(accountId).sealed_key),
    regenerateApiKey(accountId, context = {}) {
      return writeTransaction(db, () => {
        const apiKey = storeNewKey(accountId)
        audit.recordSecurityEvent({ accountId, kind: SecurityEventKind.ApiKeyRegenerated, sessionId: context.sessionId ?? null })
        return { apiKey, summary: toApiKeySummary(findApiKeyByAccount(db, accountId)!) }
      })
    },
  }
}
