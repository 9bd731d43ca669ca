/**
 * "Keep me signed in": the one session the app restores for its first window at start-up.
 * The token is sealed by the OS keyring (Electron's safeStorage) before it is written to the
 * store (electron-store); it is never stored in clear. Everything the module needs is injected,
 * so it runs in plain Node tests with fakes; electron-platform.ts wires the real ones.
 */
export interface KeptSessionBackend {
  /** True only when encryption is backed by a real OS keyring. */
  isAvailable(): boolean
  encrypt(plaintext: string): Buffer
  decrypt(sealed: Buffer): string
  store: {
    get(key: string): unknown
    set(key: string, value: unknown): void
    delete(key: string): void
  }
}

export interface KeptSession {
  sessionId: string
  token: string
}

export const KeptSessionUnavailableReason = Object.freeze({ NoKeyring: 'noKeyring' } as const)
export type KeptSessionUnavailableReason = (typeof KeptSessionUnavailableReason)[keyof typeof KeptSessionUnavailableReason]

export interface KeptSessionStore {
  /** Null when "Keep me signed in" can be offered, else why not. */
  unavailableReason(): KeptSessionUnavailableReason | null
  /** Seals and stores the session (replacing any other); throws when there is no OS keyring. */
  save(session: KeptSession): void
  /** The kept session, or null (nothing kept, no keyring, or it cannot be decrypted: then it is dropped). */
  load(): KeptSession | null
  /** The kept session's id (stored in clear: it is not a secret), without decrypting anything. */
  keptSessionId(): string | null
  clear(): void
}

const KEY = 'keptSession'

interface StoredEntry {
  sessionId: string
  sealedToken: string
}

function isStoredEntry(value: unknown): value is StoredEntry {
  const entry = value as StoredEntry
  return !!entry && typeof entry === 'object' && typeof entry.sessionId === 'string' && typeof entry.sealedToken === 'string'
}

export function createKeptSessionStore(backend: KeptSessionBackend): KeptSessionStore {
  function clear(): void {
    backend.store.delete(KEY)
  }
  function readEntry(): StoredEntry | null {
    const value = backend.store.get(KEY)
    if (value === undefined) return null
    if (isStoredEntry(value)) return value
    clear()
    return null
  }
  return {
    unavailableReason: () => (backend.isAvailable() ? null : KeptSessionUnavailableReason.NoKeyring),
    save(session) {
      if (!backend.isAvailable()) throw new Error('No OS keyring: a session cannot be kept across restarts')
      const sealedToken = backend.encrypt(session.token).toString('base64')
      backend.store.set(KEY, { sessionId: session.sessionId, sealedToken } satisfies StoredEntry)
    },
    load() {
      const entry = readEntry()
      if (!entry) return null
      if (!backend.isAvailable()) return null
      try {
        const token = backend.decrypt(Buffer.from(entry.sealedToken, 'base64'))
        return token ? { sessionId: entry.sessionId, token } : null
      } catch {
        // Another keyring, a damaged file: the kept session cannot be used.
        clear()
        return null
      }
    },
    keptSessionId: () => readEntry()?.sessionId ?? null,
    clear,
  }
}

/** For a platform with no way to keep a session (and the default in tests). */
export function createUnavailableKeptSessionStore(): KeptSessionStore {
  return {
    unavailableReason: () => KeptSessionUnavailableReason.NoKeyring,
    save() {
      throw new Error('No OS keyring: a session cannot be kept across restarts')
    },
    load: () => null,
    keptSessionId: () => null,
    clear() {},
  }
}
