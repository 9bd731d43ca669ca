// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { channels, eventChannels } from '../../src-preload/contract/api.ts'
import type { StartupState } from '../../src-preload/contract/auth.ts'
import { createKeysteadApi } from '../../src-preload/create-api.ts'
import { useSessionStore } from '../../src-renderer/src/stores/session.ts'

const READY: StartupState = {
  status: { state: 'ready', version: '1' },
  startupLanguage: 'tr',
  theme: 'dark',
  account: null,
  signInHints: { accounts: 'one', username: 'alice', role: 'administrator' },
  signInOptions: { keepSignedIn: { available: true } },
}

let calls: string[]
let answer: StartupState
beforeEach(() => {
  setActivePinia(createPinia())
  calls = []
  answer = READY
  delete document.documentElement.dataset.theme
  window.keystead = createKeysteadApi(channels, eventChannels, async (channel) => {
    calls.push(channel)
    await new Promise((resolve) => setTimeout(resolve, 5))
    return channel === channels.app.getStartupState ? { ok: true, value: answer } : { ok: true, value: { accounts: 'several' } }
  }, () => () => {})
})

describe('the session store at start-up', () => {
  it('needs one call, shared by everyone who waits for it', async () => {
    const session = useSessionStore()
    await Promise.all([session.initialize(), session.initialize(), session.initialize()])
    await session.initialize()
    expect(calls).toEqual([channels.app.getStartupState])
    expect(session.isReady).toBe(true)
    expect(session.isSignedIn).toBe(false)
    expect(session.hasAccounts).toBe(true)
    expect(session.signInHints).toEqual({ accounts: 'one', username: 'alice', role: 'administrator' })
    expect(session.startupLanguage).toBe('tr')
    expect(session.signInOptions).toEqual({ keepSignedIn: { available: true } })
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('uses a request main.ts already sent instead of sending another', async () => {
    const early = window.keystead.app.getStartupState()
    calls.length = 0
    const session = useSessionStore()
    await Promise.all([session.initialize(early), session.initialize()])
    expect(calls).toEqual([])
    expect(session.signInHints.accounts).toBe('one')
  })

  it('knows a first run (no account) and a start-up error', async () => {
    answer = { ...READY, signInHints: { accounts: 'none' } }
    const first = useSessionStore()
    await first.initialize()
    expect(first.hasAccounts).toBe(false)

    setActivePinia(createPinia())
    answer = { status: { state: 'error', code: 'DB_TOO_NEW', message: 'newer', path: '/x' } }
    const broken = useSessionStore()
    await broken.initialize()
    expect(broken.isReady).toBe(false)
    expect(broken.isInitialized).toBe(true)
    expect(broken.hasAccounts).toBe(false)
  })

  it('refreshes the hints (after creating or deleting an account) with getSignInHints, not the account list', async () => {
    const session = useSessionStore()
    await session.initialize()
    await session.refreshSignInHints()
    expect(calls).toEqual([channels.app.getStartupState, channels.auth.getSignInHints])
    expect(session.signInHints).toEqual({ accounts: 'several' })
  })
})
