import type { Services } from '../services/index.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { buildOpenApiDocument } from './openapi.ts'
import type { RouteDefinition } from './route.ts'
import { defineRoute } from './route.ts'
import {
  accountPatchSchema,
  accountSchema,
  emptyQuerySchema,
  logEntrySchema,
  logQuerySchema,
  openApiDocumentSchema,
  authorizedKeysSchema,
  idParamsSchema,
  introspectionRequestSchema,
  introspectionSchema,
  sessionParamsSchema,
  sessionSchema,
  sshKeyCreateSchema,
  sshKeySchema,
  tokenSchema,
  usernameKeysParamsSchema,
  adminAccountPageSchema,
  adminAccountQuerySchema,
  adminAccountSchema,
  adminUsernameParamsSchema,
} from './schemas.ts'
import type { AccountListQuery, AdminActor } from '../services/administration-service.ts'
import type { AuthContext } from './route.ts'
import type { AdminAccountRow } from '../../src-preload/contract/accounts.ts'

const apiActor = (auth: AuthContext): AdminActor => ({ kind: 'administrator', accountId: auth.accountId, sessionId: null, origin: 'api' })

/** POST /admin/accounts/{username}/lock and /unlock: one definition, these rows differ. */
const ACCOUNT_LOCK_ROUTES: ReadonlyArray<{
  action: 'lock' | 'unlock'
  operationId: string
  summary: string
  errors: number[]
  act: (services: Services, actor: AdminActor, accountId: number) => AdminAccountRow
}> = [
  {
    action: 'lock',
    operationId: 'lockAccount',
    summary: 'Lock an account (its sessions end; sign-in, tokens and API key are refused); administrators only',
    errors: [404, 409, 422],
    act: (services, actor, accountId) => {
      const { sessionsEnded: _ended, ...row } = services.administration.lockAccount(actor, accountId)
      return row
    },
  },
  {
    action: 'unlock',
    operationId: 'unlockAccount',
    summary: 'Unlock an account; administrators only',
    errors: [404, 422],
    act: (services, actor, accountId) => services.administration.unlockAccount(actor, accountId),
  },
]

/**
 * The endpoints under /api/v2. A new endpoint is one more entry here; the server and
 * the OpenAPI document pick it up.
 */
export function accountRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/users/me',
      operationId: 'getCurrentUser',
      summary: 'The account the credential belongs to',
      tag: 'users',
      access: 'read',
      response: { status: 200, schema: accountSchema },
      run: ({ services, auth }) => services.administration.toAccountInfo(auth.account),
    }),
    defineRoute<Record<string, never>, Record<string, never>, { fullName?: string; email?: string | null }>({
      method: 'PATCH',
      path: '/users/me',
      operationId: 'updateCurrentUser',
      summary: 'Change the full name and/or e-mail address',
      tag: 'users',
      access: 'write',
      body: accountPatchSchema,
      response: { status: 200, schema: accountSchema },
      errors: [400, 409, 413, 415, 422],
      run: ({ services, auth, body }) => services.administration.updateAccountContact(auth.accountId, body, 'api'),
    }),
    defineRoute({
      method: 'GET',
      path: '/users/me/sessions',
      operationId: 'listSessions',
      summary: "The account's live sessions, newest first",
      tag: 'sessions',
      access: 'read',
      response: { status: 200, schema: sessionSchema.array() },
      // Read a page at a time (the app's event loop stays free); the answer is the whole list, as documented.
      run: ({ services, auth }) => services.administration.listAccountSessionsInSlices(auth.accountId),
    }),
    defineRoute<{ id: string }>({
      method: 'DELETE',
      path: '/users/me/sessions/{id}',
      operationId: 'revokeSession',
      summary: 'End one of the account’s sessions',
      tag: 'sessions',
      access: 'write',
      params: sessionParamsSchema,
      response: { status: 204 },
      errors: [404],
      run: ({ services, auth, params }) => services.administration.revokeAccountSession(auth.accountId, params.id, 'api'),
    }),
    defineRoute<Record<string, never>, { limit?: number; offset?: number }>({
      method: 'GET',
      path: '/users/me/log',
      operationId: 'listSecurityLog',
      summary: "The account's security log, newest first",
      tag: 'log',
      access: 'read',
      query: logQuerySchema,
      response: { status: 200, schema: logEntrySchema.array() },
      errors: [422],
      // A deep offset is stepped over in slices (the app's event loop stays free); the same page as before.
      run: ({ services, auth, query }) => services.administration.listAccountSecurityLogInSlices(auth.accountId, query),
    }),
    defineRoute({
      method: 'GET',
      path: '/users/me/ssh-keys',
      operationId: 'listSshKeys',
      summary: "The account's public SSH keys, newest first",
      tag: 'ssh-keys',
      access: 'read',
      response: { status: 200, schema: sshKeySchema.array() },
      run: ({ services, auth }) => services.sshKeys.listKeys(auth.accountId, { newestFirst: true }),
    }),
    defineRoute<Record<string, never>, Record<string, never>, { title?: string; publicKey: string; expiresOn?: string | null }>({
      method: 'POST',
      path: '/users/me/ssh-keys',
      operationId: 'addSshKey',
      summary: 'Add a public SSH key',
      tag: 'ssh-keys',
      access: 'write',
      sensitive: [SensitiveAction.SshKeyAdd],
      body: sshKeyCreateSchema,
      response: { status: 201, schema: sshKeySchema },
      errors: [400, 409, 413, 415, 422],
      run: ({ services, auth, body }) => services.sshKeys.addKey(auth.accountId, { title: body.title ?? '', publicKey: body.publicKey, expiresOn: body.expiresOn ?? null }),
    }),
    defineRoute<{ id: number }>({
      method: 'DELETE',
      path: '/users/me/ssh-keys/{id}',
      operationId: 'deleteSshKey',
      summary: 'Remove one of the account’s SSH keys',
      tag: 'ssh-keys',
      access: 'write',
      sensitive: [SensitiveAction.SshKeyDelete],
      params: idParamsSchema,
      response: { status: 204 },
      errors: [404, 422],
      run: ({ services, auth, params }) => services.sshKeys.deleteKey(auth.accountId, params.id),
    }),
    defineRoute({
      method: 'GET',
      path: '/users/me/tokens',
      operationId: 'listTokens',
      summary: "The account's access tokens (metadata only, never a token), newest first",
      tag: 'tokens',
      access: 'read',
      response: { status: 200, schema: tokenSchema.array() },
      run: ({ services, auth }) => services.tokens.listTokens(auth.accountId),
    }),
    defineRoute<{ username: string }>({
      method: 'GET',
      path: '/users/{username}.keys',
      operationId: 'getAuthorizedKeys',
      summary: "An account's unexpired public SSH keys as authorized_keys text (public, like github.com/USER.keys)",
      tag: 'ssh-keys',
      access: 'public',
      params: usernameKeysParamsSchema,
      response: { status: 200, schema: authorizedKeysSchema, contentType: 'text/plain' },
      errors: [404, 422],
      // A locked account's keys open nothing (the sshd lookup leaves them out too): it is answered as an unknown name.
      run: ({ services, params }) =>
        services.sshKeys.exportAuthorizedKeys(services.administration.requireAccountByUsername(params.username, { unlockedOnly: true }).id, { includeOptions: false }),
    }),
    defineRoute<Record<string, never>, Record<string, never>, { token: string; token_type_hint?: string }>({
      method: 'POST',
      path: '/introspect',
      operationId: 'introspectToken',
      summary: 'RFC 7662 token introspection: whether an access token or API key is active, and whose (for local services)',
      tag: 'introspection',
      access: 'introspect',
      body: introspectionRequestSchema,
      bodyType: 'form',
      response: { status: 200, schema: introspectionSchema },
      errors: [400, 413, 415, 422],
      run: ({ services, body }) => services.credentials.introspectCredential(body.token),
    }),
    defineRoute<Record<string, never>, AccountListQuery>({
      method: 'GET',
      path: '/admin/accounts',
      operationId: 'listAccounts',
      summary: 'Every account, one keyset page at a time (search, sort); administrators only',
      tag: 'admin',
      access: 'admin',
      query: adminAccountQuerySchema,
      response: { status: 200, schema: adminAccountPageSchema },
      errors: [422],
      run: ({ services, query }) => services.administration.listAccounts(query),
    }),
    ...ACCOUNT_LOCK_ROUTES.map((route) =>
      defineRoute<{ username: string }>({
        method: 'POST',
        path: `/admin/accounts/{username}/${route.action}`,
        operationId: route.operationId,
        sensitive: [SensitiveAction.AccountsAdminister],
        summary: route.summary,
        tag: 'admin',
        access: 'admin',
        params: adminUsernameParamsSchema,
        response: { status: 200, schema: adminAccountSchema },
        errors: route.errors,
        run: ({ services, auth, params }) => route.act(services, apiActor(auth), services.administration.requireAccountByUsername(params.username).id),
      }),
    ),
  ]
}

/** Every route, the OpenAPI document's own included. */
export function createRouteTable(extraRoutes: RouteDefinition[] = []): RouteDefinition[] {
  const routes = [...accountRoutes(), ...extraRoutes]
  let document: unknown = null
  routes.push(
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'meta',
      access: 'public',
      query: emptyQuerySchema,
      response: { status: 200, schema: openApiDocumentSchema },
      run: () => (document ??= buildOpenApiDocument(routes)),
    }),
  )
  return routes
}

export type RouteFactory = (services: Services) => RouteDefinition[]
