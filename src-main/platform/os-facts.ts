import { readFileSync } from 'node:fs'
import { networkInterfaces, release, type as osType } from 'node:os'
import type { OSFacts } from '../services/device-facts.ts'

/** The machine model where the OS tells it: Linux exposes the firmware's product name. */
export function readProductName(platform: NodeJS.Platform = process.platform, file = '/sys/class/dmi/id/product_name'): string | null {
  if (platform !== 'linux') return null
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

/**
 * Reads the real OS facts of this process (plain Node: works in Electron's main process and in
 * the command line). Turn them into session facts with services/device-facts.collectDeviceFacts.
 */
export function readOSFacts(): OSFacts {
  return {
    versions: {
      electron: process.versions.electron,
      chrome: process.versions.chrome,
      v8: process.versions.v8,
      node: process.versions.node,
    },
    osType: osType(),
    osRelease: release(),
    productName: readProductName(),
    networkInterfaces: networkInterfaces(),
    arch: process.arch,
  }
}
