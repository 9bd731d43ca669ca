/** Things services announce to the faces (for example: push "session ended" to a window). */
export interface ServiceEvents {
  sessionsEnded: { sessionIds: string[]; reason: 'signed-out' | 'revoked' | 'expired' | 'account-deleted' | 'password-changed' | 'locked' }
}

type Listener<T> = (payload: T) => void

export interface EventHub {
  on<K extends keyof ServiceEvents>(name: K, listener: Listener<ServiceEvents[K]>): () => void
  emit<K extends keyof ServiceEvents>(name: K, payload: ServiceEvents[K]): void
}

export function createEventHub(): EventHub {
  const listeners = new Map<keyof ServiceEvents, Set<Listener<never>>>()
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set()
      set.add(listener as Listener<never>)
      listeners.set(name, set)
      return () => set.delete(listener as Listener<never>)
    },
    emit(name, payload) {
      for (const listener of listeners.get(name) ?? []) (listener as Listener<typeof payload>)(payload)
    },
  }
}
