import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { SessionEndedEvent } from '../../../src-preload/contract/api.ts'
import type { CompleteSignInInput, CreateAccountInput, SignInInput } from '../../../src-preload/contract/auth.ts'
import type { AccountSummary, AppStatus, CurrentAccount } from '../../../src-preload/contract/models.ts'
import { getApi, setUnauthenticatedHandler, unwrap } from '../api.ts'

/** Who is signed in in this window, and the app's start-up status. */
export const useSessionStore = defineStore('session', () => {
  const status = ref<AppStatus | null>(null)
  const account = ref<CurrentAccount | null>(null)
  const accounts = ref<AccountSummary[]>([])
  const endedReason = ref<SessionEndedEvent['reason'] | null>(null)
  const isInitialized = ref(false)
  /** Set after a sign-in with a recovery code: how many are left (the Security screen says so). */
  const recoveryCodesLeft = ref<number | null>(null)
  /** The last signed-in account's language, for the screens before sign-in. */
  const startupLanguage = ref<string | null>(null)
  let stopListening: Array<() => void> = []

  const isSignedIn = computed(() => account.value !== null)
  const hasAccounts = computed(() => accounts.value.length > 0)
  const isReady = computed(() => status.value?.state === 'ready')

  function markSignedOut(reason: SessionEndedEvent['reason']): void {
    if (account.value === null) return
    account.value = null
    endedReason.value = reason
  }

  async function initialize(): Promise<void> {
    if (isInitialized.value) return
    const api = getApi()
    status.value = await unwrap(api.app.getStatus())
    for (const stop of stopListening) stop()
    stopListening = [
      api.events.onSessionEnded((event) => markSignedOut(event.reason)),
      api.events.onAppStatusChanged((next) => {
        status.value = next
      }),
    ]
    setUnauthenticatedHandler(() => markSignedOut('expired'))
    if (status.value.state === 'ready') {
      startupLanguage.value = await unwrap(api.profile.getStartupLanguage())
      account.value = await unwrap(api.auth.getCurrentAccount())
      accounts.value = await unwrap(api.auth.listAccounts())
    }
    isInitialized.value = true
  }

  async function refreshAccounts(): Promise<void> {
    accounts.value = await unwrap(getApi().auth.listAccounts())
  }

  async function refreshAccount(): Promise<void> {
    account.value = await unwrap(getApi().auth.getCurrentAccount())
  }

  async function createAccount(input: CreateAccountInput): Promise<void> {
    account.value = await unwrap(getApi().auth.createAccount(input))
    endedReason.value = null
    await refreshAccounts()
  }

  /** Returns 'second-factor-required' when the password was right and a code is needed next. */
  async function signIn(input: SignInInput): Promise<'signed-in' | 'second-factor-required'> {
    const outcome = await unwrap(getApi().auth.signIn(input))
    if (outcome.status === 'signed-in') {
      account.value = outcome.account
      endedReason.value = null
      recoveryCodesLeft.value = null
    }
    return outcome.status
  }

  /** The second step: a code from the app or a recovery code (main holds the half-signed-in state). */
  async function completeSignIn(input: CompleteSignInInput): Promise<void> {
    const outcome = await unwrap(getApi().auth.completeSignIn(input))
    if (outcome.status !== 'signed-in') return
    account.value = outcome.account
    endedReason.value = null
    recoveryCodesLeft.value = outcome.recoveryCodesLeft ?? null
  }

  async function signOut(): Promise<void> {
    try {
      await unwrap(getApi().auth.signOut())
    } finally {
      account.value = null
      endedReason.value = 'signed-out'
    }
  }

  return {
    status,
    account,
    accounts,
    endedReason,
    isInitialized,
    startupLanguage,
    isSignedIn,
    hasAccounts,
    isReady,
    initialize,
    refreshAccounts,
    refreshAccount,
    createAccount,
    signIn,
    completeSignIn,
    recoveryCodesLeft,
    signOut,
    markSignedOut,
  }
})
