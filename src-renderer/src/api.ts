import type { KeysteadApi } from '../../src-preload/contract/api.ts'
import type { ApiError, Result } from '../../src-preload/contract/errors.ts'

/** The only module that touches `window.keystead` (the preload's contract object). */
export function getApi(): KeysteadApi {
  return window.keystead
}

/** A refused request, carrying the typed error from main. */
export class ApiFailure extends Error {
  readonly error: ApiError
  constructor(error: ApiError) {
    super(error.message)
    this.name = 'ApiFailure'
    this.error = error
  }
}

type UnauthenticatedHandler = () => void
let onUnauthenticated: UnauthenticatedHandler = () => {}

/** The session store registers what to do when main says the session is gone. */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler): void {
  onUnauthenticated = handler
}

/** Awaits a contract call and returns its value, or throws ApiFailure. */
export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending
  if (result.ok) return result.value
  if (result.error.code === 'UNAUTHENTICATED') onUnauthenticated()
  throw new ApiFailure(result.error)
}

export function isApiFailure(error: unknown): error is ApiFailure {
  return error instanceof ApiFailure
}
