import { ApiFailure, isApiFailure } from '../api.ts'
import { useReauthStore } from '../stores/reauth.ts'

/** Runs a sensitive action; on REAUTH_REQUIRED asks for the password and tries once more. */
export function useReauth() {
  const store = useReauthStore()
  return async function withReauth<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action()
    } catch (error) {
      if (!isApiFailure(error) || error.error.code !== 'REAUTH_REQUIRED') throw error
      const confirmed = await store.requestPassword()
      if (!confirmed) throw new ApiFailure({ code: 'CANCELLED', message: 'Cancelled.', reason: 'cancelled' })
      return await action()
    }
  }
}
