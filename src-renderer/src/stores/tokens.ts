import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AccessTokenSummary, ApiKeySummary, CopyOutcome, CreateTokenInput } from '../../../src-preload/contract/tokens.ts'
import { getApi, unwrap } from '../api.ts'

/**
 * The API key (obfuscated) and the access tokens of the signed-in account. Full secrets are
 * never kept here: a new token or key is returned to the caller, which shows it once.
 */
export const useTokensStore = defineStore('tokens', () => {
  const apiKey = ref<ApiKeySummary | null>(null)
  const tokens = ref<AccessTokenSummary[]>([])
  const isLoading = ref(false)

  /** Forgets the previous account's list (another account may have signed in to this window since). */
  function reset(): void {
    apiKey.value = null
    tokens.value = []
  }

  async function load(): Promise<void> {
    isLoading.value = true
    try {
      const api = getApi()
      const [key, list] = await Promise.all([unwrap(api.tokens.getApiKey()), unwrap(api.tokens.listTokens())])
      apiKey.value = key
      tokens.value = list
    } finally {
      isLoading.value = false
    }
  }

  function copyApiKey(): Promise<CopyOutcome> {
    return unwrap(getApi().tokens.copyApiKey())
  }

  /** Returns the new key, for the caller to show once. */
  async function regenerateApiKey(): Promise<string> {
    const result = await unwrap(getApi().tokens.regenerateApiKey())
    apiKey.value = result.summary
    return result.apiKey
  }

  /** Returns the new token, for the caller to show once. */
  async function createToken(input: CreateTokenInput): Promise<string> {
    const result = await unwrap(getApi().tokens.createToken(input))
    tokens.value = [result.summary, ...tokens.value]
    return result.token
  }

  async function setTokenEnabled(id: number, isEnabled: boolean): Promise<void> {
    const updated = await unwrap(getApi().tokens.setTokenEnabled({ id, isEnabled }))
    tokens.value = tokens.value.map((token) => (token.id === id ? updated : token))
  }

  async function deleteToken(id: number): Promise<void> {
    await unwrap(getApi().tokens.deleteToken({ id }))
    tokens.value = tokens.value.filter((token) => token.id !== id)
  }

  function copyNewToken(token: string): Promise<CopyOutcome> {
    return unwrap(getApi().tokens.copyNewToken({ token }))
  }

  return { apiKey, tokens, isLoading, reset, load, copyApiKey, regenerateApiKey, createToken, setTokenEnabled, deleteToken, copyNewToken }
})
