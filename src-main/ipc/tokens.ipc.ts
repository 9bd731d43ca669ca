import { z } from 'zod'
import type { CopyOutcome, TokensApi } from '../../src-preload/contract/tokens.ts'
import { createClipboardClearer } from '../platform/clipboard-clearer.ts'
import type { ClipboardClearer } from '../platform/clipboard-clearer.ts'
import { validationError } from '../services/errors.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

// Shapes only: the token rules live in the services (token-rules.ts), shared with the CLI and API.
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export const createTokenInput = z.strictObject({
  title: z.string().max(1000),
  isEnabled: z.boolean(),
  scope: z.string().max(20),
  expiry: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('never') }),
    z.strictObject({ kind: z.literal('days'), days: z.number().int().min(0).max(100_000) }),
    z.strictObject({ kind: z.literal('date'), date: z.string().max(20) }),
  ]),
})

export const setTokenEnabledInput = z.strictObject({ id, isEnabled: z.boolean() })
export const deleteTokenInput = z.strictObject({ id })
export const copyNewTokenInput = z.strictObject({ token: z.string().max(200) })

/** The API key and the access tokens. Copies happen here, in main, through the platform clipboard. */
export function createTokensHandlers(clearer: ClipboardClearer = createClipboardClearer()): DomainHandlers<TokensApi> {
  const copied = (): CopyOutcome => ({ clearAfterSeconds: Math.round(clearer.clearAfterMs / 1000) })
  return {
    getApiKey: sessionHandler(z.null(), (ctx) => ctx.services.apiKeys.getApiKeySummary(ctx.session.account_id)),
    copyApiKey: sensitiveHandler(SensitiveAction.ApiKeyCopy, z.null(), (ctx) => {
      clearer.copySecret(ctx.platform.clipboard, ctx.services.apiKeys.revealApiKey(ctx.session.account_id))
      return copied()
    }),
    regenerateApiKey: sensitiveHandler(SensitiveAction.ApiKeyRegenerate, z.null(), (ctx) => {
      return ctx.services.apiKeys.regenerateApiKey(ctx.session.account_id, { sessionId: ctx.session.id })
    }),
    listTokens: sessionHandler(z.null(), (ctx) => ctx.services.tokens.listTokens(ctx.session.account_id)),
    createToken: sensitiveHandler(SensitiveAction.TokenCreate, createTokenInput, (ctx, input) =>
      ctx.services.tokens.createToken(ctx.session.account_id, input as Parameters<typeof ctx.services.tokens.createToken>[1], { sessionId: ctx.session.id }),
    ),
    // Switching on widens what exists; switching off only narrows it.
    setTokenEnabled: sensitiveHandler((input) => [input.isEnabled && SensitiveAction.TokenEnable], setTokenEnabledInput, (ctx, input) =>
      ctx.services.tokens.setTokenEnabled(ctx.session.account_id, input.id, input.isEnabled, { sessionId: ctx.session.id }),
    ),
    deleteToken: sessionHandler(deleteTokenInput, (ctx, input) => {
      ctx.services.tokens.deleteToken(ctx.session.account_id, input.id, { sessionId: ctx.session.id })
      return null
    }),
    copyNewToken: sessionHandler(copyNewTokenInput, (ctx, input) => {
      // Only one of this account's own tokens: the channel is not a general clipboard writer.
      if (!ctx.services.tokens.isOwnToken(ctx.session.account_id, input.token)) {
        throw validationError('token', 'tokens.malformed', 'This is not one of your access tokens.')
      }
      clearer.copySecret(ctx.platform.clipboard, input.token)
      return copied()
    }),
  }
}
