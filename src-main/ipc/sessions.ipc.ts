import { z } from 'zod'
import type { SessionLifetimesView, SessionOriginName, SessionsApi, SessionSummary } from '../../src-preload/contract/sessions.ts'
import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import { toISO } from '../services/clock.ts'
import type { SessionPolicy, SessionService } from '../services/session-service.ts'
import { SESSION_LIFETIME_MAX_MS, SESSION_LIFETIME_MIN_MS } from '../services/session-service.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

const MINUTE = 60_000

// Shapes only; the rules (ownership, bounds, idle <= absolute) live in the session service.
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
    list: sessionHandler(z.null(), (ctx) => {
      const { sessions } = ctx.services
      const rows = sessions.listAccountSessions(ctx.session.account_id)
      const current = rows.find((row) => row.id === ctx.session.id) ?? ctx.session
      return {
        current: toSessionSummary(current, sessions, ctx.session.id),
        others: rows.filter((row) => row.id !== ctx.session.id).map((row) => toSessionSummary(row, sessions, ctx.session.id)),
        lifetimes: toLifetimesView(sessions.getSessionPolicy()),
      }
    }),
    close: sessionHandler(closeSessionInput, (ctx, input) => {
      ctx.services.sessions.closeAccountSession(ctx.session.account_id, input.sessionId, ctx.session)
      return null
    }),
    closeOthers: sessionHandler(z.null(), (ctx) => ({
      closed: ctx.services.sessions.closeOtherSessions(ctx.session.account_id, ctx.session.id, ctx.session),
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
