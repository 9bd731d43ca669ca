import type { Result } from './errors.ts'

/** App-wide preferences (not per account), kept by the Electron shell with electron-store. */
export const Theme = Object.freeze({ System: 'system', Light: 'light', Dark: 'dark' } as const)
export type Theme = (typeof Theme)[keyof typeof Theme]

export interface LocalApiSettings {
  enabled: boolean
  /** 1024-65535. */
  port: number
}

export interface SessionLifetimeSettings {
  /** A session unused this long ends (1-720 hours). */
  idleTimeoutHours: number
  /** No session lives longer than this (1-365 days). */
  absoluteTimeoutDays: number
}

export interface AppSettings {
  theme: Theme
  localApi: LocalApiSettings
  sessionLifetimes: SessionLifetimeSettings
}

export interface LocalApiStatus {
  running: boolean
  /** `http://127.0.0.1:7420` while running, else null. */
  address: string | null
  /** Why the API is not running although it is switched on (for example: the port is taken). */
  problem: string | null
}

export interface SettingsView extends AppSettings {
  localApiStatus: LocalApiStatus
  /** A `curl` call that lists the signed-in account through the local API. */
  curlExample: string
}

export interface SettingsPatch {
  theme?: Theme
  localApi?: Partial<LocalApiSettings>
  sessionLifetimes?: Partial<SessionLifetimeSettings>
}

export interface SettingsApi {
  getSettings(): Promise<Result<SettingsView>>
  updateSettings(patch: SettingsPatch): Promise<Result<SettingsView>>
  /** Copies the `curl` example to the clipboard. */
  copyCurlExample(): Promise<Result<null>>
}

export const settingsChannels = {
  getSettings: 'keystead:settings.getSettings',
  updateSettings: 'keystead:settings.updateSettings',
  copyCurlExample: 'keystead:settings.copyCurlExample',
} as const satisfies Record<keyof SettingsApi, `keystead:${string}`>
