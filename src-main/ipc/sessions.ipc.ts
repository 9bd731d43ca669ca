import { z } from 'zod'
import type { SessionLifetimesView, SessionOriginName, SessionsApi, SessionSummary } from '../../src-preload/contract/sessions.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import { toISO } from '../services/clock.ts'
import type { SessionPolicy, SessionService } from '../services/session-service.ts'
import { SESSION_LIFETIME_MAX_MS, SESSION_LIFETIME_MIN_MS, SESSION_PAGE_MAX } from '../services/session-service.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

const MINUTE = 60_000

// Shapes only; the rules (ownership, bounds, idle <= absolute) live in the session service.
/** No query (the first page) or a page's cursor and size; the service checks the cursor itself. */
export const listSessionsInput = z.union([
  z.null(),
  z.strictObject({ cursor: z.string().min(1).max(200).optional(), limit: z.number().int().min(1).max(SESSION_PAGE_MAX).optional() }),
])
export const closeSessionInput = z.strictObject({ sessionId: z.string().min(1).max(64) })
export const setLifetimesInput = z.strictObject({
  idleTimeoutMinutes: z.number().int().positive().max(SESSION_LIFETIME_MAX_MS / MINUTE),
  absoluteTimeoutMinutes: z.number().int().positive().max(SESSION_LIFETIME_MAX_MS / MINUTE),
})

const ORIGINS: readonly string[] = ['app', 'cli', 'api'] satisfies SessionOriginName[]

export function toSessionSummary(row: SessionRow, sessions: SessionService, currentId: string): SessionSummary {
  return {
    id: row.id,
    origin: (ORIGINS.includes(row.origin) ? row.origin : 'app') as SessionOriginName,
    isCurrent: row.id === currentId,
    keepSignedIn: row.keep_signed_in === 1,
    browser: row.browser,
    os: row.os,
    model: row.model,
    ip: row.ip,
    engine: row.engine,
    arch: row.arch,
    createdAt: toISO(row.created_at),
    lastUsedAt: toISO(row.last_used_at),
    lastAuthAt: toISO(row.last_auth_at),
    expiresAt: toISO(sessions.expiresAtOf(row)),
  }
}

export function toLifetimesView(policy: SessionPolicy): SessionLifetimesView {
  return {
    idleTimeoutMinutes: Math.round(policy.idleTimeoutMs / MINUTE),
    absoluteTimeoutMinutes: Math.round(policy.absoluteTimeoutMs / MINUTE),
    minMinutes: SESSION_LIFETIME_MIN_MS / MINUTE,
    maxMinutes: SESSION_LIFETIME_MAX_MS / MINUTE,
  }
}

export function createSessionsHandlers(): DomainHandlers<SessionsApi> {
  return {
    // One page at a time (an account may have thousands of sessions: the work per request stays bounded).
    list: sessionHandler(listSessionsInput, (ctx, input) => {
      const { sessions, accounts } = ctx.services
      const page = sessions.listAccountSessionsPage(ctx.session.account_id, { cursor: input?.cursor ?? null, limit: input?.limit, exceptSessionId: ctx.session.id })
      const current = sessions.findSession(ctx.session.id) ?? ctx.session
      return {
        current: toSessionSummary(current, sessions, ctx.session.id),
        others: page.rows.map((row) => toSessionSummary(row, sessions, ctx.session.id)),
        lifetimes: toLifetimesView(sessions.getSessionPolicy()),
        // Kept by triggers on the sessions table: no count over the rows.
        othersTotal: Math.max(0, accounts.getAccount(ctx.session.account_id).session_count - 1),
        nextCursor: page.next,
      }
    }),
    close: sessionHandler(closeSessionInput, (ctx, input) => {
      ctx.services.sessions.closeAccountSession(ctx.session.account_id, input.sessionId, ctx.session)
      return null
    }),
    closeOthers: sessionHandler(z.null(), async (ctx) => ({
      closed: await ctx.services.sessions.closeOtherSessions(ctx.session.account_id, ctx.session.id, ctx.session),
    })),
    getLifetimes: sessionHandler(z.null(), (ctx) => toLifetimesView(ctx.services.sessions.getSessionPolicy())),
    setLifetimes: sensitiveHandler(SensitiveAction.SessionLifetimes, setLifetimesInput, (ctx, input) => {
      const policy = ctx.services.sessions.setSessionLifetimes(
        { idleTimeoutMs: input.idleTimeoutMinutes * MINUTE, absoluteTimeoutMs: input.absoluteTimeoutMinutes * MINUTE },
        ctx.session,
      )
      return toLifetimesView(policy)
    }),
  }
}
