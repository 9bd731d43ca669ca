import type { AccessTokenSummary, CreateTokenInput } from '../../src-preload/contract/tokens.ts'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { findAccountById } from '../db/repositories/accounts-repo.ts'
import {
  deleteAccessToken,
  findAccessTokenByHash,
  findAccessTokenByTitleKey,
  findAccessTokenForAccount,
  insertAccessToken,
  listAccessTokenRows,
  setAccessTokenEnabled,
} from '../db/repositories/access-tokens-repo.ts'
import type { AccessTokenRow } from '../db/repositories/access-tokens-repo.ts'
import { isAdministratorAccount } from './role-rules.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { CredentialKind, generateCredential, hashCredential, parseCredential, toDisplayPrefix } from './credential-format.ts'
import { checkFields, ErrorCode, KeysteadError, notFoundError } from './errors.ts'
import { resolveTokenExpiry, toTitleKey, validateTokenScope, validateTokenTitle } from './token-rules.ts'

export function isTokenExpired(row: Pick<AccessTokenRow, 'expires_at'>, now: number): boolean {
  return row.expires_at !== null && now >= row.expires_at
}

export function toAccessTokenSummary(row: AccessTokenRow, now: number): AccessTokenSummary {
  return {
    id: row.id,
    title: row.title,
    displayPrefix: row.display_prefix,
    scope: row.scope,
    isEnabled: row.is_enabled === 1,
    isExpired: isTokenExpired(row, now),
    createdAt: toISO(row.created_at),
    expiresAt: row.expires_at === null ? null : toISO(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : toISO(row.last_used_at),
  }
}

function titleTakenError(): KeysteadError {
  return new KeysteadError(ErrorCode.Conflict, 'You already have a token with this title.', { field: 'title', reason: 'tokens.titleTaken' })
}

function tokenNotFoundError(): KeysteadError {
  return notFoundError('This access token no longer exists.', 'tokens.notFound')
}

export interface TokenActor {
  /** The session that acts, for the security log. */
  sessionId?: string | null
}

/** Personal access tokens: many per account, each with a title, scope, expiry and an on/off switch. */
export interface TokenService {
  /** The account's tokens, newest first (also what `GET /users/me/tokens` returns). */
  listTokens(accountId: number): AccessTokenSummary[]
  /** Makes a token; the full token is in the result and nowhere else, ever. */
  createToken(accountId: number, request: CreateTokenInput, actor?: TokenActor): { token: string; summary: AccessTokenSummary }
  setTokenEnabled(accountId: number, tokenId: number, isEnabled: boolean, actor?: TokenActor): AccessTokenSummary
  deleteToken(accountId: number, tokenId: number, actor?: TokenActor): void
  /** Whether a well-formed token string is one of this account's tokens (no side effects). */
  isOwnToken(accountId: number, token: string): boolean
}

export function createTokenService(deps: { db: DB; clock: Clock; audit: AuditService }): TokenService {
  const { db, clock, audit } = deps

  function requireToken(accountId: number, tokenId: number): AccessTokenRow {
    const row = findAccessTokenForAccount(db, accountId, tokenId)
    if (!row) throw tokenNotFoundError()
    return row
  }

  return {
    listTokens: (accountId) => {
      const now = clock()
      return listAccessTokenRows(db, accountId).map((row) => toAccessTokenSummary(row, now))
    },
    createToken(accountId, request, actor = {}) {
      const account = findAccountById(db, accountId)
      if (!account) throw notFoundError('This account no longer exists.', 'account.notFound')
      const now = clock()
      // Every field at once (a title already in use counts as the title's error).
      const { title, scope, expiresAt } = checkFields({
        title: () => {
          const cleaned = validateTokenTitle(String(request.title ?? ''))
          if (findAccessTokenByTitleKey(db, accountId, toTitleKey(cleaned))) throw titleTakenError()
          return cleaned
        },
        scope: () => validateTokenScope(String(request.scope ?? '')),
        expiresAt: () => resolveTokenExpiry(request.expiry, now, account.timezone),
      })
      if (scope === 'introspect' && !isAdministratorAccount(db, accountId)) {
        throw new KeysteadError(ErrorCode.Forbidden, 'Only an administrator can create an introspect token.', { field: 'scope', reason: 'tokens.introspectAdminOnly' })
      }
      const titleKey = toTitleKey(title)
      const token = generateCredential(CredentialKind.Token)
      try {
        const id = writeTransaction(db, () => {
          const tokenId = insertAccessToken(db, {
            account_id: accountId,
            title,
            title_key: titleKey,
            token_hash: hashCredential(token),
            display_prefix: toDisplayPrefix(token),
            scope,
            is_enabled: request.isEnabled === false ? 0 : 1,
            created_at: now,
            expires_at: expiresAt,
          })
          audit.recordSecurityEvent({
            accountId,
            kind: SecurityEventKind.TokenCreated,
            sessionId: actor.sessionId ?? null,
            detail: { tokenId, title, scope, expiresAt: expiresAt === null ? null : toISO(expiresAt), isEnabled: request.isEnabled !== false },
          })
          return tokenId
        })
        return { token, summary: toAccessTokenSummary(requireToken(accountId, id), now) }
      } catch (error) {
        const e = error as { code?: string; message?: string }
        if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && (e.message ?? '').includes('title_key')) throw titleTakenError()
        throw error
      }
    },
    setTokenEnabled(accountId, tokenId, isEnabled, actor = {}) {
      return writeTransaction(db, () => {
        const row = requireToken(accountId, tokenId)
        if ((row.is_enabled === 1) !== isEnabled) {
          setAccessTokenEnabled(db, tokenId, isEnabled)
          audit.recordSecurityEvent({
            accountId,
            kind: isEnabled ? SecurityEventKind.TokenEnabled : SecurityEventKind.TokenDisabled,
            sessionId: actor.sessionId ?? null,
            detail: { tokenId, title: row.title },
          })
        }
        return toAccessTokenSummary(requireToken(accountId, tokenId), clock())
      })
    },
    isOwnToken(accountId, token) {
      const parsed = parseCredential(token)
      if (!parsed.ok || parsed.kind !== CredentialKind.Token) return false
      return findAccessTokenByHash(db, hashCredential(token))?.account_id === accountId
    },
    deleteToken(accountId, tokenId, actor = {}) {
      writeTransaction(db, () => {
        const row = requireToken(accountId, tokenId)
        deleteAccessToken(db, tokenId)
        audit.recordSecurityEvent({
          accountId,
          kind: SecurityEventKind.TokenDeleted,
          sessionId: actor.sessionId ?? null,
          detail: { tokenId, title: row.title },
        })
      })
    },
  }
}
