// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { channels, eventChannels } from '../../src-preload/contract/api.ts'
import type { SecurityLogPage } from '../../src-preload/contract/audit.ts'
import type { SessionListView, SessionSummary } from '../../src-preload/contract/sessions.ts'
import { createKeysteadApi } from '../../src-preload/create-api.ts'
import { useAuditStore } from '../../src-renderer/src/stores/audit.ts'
import { useSessionsStore } from '../../src-renderer/src/stores/sessions.ts'

/** What the stores asked main for, and a main that answers from a list of numbered items. */
let asked: Array<{ channel: string; payload: unknown }>
let answer: (channel: string, payload: Record<string, unknown> | null) => unknown

beforeEach(() => {
  setActivePinia(createPinia())
  asked = []
  window.keystead = createKeysteadApi(
    channels,
    eventChannels,
    async (channel, payload) => {
      asked.push({ channel, payload })
      return { ok: true, value: answer(channel, payload as Record<string, unknown> | null) }
    },
    () => () => {},
  )
})

const session = (id: string): SessionSummary => ({
  id, origin: 'app', isCurrent: false, keepSignedIn: false, browser: 'B', os: 'O', model: 'M', ip: '127.0.0.1', engine: 'E', arch: 'x64',
  createdAt: '2026-12-01T00:00:00.000Z', lastUsedAt: '2026-12-01T00:00:00.000Z', lastAuthAt: '2026-12-01T00:00:00.000Z', expiresAt: '2026-12-02T00:00:00.000Z',
})

describe('the sessions store pages the other sessions', () => {
  it('loads the first page, adds the next below it with "show more", and starts again on load', async () => {
    const all = Array.from({ length: 5 }, (_, i) => session(`s${i}`))
    answer = (_channel, payload) => {
      const from = payload?.cursor ? Number(payload.cursor) : 0
      const others = all.slice(from, from + 2)
      const view: SessionListView = {
        current: { ...session('me'), isCurrent: true },
        others,
        lifetimes: { idleTimeoutMinutes: 1, absoluteTimeoutMinutes: 2, minMinutes: 1, maxMinutes: 3 },
        othersTotal: all.length,
        nextCursor: from + 2 < all.length ? String(from + 2) : null,
      }
      return view
    }
    const store = useSessionsStore()
    await store.load()
    expect(store.view!.others.map((s) => s.id)).toEqual(['s0', 's1'])
    await store.loadMore()
    await store.loadMore()
    expect(store.view!.others.map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3', 's4'])
    expect(store.view!.nextCursor).toBeNull()
    await store.loadMore() // nothing more to ask for
    expect(asked.map((a) => a.payload)).toEqual([null, { cursor: '2' }, { cursor: '4' }])
    await store.load()
    expect(store.view!.others.map((s) => s.id)).toEqual(['s0', 's1'])
  })
})

describe('the security log store pages by cursor', () => {
  it('asks for the next page with the cursor the page before gave, goes back the same way, and forgets the cursors when the filter changes', async () => {
    answer = (_channel, payload) => {
      const page = Number(payload?.page ?? 1)
      const value: SecurityLogPage = { entries: [], total: 100, page, pageSize: 20, nextCursor: page < 5 ? `after-${page}` : null, kinds: [], kindGroups: [] }
      return value
    }
    const store = useAuditStore()
    await store.load()
    await store.goToPage(2)
    await store.goToPage(3)
    await store.goToPage(2)
    await store.setKind('signin')
    await store.goToPage(2)
    expect(asked.map((a) => a.payload)).toEqual([
      { kinds: [], page: 1, pageSize: 20 },
      { kinds: [], page: 2, pageSize: 20, cursor: 'after-1' },
      { kinds: [], page: 3, pageSize: 20, cursor: 'after-2' },
      { kinds: [], page: 2, pageSize: 20, cursor: 'after-1' },
      { kinds: ['signin'], page: 1, pageSize: 20 },
      { kinds: ['signin'], page: 2, pageSize: 20, cursor: 'after-1' },
    ])
  })
})
