import { z } from 'zod'
import { problemSchema } from './problem.ts'
import type { RouteDefinition } from './route.ts'

export const API_PREFIX = '/api/v2'
export const API_VERSION = '2.0.0'

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>
  delete generated.$schema
  return generated
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return []
  const generated = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] }
  return Object.entries(generated.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property
    return {
      name,
      in: location,
      required: location === 'path' || (generated.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    }
  })
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (for example: the body is not JSON)',
  401: 'Missing, malformed, unknown, disabled, expired or deleted credential',
  403: 'The credential may only read, is an introspect token outside /introspect (or not one on it), or the request came from a web page',
  404: 'Not found',
  409: 'Conflict with existing data',
  413: 'The body is larger than 64 KB',
  415: 'The body is not of the type the endpoint takes (application/json; application/x-www-form-urlencoded for /introspect)',
  421: 'The Host header is not a loopback name',
  422: 'The request is well-formed but breaks a rule',
  429: 'Too many failed authentications; retry after the Retry-After seconds',
}

/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
export function buildOpenApiDocument(routes: readonly RouteDefinition[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    // Every route: 421 (a Host that is not loopback) and 403 (a foreign Origin; on a route that takes a
    // credential also an introspect token outside /introspect, or a read-only one on a write).
    const statuses = new Set<number>([403, 421, ...(route.errors ?? [])])
    if (route.access !== 'public') [401, 429].forEach((s) => statuses.add(s))
    // A path, query or body that its schema refuses: 422 (e.g. GET /openapi.json?x=1).
    if (route.params || route.query || route.body) statuses.add(422)
    const responses: Record<string, unknown> = {}
    const ok = route.response
    if (ok.status === 204) responses['204'] = { description: 'Done' }
    else {
      const type = ok.contentType ?? 'application/json'
      responses[String(ok.status)] = { description: 'Success', content: { [type]: { schema: jsonSchema(ok.schema, 'output') } } }
    }
    for (const status of [...statuses].sort()) {
      responses[String(status)] = {
        description: ERROR_TEXT[status] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      }
    }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      security: route.access === 'public' ? [] : [{ bearer: [] }],
      responses,
    }
    if (route.access === 'write') operation.description = 'Needs a credential with the write scope.'
    if (route.access === 'introspect') {
      operation.description = "Needs an access token with the introspect scope, made by an administrator (such a token may call nothing else). Every credential that is not usable (unknown, malformed, disabled, expired, deleted, its account locked or deleted) gets exactly {\"active\": false}."
    }
    if (route.access === 'admin') operation.description = "Administrators only: needs a write-scope credential of an administrator's account."
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')]
    if (parameters.length > 0) operation.parameters = parameters
    if (route.body) {
      const type = route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json'
      operation.requestBody = { required: true, content: { [type]: { schema: jsonSchema(route.body, 'input') } } }
    }
    paths[route.path] ??= {}
    paths[route.path]![route.method.toLowerCase()] = operation
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Keystead local API',
      version: API_VERSION,
      description:
        'Administer the accounts of one Keystead data directory from scripts. Listens on 127.0.0.1 only. ' +
        'Authenticate with `Authorization: Bearer <access token or API key>`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: API_PREFIX, description: 'This server' }],
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token or the account API key.' } },
    },
  }
}
