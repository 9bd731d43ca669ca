import { ErrorCode } from '../../src-preload/contract/errors.ts'
import type { ApiError } from '../../src-preload/contract/errors.ts'

/** A refusal the user can act on. Never put a secret in `message` or `params`. */
export class KeysteadError extends Error {
  readonly code: ErrorCode
  readonly field?: string
  readonly reason?: string
  readonly params?: Record<string, string | number>

  constructor(code: ErrorCode, message: string, options: { field?: string; reason?: string; params?: Record<string, string | number> } = {}) {
    super(message)
    this.name = 'KeysteadError'
    this.code = code
    this.field = options.field
    this.reason = options.reason
    this.params = options.params
  }

  toApiError(): ApiError {
    const error: ApiError = { code: this.code, message: this.message }
    if (this.field !== undefined) error.field = this.field
    if (this.reason !== undefined) error.reason = this.reason
    if (this.params !== undefined) error.params = this.params
    return error
  }
}

export function validationError(field: string, reason: string, message: string, params?: Record<string, string | number>): KeysteadError {
  return new KeysteadError(ErrorCode.Validation, message, { field, reason, params })
}

export function notFoundError(message: string, reason = 'notFound'): KeysteadError {
  return new KeysteadError(ErrorCode.NotFound, message, { reason })
}

export { ErrorCode }
