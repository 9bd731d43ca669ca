import { ErrorCode } from '../../src-preload/contract/errors.ts'
import type { ApiError, FieldError } from '../../src-preload/contract/errors.ts'

/** A refusal the user can act on. Never put a secret in `message` or `params`. */
export class KeysteadError extends Error {
  readonly code: ErrorCode
  readonly field?: string
  readonly reason?: string
  readonly params?: Record<string, string | number>
  readonly fields?: Record<string, FieldError>

  constructor(code: ErrorCode, message: string, options: { field?: string; reason?: string; params?: Record<string, string | number>; fields?: Record<string, FieldError> } = {}) {
    super(message)
    this.name = 'KeysteadError'
    this.code = code
    this.field = options.field
    this.reason = options.reason
    this.params = options.params
    this.fields = options.fields
  }

  toApiError(): ApiError {
    const error: ApiError = { code: this.code, message: this.message }
    if (this.field !== undefined) error.field = this.field
    if (this.reason !== undefined) error.reason = this.reason
    if (this.params !== undefined) error.params = this.params
    if (this.fields !== undefined) error.fields = this.fields
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

/** A field refusal's text for `ApiError.fields`. */
function toFieldError(error: KeysteadError): FieldError {
  return { message: error.message, ...(error.reason !== undefined ? { reason: error.reason } : {}), ...(error.params !== undefined ? { params: error.params } : {}) }
}

/** Is this a refusal of one input field (validation), so that it can be reported with the others? */
export function isFieldRefusal(error: unknown): error is KeysteadError & { field: string } {
  return error instanceof KeysteadError && (error.code === ErrorCode.Validation || error.code === ErrorCode.Conflict) && typeof error.field === 'string'
}

/**
 * One refusal for several fields: the first refusal's code, message, field and reason, plus `fields` with all of them.
 * Throws nothing when the list is empty.
 */
export function throwFieldErrors(refusals: readonly KeysteadError[]): void {
  const first = refusals[0]
  if (!first) return
  const fields: Record<string, FieldError> = {}
  for (const refusal of refusals) if (refusal.field !== undefined && !(refusal.field in fields)) fields[refusal.field] = toFieldError(refusal)
  throw new KeysteadError(first.code, first.message, { field: first.field, reason: first.reason, params: first.params, fields })
}

/**
 * Runs every field's check (each returns the cleaned value or throws a field refusal) and refuses ALL failing
 * fields at once, so a form can show every error at its field. Other errors pass through untouched.
 */
export function checkFields<T extends Record<string, unknown>>(checks: { [K in keyof T]: () => T[K] }): T {
  const values = {} as T
  const refusals: KeysteadError[] = []
  for (const key of Object.keys(checks) as Array<keyof T>) {
    try {
      values[key] = checks[key]()
    } catch (error) {
      if (!isFieldRefusal(error)) throw error
      refusals.push(error)
    }
  }
  throwFieldErrors(refusals)
  return values
}

/** The field refusal an async check ends with, or null when it passes (other errors pass through). For checkFields. */
export async function fieldRefusalOf(check: () => Promise<unknown>): Promise<KeysteadError | null> {
  try {
    await check()
    return null
  } catch (error) {
    if (isFieldRefusal(error)) return error
    throw error
  }
}

/** An empty password where one must be typed: a form error, never a counted attempt. */
export function requirePasswordTyped(value: string, field: string): string {
  if (value.length === 0) throw validationError(field, 'password.required', 'Enter your password.')
  return value
}
