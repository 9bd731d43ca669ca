import type { DeviceDetails } from '../../src-preload/contract/sessions.ts'

/**
 * Facts about the device a session runs on. Collected by the face that starts the
 * session (the Electron app, the CLI, the local API) and stored with the session.
 */
export type DeviceFacts = DeviceDetails

export const UNKNOWN = 'Unknown'

export function summarizeDevice(facts: Pick<DeviceFacts, 'browser' | 'os' | 'arch'>): string {
  return `${facts.browser || UNKNOWN} on ${facts.os || UNKNOWN} (${facts.arch || UNKNOWN})`
}

/** One address of a network interface, as node:os networkInterfaces() reports it. */
export interface InterfaceAddress {
  address: string
  family: string | number
  internal: boolean
}

/**
 * What the operating system and the runtime tell us, read by the face (node:os, process,
 * /sys). Everything is injected so that collectDeviceFacts stays pure and testable.
 */
export interface OSFacts {
  /** process.versions: electron and chrome only inside Electron; v8 and node everywhere. */
  versions: { electron?: string; chrome?: string; v8?: string; node?: string }
  /** os.type(): 'Linux', 'Darwin', 'Windows_NT', ... */
  osType: string
  /** os.release() */
  osRelease: string
  /** The machine model as the OS reports it (Linux: /sys/class/dmi/id/product_name), or null. */
  productName: string | null
  /** os.networkInterfaces() */
  networkInterfaces: Record<string, InterfaceAddress[] | undefined>
  /** process.arch */
  arch: string
}

const OS_NAMES: Record<string, string> = { Linux: 'Linux', Darwin: 'macOS', Windows_NT: 'Windows', FreeBSD: 'FreeBSD', OpenBSD: 'OpenBSD' }

/** Firmware placeholders that are not a model name: better "Unknown" than an invention. */
const PLACEHOLDER_MODELS = [
  /^to be filled/i,
  /^system product name$/i,
  /^default string$/i,
  /^not (applicable|specified)$/i,
  /^none$/i,
  /^o\.?e\.?m\.?$/i,
  /^x+$/i,
  /^0+$/,
]

/** Interfaces that are bridges to containers or virtual machines rather than the machine's own link. */
const VIRTUAL_INTERFACE = /^(docker|veth|br-|virbr|vmnet|vboxnet|cni|flannel|podman|lxc|lxd|tailscale|zt|utun|awdl|llw)/i

function clean(value: string | null | undefined): string {
  // Device facts are shown and logged: keep them printable and short.
  return (value ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200)
}

function isIPv4(entry: InterfaceAddress): boolean {
  return entry.family === 'IPv4' || entry.family === 4
}

function isLinkLocal(entry: InterfaceAddress): boolean {
  return isIPv4(entry) ? entry.address.startsWith('169.254.') : /^fe80:/i.test(entry.address)
}

/**
 * The primary non-internal address: IPv4 before IPv6, the machine's own interfaces before
 * container and VM bridges, never loopback or link-local. "Unknown" when there is none.
 */
export function selectPrimaryAddress(interfaces: OSFacts['networkInterfaces']): string {
  const candidates: Array<{ rank: number; order: number; address: string }> = []
  let order = 0
  for (const [name, entries] of Object.entries(interfaces)) {
    for (const entry of entries ?? []) {
      order++
      if (entry.internal || !entry.address || isLinkLocal(entry)) continue
      const rank = (VIRTUAL_INTERFACE.test(name) ? 2 : 0) + (isIPv4(entry) ? 0 : 1)
      candidates.push({ rank, order, address: entry.address })
    }
  }
  candidates.sort((a, b) => a.rank - b.rank || a.order - b.order)
  return candidates[0]?.address ?? UNKNOWN
}

export function describeModel(productName: string | null): string {
  const model = clean(productName)
  if (!model || PLACEHOLDER_MODELS.some((pattern) => pattern.test(model))) return UNKNOWN
  return model
}

/** Turns the injected OS facts into the facts stored with a session. Pure. */
export function collectDeviceFacts(facts: OSFacts): DeviceFacts {
  const { electron, chrome, v8, node } = facts.versions
  let browser = UNKNOWN
  if (electron && chrome) browser = `Electron ${clean(electron)}, Chromium ${clean(chrome)}`
  else if (node) browser = `Node.js ${clean(node)}`
  let engine = UNKNOWN
  if (chrome && v8) engine = `Blink ${clean(chrome)}, V8 ${clean(v8)}`
  else if (v8) engine = `V8 ${clean(v8)}`
  const osName = OS_NAMES[facts.osType] ?? clean(facts.osType)
  const os = osName ? [osName, clean(facts.osRelease)].filter(Boolean).join(' ') : UNKNOWN
  return {
    browser,
    os,
    model: describeModel(facts.productName),
    ip: selectPrimaryAddress(facts.networkInterfaces),
    engine,
    arch: clean(facts.arch) || UNKNOWN,
  }
}
