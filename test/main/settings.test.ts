import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SettingsView } from '../../src-preload/contract/settings.ts'
import { curlExampleFor } from '../../src-main/ipc/settings.ipc.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { createMemorySettingsStore, createSettingsService, DEFAULT_SETTINGS } from '../../src-main/services/settings-service.ts'
import type { LocalApiControl, SettingsStore } from '../../src-main/services/settings-service.ts'
import { findFreePort, occupyPort } from '../fixtures/free-port.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

function fakeControl(): LocalApiControl & { applied: Array<{ enabled: boolean; port: number }>; refusePort: number | null } {
  let running: { port: number } | null = null
  const control = {
    applied: [] as Array<{ enabled: boolean; port: number }>,
    refusePort: null as number | null,
    async apply(config: { enabled: boolean; host: string; port: number }) {
      control.applied.push({ enabled: config.enabled, port: config.port })
      if (config.enabled && config.port === control.refusePort) {
        throw new KeysteadError('CONFLICT', 'in use', { field: 'localApi.port', reason: 'settings.portInUse' })
      }
      running = config.enabled ? { port: config.port } : null
      return control.status()
    },
    status: () => (running ? { running: true, address: `http://127.0.0.1:${running.port}`, problem: null } : { running: false, address: null, problem: null }),
    stop: async () => void (running = null),
  }
  return control
}

async function refusal(promise: Promise<unknown>): Promise<KeysteadError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(KeysteadError)
  return error as KeysteadError
}

describe('settings service (fake store, fake API control)', () => {
  let store: SettingsStore
  let control: ReturnType<typeof fakeControl>
  beforeEach(() => {
    store = createMemorySettingsStore()
    control = fakeControl()
  })

  it('starts from the defaults: system theme, API off on 7420, 12 h idle / 30 days', () => {
    expect(createSettingsService({ store, localApi: control }).getSettings()).toEqual(DEFAULT_SETTINGS)
    expect(DEFAULT_SETTINGS).toEqual({ theme: 'system', localApi: { enabled: false, port: 7420 }, sessionLifetimes: { idleTimeoutHours: 12, absoluteTimeoutDays: 30 } })
  })

  it('stores a valid change and starts/stops the API through the control', async () => {
    const service = createSettingsService({ store, localApi: control })
    await service.updateSettings({ theme: 'dark', localApi: { enabled: true, port: 8123 } })
    expect(service.getSettings()).toMatchObject({ theme: 'dark', localApi: { enabled: true, port: 8123 } })
    expect(control.applied).toEqual([{ enabled: true, port: 8123 }])
    expect(service.localApiStatus()).toEqual({ running: true, address: 'http://127.0.0.1:8123', problem: null })
    await service.updateSettings({ theme: 'light' })
    expect(control.applied).toHaveLength(1)
    await service.updateSettings({ localApi: { enabled: false } })
    expect(control.applied[1]).toEqual({ enabled: false, port: 8123 })
    expect(service.localApiStatus().running).toBe(false)
  })

  it.each([
    [{ localApi: { port: 1023 } }, 'localApi.port', 'settings.portRange'],
    [{ localApi: { port: 65536 } }, 'localApi.port', 'settings.portRange'],
    [{ localApi: { port: 8080.5 } }, 'localApi.port', 'settings.portRange'],
    [{ sessionLifetimes: { idleTimeoutHours: 0 } }, 'sessionLifetimes.idleTimeoutHours', 'settings.lifetimeRange'],
    [{ sessionLifetimes: { absoluteTimeoutDays: 0 } }, 'sessionLifetimes.absoluteTimeoutDays', 'settings.lifetimeRange'],
    [{ sessionLifetimes: { absoluteTimeoutDays: 366 } }, 'sessionLifetimes.absoluteTimeoutDays', 'settings.lifetimeRange'],
    [{ sessionLifetimes: { idleTimeoutHours: 49, absoluteTimeoutDays: 2 } }, 'sessionLifetimes.idleTimeoutHours', 'settings.idleExceedsAbsolute'],
    [{ theme: 'sepia' as never }, 'theme', 'settings.themeInvalid'],
  ])('refuses %j clearly and stores nothing', async (patch, field, reason) => {
    const service = createSettingsService({ store, localApi: control })
    const error = await refusal(service.updateSettings({ theme: 'dark', ...patch }))
    expect(error).toMatchObject({ code: 'VALIDATION', field, reason })
    expect(store.get('preferences')).toBeUndefined()
    expect(control.applied).toEqual([])
  })

  it('a port in use is refused and the previous settings stay', async () => {
    const service = createSettingsService({ store, localApi: control })
    await service.updateSettings({ localApi: { enabled: true, port: 8000 } })
    control.refusePort = 8001
    const error = await refusal(service.updateSettings({ localApi: { port: 8001 } }))
    expect(error.reason).toBe('settings.portInUse')
    expect(service.getSettings().localApi).toEqual({ enabled: true, port: 8000 })
  })

  it('ignores damaged stored values, and reports a port taken at start-up instead of failing', async () => {
    store.set('preferences', { theme: 'neon', localApi: { enabled: true, port: 8001 }, sessionLifetimes: { idleTimeoutHours: -3, absoluteTimeoutDays: 7 } })
    control.refusePort = 8001
    const service = createSettingsService({ store, localApi: control })
    expect(service.getSettings()).toEqual({ theme: 'system', localApi: { enabled: true, port: 8001 }, sessionLifetimes: { idleTimeoutHours: 12, absoluteTimeoutDays: 7 } })
    const status = await service.startLocalApiFromSettings()
    expect(status).toEqual({ running: false, address: null, problem: 'in use' })
    expect(service.localApiStatus().problem).toBe('in use')
  })
})

describe('settings over IPC with the real local API', () => {
  let dir: ReturnType<typeof makeTempDir>
  let test: TestCore
  beforeEach(async () => {
    dir = makeTempDir()
    test = await startTestCore({ dataDir: dir.path })
  })
  afterEach(() => {
    test.core.close()
    dir.remove()
  })


  it('reads settings without a session but changes them only with one', async () => {
    const read = await test.call<SettingsView>('keystead:settings.getSettings')
    expect(read).toMatchObject({ ok: true, value: { theme: 'system', localApiStatus: { running: false }, curlExample: curlExampleFor(7420) } })
    const write = await test.call('keystead:settings.updateSettings', { theme: 'dark' })
    expect(write).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('switches the API on and off, refuses bad payloads and a port in use, and copies the curl example', async () => {
    await test.call('keystead:auth.createAccount', { username: 'alice', password: 'wonderland 1' })
    const bad = await test.call('keystead:settings.updateSettings', { localApi: { port: '8080' } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'localApi.port' } })
    const extra = await test.call('keystead:settings.updateSettings', { colour: 'red' })
    expect(extra).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })

    const port = await findFreePort()
    const on = await test.call<SettingsView>('keystead:settings.updateSettings', { localApi: { enabled: true, port } })
    expect(on.ok).toBe(true)
    const view = (on as { value: SettingsView }).value
    expect(view.localApiStatus).toEqual({ running: true, address: `http://127.0.0.1:${port}`, problem: null })
    expect(view.curlExample).toBe(`curl -H "Authorization: Bearer $KEYSTEAD_TOKEN" http://127.0.0.1:${port}/api/v2/users/me`)
    expect((await fetch(`http://127.0.0.1:${port}/api/v2/users/me`)).status).toBe(401)
    expect((await fetch(`http://127.0.0.1:${port}/api/v2/openapi.json`)).status).toBe(200)

    const taken = await findFreePort()
    const blocker = await occupyPort(taken)
    const refused = await test.call('keystead:settings.updateSettings', { localApi: { port: taken } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'settings.portInUse', field: 'localApi.port' } })
    blocker.close()
    const after = await test.call<SettingsView>('keystead:settings.getSettings')
    expect((after as { value: SettingsView }).value.localApi).toEqual({ enabled: true, port })
    expect((await fetch(`http://127.0.0.1:${port}/api/v2/openapi.json`)).status).toBe(200)

    expect(await test.call('keystead:settings.copyCurlExample')).toEqual({ ok: true, value: null })
    expect(test.platform.clipboardText).toBe(curlExampleFor(port))

    const off = await test.call<SettingsView>('keystead:settings.updateSettings', { localApi: { enabled: false } })
    expect((off as { value: SettingsView }).value.localApiStatus.running).toBe(false)
    await expect(fetch(`http://127.0.0.1:${port}/api/v2/openapi.json`)).rejects.toThrow()
  })

  it('session lifetimes from the Settings screen become the one session policy in the database', async () => {
    const created = await test.call('keystead:auth.createAccount', { username: 'alice', password: 'wonderland 1' })
    expect(created.ok).toBe(true)
    const saved = await test.call<SettingsView>('keystead:settings.updateSettings', { sessionLifetimes: { idleTimeoutHours: 2, absoluteTimeoutDays: 7 } })
    expect(saved).toMatchObject({ ok: true, value: { sessionLifetimes: { idleTimeoutHours: 2, absoluteTimeoutDays: 7 } } })
    const policy = test.core.services!.sessions.getSessionPolicy()
    expect(policy).toMatchObject({ idleTimeoutMs: 2 * 3_600_000, absoluteTimeoutMs: 7 * 24 * 3_600_000 })
    // The CLI and the API share it: the sessions domain reads the same values.
    expect(await test.call('keystead:sessions.getLifetimes')).toMatchObject({ ok: true, value: { idleTimeoutMinutes: 120, absoluteTimeoutMinutes: 7 * 24 * 60 } })
    // A refused change leaves the policy as it was.
    const refused = await test.call('keystead:settings.updateSettings', { sessionLifetimes: { idleTimeoutHours: 200, absoluteTimeoutDays: 2 } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'sessionLifetimes.idleTimeoutHours' } })
    expect(test.core.services!.sessions.getSessionPolicy()).toMatchObject({ idleTimeoutMs: 2 * 3_600_000 })
  })
})
