import type { Clock } from '../services/clock.ts'

/**
 * Slows down guessing: each client (remote address) may fail authentication at most
 * `maxFailures` times in a sliding window of `windowMs`; after that every request
 * that needs authentication is answered 429 until the oldest failure leaves the window.
 * In memory on purpose: it protects a running server, and a restart is not a bypass
 * worth a table (the secrets themselves have 256 bits).
 */
export interface FailureThrottle {
  /** Seconds to wait, or 0 when the client may try. */
  retryAfterSeconds(client: string): number
  recordFailure(client: string): void
}

export function createFailureThrottle(options: { clock: Clock; maxFailures?: number; windowMs?: number; maxClients?: number }): FailureThrottle {
  const maxFailures = options.maxFailures ?? 10
  const windowMs = options.windowMs ?? 60_000
  const maxClients = options.maxClients ?? 10_000
  const failures = new Map<string, number[]>()

  function recent(client: string): number[] {
    const now = options.clock()
    const list = (failures.get(client) ?? []).filter((at) => now - at < windowMs)
    if (list.length === 0) failures.delete(client)
    else failures.set(client, list)
    return list
  }

  return {
    retryAfterSeconds(client) {
      // A client that never failed (the usual case) costs one lookup.
      if (!failures.has(client)) return 0
      const list = recent(client)
      if (list.length < maxFailures) return 0
      const oldest = list[list.length - maxFailures]!
      return Math.max(1, Math.ceil((oldest + windowMs - options.clock()) / 1000))
    },
    recordFailure(client) {
      if (!failures.has(client) && failures.size >= maxClients) {
        const first = failures.keys().next().value
        if (first !== undefined) failures.delete(first)
      }
      const list = recent(client)
      list.push(options.clock())
      failures.set(client, list)
    },
  }
}
