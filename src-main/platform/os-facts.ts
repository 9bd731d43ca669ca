import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { networkInterfaces, release, type as osType } from 'node:os'
import type { OSFacts } from '../services/device-facts.ts'

/** Runs a small system command and returns its standard output (throws when it fails or takes over 1.5 s). */
export type RunCommand = (file: string, args: string[]) => string

const runSystemCommand: RunCommand = (file, args) =>
  execFileSync(file, args, { encoding: 'utf8', timeout: 1500, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true })

/**
 * The machine model where the OS tells it: Linux exposes the firmware's product name in sysfs,
 * macOS its model identifier (`sysctl -n hw.model`, e.g. "MacBookPro18,3"), Windows the firmware's
 * SystemProductName in the registry. Null when the OS does not say: the caller shows "Unknown".
 */
export function readProductName(
  platform: NodeJS.Platform = process.platform,
  file = '/sys/class/dmi/id/product_name',
  run: RunCommand = runSystemCommand,
): string | null {
  try {
    if (platform === 'linux') return readFileSync(file, 'utf8')
    if (platform === 'darwin') return run('/usr/sbin/sysctl', ['-n', 'hw.model'])
    if (platform === 'win32') {
      const answer = run('reg', ['query', 'HKLM\\HARDWARE\\DESCRIPTION\\System\\BIOS', '/v', 'SystemProductName'])
      return /SystemProductName\s+REG_SZ\s+([^\r\n]+)/.exec(answer)?.[1] ?? null
    }
  } catch {
    // No such file, no such command, or it timed out: the OS does not tell.
  }
  return null
}

/** The model does not change while the process runs: asked once, so a sign-in never waits for a command twice. */
let productName: string | null | undefined

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
    productName: productName === undefined ? (productName = readProductName()) : productName,
    networkInterfaces: networkInterfaces(),
    arch: process.arch,
  }
}
