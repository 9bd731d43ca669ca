import type { ChannelMap, EventChannelMap, Invoke, KeysteadApi, Subscribe } from './contract/api.ts'

/**
 * Builds the object the renderer sees as `window.keystead`: one named method per
 * contract entry, nothing generic. The same function runs in the real preload
 * (with ipcRenderer) and in the Playwright test bridge (with a page binding), so it
 * must stay self-contained: it uses only its parameters, never a module import, and
 * the bridge injects its source text into the page.
 */
export function createKeysteadApi(
  channelMap: ChannelMap,
  eventMap: EventChannelMap,
  invoke: Invoke,
  subscribe: Subscribe,
): KeysteadApi {
  const api: Record<string, unknown> = {}
  for (const [domain, methods] of Object.entries(channelMap)) {
    const namespace: Record<string, unknown> = {}
    for (const [method, channel] of Object.entries(methods as Record<string, string>)) {
      namespace[method] = (payload?: unknown) => invoke(channel, payload === undefined ? null : payload)
    }
    api[domain] = Object.freeze(namespace)
  }
  const events: Record<string, unknown> = {}
  for (const [name, channel] of Object.entries(eventMap as Record<string, string>)) {
    const method = 'on' + name.charAt(0).toUpperCase() + name.slice(1)
    events[method] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function')
      return subscribe(channel, (payload) => listener(payload))
    }
  }
  api.events = Object.freeze(events)
  return Object.freeze(api) as unknown as KeysteadApi
}
