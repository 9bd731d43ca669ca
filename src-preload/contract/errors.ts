/**
 * Errors cross the IPC boundary as plain data. `reason` is a stable i18n key
 * (for example `username.tooShort`) that the renderer translates; `message`
 * is an English fallback for logs, the CLI and the REST API.
 */
export const ErrorCode = Object.freeze({
  Validation: 'VALIDATION',
  Unauthenticated: 'UNAUTHENTICATED',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  ReauthRequired: 'REAUTH_REQUIRED',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Forbidden: 'FORBIDDEN',
  Throttled: 'THROTTLED',
  Unavailable: 'UNAVAILABLE',
  Cancelled: 'CANCELLED',
  Internal: 'INTERNAL',
} as const)
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** One field's refusal, in the main process's words. */
export interface FieldError {
  message: string
  reason?: string
  params?: Record<string, string | number>
}

export interface ApiError {
  code: ErrorCode
  message: string
  /** The input field the error belongs to, when there is one. */
  field?: string
  /** Stable i18n key for the renderer, e.g. `username.tooShort`. */
  reason?: string
  /** Values for the translated message, e.g. `{ min: 3 }`. */
  params?: Record<string, string | number>
  /**
   * Every field the main process refused in this one request, by field name (a form shows each at its
   * field at once). When present, `field`/`reason`/`message` repeat the first of them.
   */
  fields?: Record<string, FieldError>
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }
