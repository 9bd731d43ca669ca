import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CHANNEL_PREFIX, channels, eventChannels, listChannels } from '../../src-preload/contract/api.ts'
import { createKeysteadApi } from '../../src-preload/create-api.ts'
import { createHandlerTable } from '../../src-main/ipc/handlers.ts'

describe('the IPC contract', () => {
  it('names every channel once, with the keystead: prefix', () => {
    const all = [...listChannels(), ...Object.values(eventChannels)]
    expect(new Set(all).size).toBe(all.length)
    for (const channel of all) expect(channel.startsWith(CHANNEL_PREFIX)).toBe(true)
  })

  it('has a main-process handler for every method', () => {
    const table = createHandlerTable({ getStatus: () => ({ state: 'ready', version: 'x' }) })
    expect([...table.keys()].sort()).toEqual(listChannels().sort())
  })

  it('builds an API object of named methods only, routing each to its channel', async () => {
    const calls: Array<[string, unknown]> = []
    const api = createKeysteadApi(channels, eventChannels, async (channel, payload) => {
      calls.push([channel, payload])
      return { ok: true, value: null }
    }, () => () => {})
    expect(Object.keys(api).sort()).toEqual([...Object.keys(channels), 'events'].sort())
    expect(Object.isFrozen(api) && Object.isFrozen(api.auth)).toBe(true)
    expect('invoke' in api).toBe(false)
    await api.auth.signIn({ username: 'a', password: 'b' })
    await api.auth.listAccounts()
    expect(calls).toEqual([
      ['keystead:auth.signIn', { username: 'a', password: 'b' }],
      ['keystead:auth.listAccounts', null],
    ])
  })

  it('hands listeners only the payload, and lets them unsubscribe', () => {
    const listeners = new Map<string, (payload: unknown) => void>()
    const api = createKeysteadApi(channels, eventChannels, async () => null, (channel, listener) => {
      listeners.set(channel, listener)
      return () => listeners.delete(channel)
    })
    const seen: unknown[] = []
    const stop = api.events.onSessionEnded((event) => seen.push(event))
    listeners.get(eventChannels.sessionEnded)!({ reason: 'revoked' })
    expect(seen).toEqual([{ reason: 'revoked' }])
    stop()
    expect(listeners.has(eventChannels.sessionEnded)).toBe(false)
  })

  it('is self-contained, so the test bridge can inject the very same function', () => {
    const source = createKeysteadApi.toString()
    const rebuilt = new Function(`return (${source})`)() as typeof createKeysteadApi
    const api = rebuilt(channels, eventChannels, async () => null, () => () => {})
    expect(Object.keys(api.auth).sort()).toEqual(Object.keys(channels.auth).sort())
  })

  it('the preload exposes that factory and nothing else', () => {
    const preload = readFileSync(new URL('../../src-preload/index.ts', import.meta.url), 'utf8')
    expect(preload).toContain("contextBridge.exposeInMainWorld('keystead', api)")
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1)
    expect(preload).not.toMatch(/ipcRenderer\.(send|sendSync|postMessage)\b/)
  })
})
