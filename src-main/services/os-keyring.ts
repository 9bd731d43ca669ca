import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

/** Where a secret box may keep its 256-bit data key, base64-encoded. */
export interface KeyStore {
  readKey(): string | null
  writeKey(value: string): void
}

interface KeyringEntry {
  getPassword(): string | null | undefined
  setPassword(value: string): void
}
type KeyringModule = { Entry: new (service: string, account: string, options?: { linux?: { store?: string } }) => KeyringEntry }

export const KEYRING_SERVICE = 'Keystead'

/**
 * The OS keyring through @napi-rs/keyring (Keychain on macOS, Credential Manager on Windows, the
 * Secret Service on Linux; never the kernel keyutils store, which forgets keys at reboot). It is an
 * N-API module, so the same code runs in Electron's main process and in the plain-Node command line:
 * both read the same data key. Returns null when the module or a keyring is not available.
 */
export function openOSKeyStore(dataDir: string): KeyStore | null {
  let keyring: KeyringModule
  try {
    keyring = createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule
  } catch {
    return null
  }
  // One entry per data folder, so two Keystead profiles never share a key.
  const account = `data-key-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)}`
  try {
    const entry = new keyring.Entry(KEYRING_SERVICE, account, { linux: { store: 'secret-service' } })
    entry.getPassword() // throws when no keyring answers
    return {
      readKey: () => entry.getPassword() ?? null,
      writeKey: (value) => entry.setPassword(value),
    }
  } catch {
    return null
  }
}
