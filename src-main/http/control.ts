import type { LocalApiStatus } from '../../src-preload/contract/settings.ts'
import type { Logger } from '../log.ts'
import type { Services } from '../services/index.ts'
import type { LocalApiControl } from '../services/settings-service.ts'
import type { CredentialVerifier } from './credentials.ts'
import { startLocalApiServer } from './server.ts'
import type { RunningApiServer } from './server.ts'

/**
 * Runs at most one local API server for the app, as its settings say. A new port is
 * taken before the old one is let go, so a refused change leaves the API as it was.
 */
export function createLocalApiControl(options: {
  getServices(): Services | null
  createVerifier(services: Services): CredentialVerifier
  log: Logger
}): LocalApiControl {
  let running: RunningApiServer | null = null
  const status = (): LocalApiStatus => (running ? { running: true, address: running.address, problem: null } : { running: false, address: null, problem: null })
  return {
    status,
    async apply(config) {
      if (!config.enabled) {
        await running?.close()
        running = null
        return status()
      }
      if (running && running.port === config.port) return status()
      const services = options.getServices()
      if (!services) return status()
      const next = await startLocalApiServer({ services, verifier: options.createVerifier(services), log: options.log, host: config.host, port: config.port })
      const previous = running
      running = next
      await previous?.close()
      options.log.info('Local API listening', { address: next.address })
      return status()
    },
    async stop() {
      await running?.close()
      running = null
    },
  }
}
