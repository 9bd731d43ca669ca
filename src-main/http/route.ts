import type { z } from 'zod'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import type { Services } from '../services/index.ts'
import type { SensitiveAction } from '../services/sensitive-actions.ts'
import type { CredentialScope } from './credentials.ts'

/** Who is calling, once the bearer credential checked out. */
export interface AuthContext {
  accountId: number
  scope: CredentialScope
  /** The account's row, read with the credential in the same statement. */
  account: AccountRow
  /** Which credential: recorded (never the secret) with every security-log entry the request makes. */
  credential: 'token' | 'api-key'
  tokenId: number | null
}

export interface RouteContext<P, Q, B> {
  services: Services
  params: P
  query: Q
  body: B
  /** Set for every route whose access is not 'public'. */
  auth: AuthContext
}

/**
 * 'introspect': only an administrator's token of the introspect scope (which may call nothing else).
 * 'admin': a write-scope credential of an administrator (checked on every call).
 */
export type RouteAccess = 'public' | 'read' | 'write' | 'introspect' | 'admin'
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE'

export type RouteResponse =
  | { status: 200 | 201; schema: z.ZodType; contentType?: 'application/json' }
  | { status: 200; schema: z.ZodType; contentType: 'text/plain' }
  | { status: 204 }

/**
 * One endpoint: its place, who may call it, the zod schemas of its inputs and output,
 * and what it does. The server and the OpenAPI generator both read only this table.
 */
export interface RouteDefinition<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod
  /** OpenAPI path template under /api/v2, e.g. `/users/me/sessions/{id}` or `/users/{username}.keys`. */
  path: string
  operationId: string
  summary: string
  tag: string
  access: RouteAccess
  params?: z.ZodType<P, Record<string, string>>
  query?: z.ZodType<Q, Record<string, string>>
  body?: z.ZodType<B>
  /** How the body arrives: JSON (the default) or application/x-www-form-urlencoded (RFC 7662). */
  bodyType?: 'json' | 'form'
  response: RouteResponse
  /**
   * The sensitive actions this route performs: the server runs `requireSensitiveAction` with the
   * credential as actor before `run` (only actions whose rule allows credentials pass).
   */
  sensitive?: readonly SensitiveAction[]
  /** Extra error statuses this route answers (401/403/429 follow from `access`). */
  errors?: number[]
  run(ctx: RouteContext<P, Q, B>): unknown
}

/** Keeps the inferred types of one route's schemas inside its `run`. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  route: RouteDefinition<P, Q, B>,
): RouteDefinition {
  return route as unknown as RouteDefinition
}

export interface CompiledRoute {
  route: RouteDefinition
  pattern: RegExp
  names: string[]
}

/** `/users/{username}.keys` -> /^\/users\/([^/]+?)\.keys$/ with names ['username']. */
export function compileRoute(route: RouteDefinition): CompiledRoute {
  const names: string[] = []
  const source = route.path
    .split(/(\{[A-Za-z]+\})/)
    .map((part) => {
      const name = /^\{([A-Za-z]+)\}$/.exec(part)?.[1]
      if (name) {
        names.push(name)
        return '([^/]+?)'
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return { route, pattern: new RegExp(`^${source}$`), names }
}

export type RouteMatch =
  | { kind: 'found'; route: RouteDefinition; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' }

export function matchRoute(table: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  const allow: string[] = []
  for (const compiled of table) {
    const match = compiled.pattern.exec(path)
    if (!match) continue
    if (compiled.route.method !== method) {
      allow.push(compiled.route.method)
      continue
    }
    const params: Record<string, string> = {}
    compiled.names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1]!)
    })
    return { kind: 'found', route: compiled.route, params }
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' }
}
