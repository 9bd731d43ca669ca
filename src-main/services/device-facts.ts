/**
 * Facts about the device a session runs on. Collected by the face that starts the
 * session (the Electron app, the CLI, the local API) and stored with the session.
 */
export interface DeviceFacts {
  browser: string
  os: string
  model: string
  ip: string
  engine: string
  arch: string
}

export const UNKNOWN = 'Unknown'

export function summarizeDevice(facts: Pick<DeviceFacts, 'browser' | 'os' | 'arch'>): string {
  return `${facts.browser || UNKNOWN} on ${facts.os || UNKNOWN} (${facts.arch || UNKNOWN})`
}
