import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { SessionEndedEvent } from '../../../src-preload/contract/api.ts'
import type { CompleteSignInInput, CreateAccountInput, SignInHints, SignInInput, SignInOptions, StartupState } from '../../../src-preload/contract/auth.ts'
import type { Result } from '../../../src-preload/contract/errors.ts'
import type { AppStatus, CurrentAccount } from '../../../src-preload/contract/models.ts'
import { getApi, setUnauthenticatedHandler, unwrap } from '../api.ts'
import { applyTheme } from './settings.ts'

/** Who is signed in in this window, and the app's start-up status. */
export const useSessionStore = defineStore('session', () => {
  const status = ref<AppStatus | null>(null)
  const account = ref<CurrentAccount | null>(null)
  /** None, one (with its username, to pre-fill the sign-in form) or several accounts: never the list. */
  const signInHints = ref<SignInHints>({ accounts: 'none' })
  /** What the sign-in form may offer here (from the start-up state; null until then). */
  const signInOptions = ref<SignInOptions | null>(null)
  const endedReason = ref<SessionEndedEvent['reason'] | null>(null)
  const isInitialized = ref(false)
  /** Set after a sign-in with a recovery code: how many are left (the Security screen says so). */
  const recoveryCodesLeft = ref<number | null>(null)
  /** The last signed-in account's language, for the screens before sign-in. */
  const startupLanguage = ref<string | null>(null)
  let stopListening: Array<() => void> = []
  let initializing: Promise<void> | null = null

  const isSignedIn = computed(() => account.value !== null)
  const hasAccounts = computed(() => signInHints.value.accounts !== 'none')
  const isReady = computed(() => status.value?.state === 'ready')

  function markSignedOut(reason: SessionEndedEvent['reason']): void {
    if (account.value === null) return
    account.value = null
    endedReason.value = reason
  }

  /**
   * The first window's data in one round trip (app.getStartupState, theme included); later calls
   * share the first. `request`: that call when already sent (main.ts sends it before Vue starts).
   */
  function initialize(request?: Promise<Result<StartupState>>): Promise<void> {
    if (isInitialized.value) return Promise.resolve()
    initializing ??= loadStartupState(request).finally(() => {
      initializing = null
    })
    return initializing
  }

  async function loadStartupState(request: Promise<Result<StartupState>> | undefined): Promise<void> {
    const api = getApi()
    for (const stop of stopListening) stop()
    stopListening = [
      api.events.onSessionEnded((event) => markSignedOut(event.reason)),
      api.events.onAppStatusChanged((next) => {
        status.value = next
      }),
    ]
    setUnauthenticatedHandler(() => markSignedOut('expired'))
    const state = await unwrap(request ?? api.app.getStartupState())
    status.value = state.status
    if ('signInHints' in state) {
      startupLanguage.value = state.startupLanguage
      account.value = state.account
      signInHints.value = state.signInHints
      signInOptions.value = state.signInOptions
      applyTheme(state.theme)
    }
    isInitialized.value = true
  }

  async function refreshSignInHints(): Promise<void> {
    signInHints.value = await unwrap(getApi().auth.getSignInHints())
  }

  async function refreshAccount(): Promise<void> {
    account.value = await unwrap(getApi().auth.getCurrentAccount())
  }

  async function createAccount(input: CreateAccountInput): Promise<void> {
    account.value = await unwrap(getApi().auth.createAccount(input))
    endedReason.value = null
    await refreshSignInHints()
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
    signInHints,
    signInOptions,
    endedReason,
    isInitialized,
    startupLanguage,
    isSignedIn,
    hasAccounts,
    isReady,
    initialize,
    refreshSignInHints,
    refreshAccount,
    createAccount,
    signIn,
    completeSignIn,
    recoveryCodesLeft,
    signOut,
    markSignedOut,
  }
})
