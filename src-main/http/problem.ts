import type { ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import { z } from 'zod'
import type { ErrorCode } from '../../src-preload/contract/errors.ts'
import type { KeysteadError } from '../services/errors.ts'

/** RFC 9457 problem details, with Keystead's stable `code` and i18n `reason` as extension members. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    reason: z.string().optional(),
    field: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ description: 'An error (RFC 9457 problem details). `code` and `reason` are stable; `detail` is English text.' })

export type Problem = z.infer<typeof problemSchema>

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION: 422,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  REAUTH_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  THROTTLED: 429,
  UNAVAILABLE: 503,
  CANCELLED: 400,
  INTERNAL: 500,
}

export function problem(status: number, code: string, detail: string, extra: Partial<Pick<Problem, 'reason' | 'field' | 'errors'>> = {}): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, code, ...extra }
}

export function problemFromError(error: KeysteadError): Problem {
  const extra: Partial<Problem> = {}
  if (error.reason) extra.reason = error.reason
  if (error.field) extra.field = error.field
  return problem(STATUS_BY_CODE[error.code] ?? 400, error.code, error.message, extra)
}

/** Headers every answer carries. No CORS header, ever: browsers must not read this API cross-origin. */
export function baseHeaders(contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }
}

export function sendProblem(response: ServerResponse, value: Problem, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.end()
    return
  }
  response.writeHead(value.status, { ...baseHeaders('application/problem+json'), ...headers })
  response.end(JSON.stringify(value))
}
