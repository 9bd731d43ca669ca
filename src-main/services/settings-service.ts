import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { AppSettings, LocalApiStatus, SettingsPatch, Theme } from '../../src-preload/contract/settings.ts'
import { checkFields, ErrorCode, KeysteadError, validationError } from './errors.ts'

/** Where settings live: electron-store in the app, a Map in tests and the CLI. */
export interface SettingsStore {
  get(key: string): unknown
  set(key: string, value: unknown): void
}

export function createMemorySettingsStore(initial: Record<string, unknown> = {}): SettingsStore {
  const values = new Map(Object.entries(initial))
  return { get: (key) => values.get(key), set: (key, value) => void values.set(key, value) }
}

export const LOCAL_API_HOST = '127.0.0.1'
export const DEFAULT_LOCAL_API_PORT = 7420
export const PORT_MIN = 1024
export const PORT_MAX = 65535
export const IDLE_HOURS_MAX = 720
export const ABSOLUTE_DAYS_MAX = 365

/**
 * Starts and stops the local REST API for the settings (implemented by the http face,
 * injected so the service stays free of it). `apply` throws a KeysteadError when the
 * port cannot be taken (`settings.portInUse`).
 */
export interface LocalApiControl {
  apply(config: { enabled: boolean; host: string; port: number }): Promise<LocalApiStatus>
  status(): LocalApiStatus
  stop(): Promise<void>
}

/** For faces without a local API (the CLI's own commands, unit tests). */
export function createInertLocalApiControl(): LocalApiControl {
  const stopped: LocalApiStatus = { running: false, address: null, problem: null }
  return {
    async apply(config) {
      if (config.enabled) throw new KeysteadError(ErrorCode.Unavailable, 'The local API cannot run here.', { reason: 'settings.apiUnavailable' })
      return stopped
    },
    status: () => stopped,
    stop: async () => {},
  }
}

export const DEFAULT_SETTINGS: AppSettings = Object.freeze({
  theme: 'system',
  localApi: Object.freeze({ enabled: false, port: DEFAULT_LOCAL_API_PORT }),
  sessionLifetimes: Object.freeze({ idleTimeoutHours: 12, absoluteTimeoutDays: 30 }),
}) as AppSettings

const STORE_KEY = 'preferences'
const THEMES: readonly Theme[] = ['system', 'light', 'dark']

export function validatePort(value: number, field = 'localApi.port'): number {
  if (!Number.isInteger(value) || value < PORT_MIN || value > PORT_MAX) {
    throw validationError(field, 'settings.portRange', `The port must be a whole number from ${PORT_MIN} to ${PORT_MAX}.`, { min: PORT_MIN, max: PORT_MAX })
  }
  return value
}

function validateWhole(value: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw validationError(field, 'settings.lifetimeRange', `Enter a whole number from 1 to ${max}.`, { min: 1, max })
  }
  return value
}

/** Reads what the store holds, keeping only valid values (a hand-edited file cannot break the app). */
function readStored(store: SettingsStore): AppSettings {
  const raw = (store.get(STORE_KEY) ?? {}) as Partial<Record<keyof AppSettings, Record<string, unknown> | string>>
  const settings: AppSettings = structuredClone(DEFAULT_SETTINGS)
  if (typeof raw.theme === 'string' && (THEMES as string[]).includes(raw.theme)) settings.theme = raw.theme as Theme
  const api = typeof raw.localApi === 'object' && raw.localApi ? raw.localApi : {}
  if (typeof api.enabled === 'boolean') settings.localApi.enabled = api.enabled
  if (typeof api.port === 'number' && Number.isInteger(api.port) && api.port >= PORT_MIN && api.port <= PORT_MAX) settings.localApi.port = api.port
  const life = typeof raw.sessionLifetimes === 'object' && raw.sessionLifetimes ? raw.sessionLifetimes : {}
  const idle = life.idleTimeoutHours
  const absolute = life.absoluteTimeoutDays
  if (typeof idle === 'number' && Number.isInteger(idle) && idle >= 1 && idle <= IDLE_HOURS_MAX) settings.sessionLifetimes.idleTimeoutHours = idle
  if (typeof absolute === 'number' && Number.isInteger(absolute) && absolute >= 1 && absolute <= ABSOLUTE_DAYS_MAX) {
    settings.sessionLifetimes.absoluteTimeoutDays = absolute
  }
  return settings
}

export interface SettingsService {
  getSettings(): AppSettings
  /** Validates the whole change first; a refused change (bad value, port in use) stores nothing. */
  updateSettings(patch: SettingsPatch, by?: SessionRow | null): Promise<AppSettings>
  localApiStatus(): LocalApiStatus
  /** At start-up: runs the local API when the stored settings say so. Never throws. */
  startLocalApiFromSettings(): Promise<LocalApiStatus>
}

/**
 * The session lifetimes live in the database (one policy for the app, the CLI and the API);
 * the settings screen reads and writes them through this seam.
 */
export interface SessionPolicyAccess {
  get(): { idleTimeoutMs: number; absoluteTimeoutMs: number }
  set(lifetimes: { idleTimeoutMs: number; absoluteTimeoutMs: number }, by: SessionRow | null): void
}

const HOUR_MS = 3_600_000

export function createSettingsService(deps: { store: SettingsStore; localApi: LocalApiControl; sessionPolicy?: SessionPolicyAccess }): SettingsService {
  const { store, localApi, sessionPolicy } = deps
  let startProblem: string | null = null
  function readSettings(): AppSettings {
    const settings = readStored(store)
    if (sessionPolicy) {
      const policy = sessionPolicy.get()
      settings.sessionLifetimes = {
        idleTimeoutHours: Math.max(1, Math.round(policy.idleTimeoutMs / HOUR_MS)),
        absoluteTimeoutDays: Math.max(1, Math.round(policy.absoluteTimeoutMs / (24 * HOUR_MS))),
      }
    }
    return settings
  }
  return {
    getSettings: readSettings,
    async updateSettings(patch, by = null) {
      const current = readSettings()
      const next: AppSettings = structuredClone(current)
      // Every field checked, every refusal reported at once.
      const checked = checkFields({
        theme: () => {
          if (patch.theme !== undefined && !THEMES.includes(patch.theme)) throw validationError('theme', 'settings.themeInvalid', 'Choose system, light or dark.')
          return patch.theme
        },
        'localApi.port': () => (patch.localApi?.port !== undefined ? validatePort(patch.localApi.port) : undefined),
        'sessionLifetimes.idleTimeoutHours': () => {
          const hours = patch.sessionLifetimes?.idleTimeoutHours
          return hours !== undefined ? validateWhole(hours, IDLE_HOURS_MAX, 'sessionLifetimes.idleTimeoutHours') : undefined
        },
        'sessionLifetimes.absoluteTimeoutDays': () => {
          const days = patch.sessionLifetimes?.absoluteTimeoutDays
          return days !== undefined ? validateWhole(days, ABSOLUTE_DAYS_MAX, 'sessionLifetimes.absoluteTimeoutDays') : undefined
        },
      })
      if (checked.theme !== undefined) next.theme = checked.theme
      if (patch.localApi?.enabled !== undefined) next.localApi.enabled = patch.localApi.enabled
      if (checked['localApi.port'] !== undefined) next.localApi.port = checked['localApi.port']
      if (checked['sessionLifetimes.idleTimeoutHours'] !== undefined) next.sessionLifetimes.idleTimeoutHours = checked['sessionLifetimes.idleTimeoutHours']
      if (checked['sessionLifetimes.absoluteTimeoutDays'] !== undefined) next.sessionLifetimes.absoluteTimeoutDays = checked['sessionLifetimes.absoluteTimeoutDays']
      if (next.sessionLifetimes.idleTimeoutHours > next.sessionLifetimes.absoluteTimeoutDays * 24) {
        throw validationError('sessionLifetimes.idleTimeoutHours', 'settings.idleExceedsAbsolute', 'A session cannot stay idle longer than its whole lifetime.')
      }
      const apiChanged = next.localApi.enabled !== current.localApi.enabled || next.localApi.port !== current.localApi.port
      const apiDown = next.localApi.enabled && !localApi.status().running
      if (apiChanged || apiDown) {
        await localApi.apply({ enabled: next.localApi.enabled, host: LOCAL_API_HOST, port: next.localApi.port })
        startProblem = null
      }
      const lifetimesChanged =
        next.sessionLifetimes.idleTimeoutHours !== current.sessionLifetimes.idleTimeoutHours ||
        next.sessionLifetimes.absoluteTimeoutDays !== current.sessionLifetimes.absoluteTimeoutDays
      if (sessionPolicy && lifetimesChanged) {
        sessionPolicy.set(
          { idleTimeoutMs: next.sessionLifetimes.idleTimeoutHours * HOUR_MS, absoluteTimeoutMs: next.sessionLifetimes.absoluteTimeoutDays * 24 * HOUR_MS },
          by,
        )
      }
      store.set(STORE_KEY, next)
      return next
    },
    localApiStatus() {
      const status = localApi.status()
      return status.running || !startProblem ? status : { ...status, problem: startProblem }
    },
    async startLocalApiFromSettings() {
      const settings = readStored(store)
      if (!settings.localApi.enabled) return localApi.status()
      try {
        startProblem = null
        return await localApi.apply({ enabled: true, host: LOCAL_API_HOST, port: settings.localApi.port })
      } catch (error) {
        startProblem = (error as Error).message
        return { running: false, address: null, problem: startProblem }
      }
    },
  }
}
