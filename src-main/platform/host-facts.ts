import { existsSync, readFileSync } from 'node:fs'
import { arch, hostname, networkInterfaces, release, type as osType } from 'node:os'
import type { DeviceFacts } from '../services/device-facts.ts'
import { UNKNOWN } from '../services/device-facts.ts'

/** The machine's model name where the OS tells it (Linux DMI), else the host name. */
export function readMachineModel(): string {
  const file = '/sys/class/dmi/id/product_name'
  try {
    if (process.platform === 'linux' && existsSync(file)) return readFileSync(file, 'utf8').trim() || hostname()
  } catch {
    // fall through
  }
  return hostname() || UNKNOWN
}

/** The first non-internal IPv4 address, or Unknown when the machine is offline. */
export function primaryAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      if (!entry.internal && entry.family === 'IPv4') return entry.address
    }
  }
  return UNKNOWN
}

/**
 * Device facts from plain Node (no electron): shared by the Electron platform, the CLI
 * and the local API. `client` names the face ("Keystead 0.1.0 (Electron ...)", "keystead CLI ...").
 */
export function collectHostFacts(client: { browser: string; engine: string }): DeviceFacts {
  return {
    browser: client.browser,
    os: `${osType()} ${release()}`,
    model: readMachineModel(),
    ip: primaryAddress(),
    engine: client.engine,
    arch: arch(),
  }
}
