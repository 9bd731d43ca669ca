import { defineStore } from 'pinia'
import { ref } from 'vue'

/**
 * Sensitive actions answer REAUTH_REQUIRED when the password was not confirmed in
 * the last 10 minutes. `withReauth` asks for it (ReauthDialog) and retries once.
 */
export const useReauthStore = defineStore('reauth', () => {
  const isOpen = ref(false)
  let settle: ((confirmed: boolean) => void) | null = null

  function requestPassword(): Promise<boolean> {
    settle?.(false)
    isOpen.value = true
    return new Promise((resolve) => {
      settle = resolve
    })
  }

  function finish(confirmed: boolean): void {
    isOpen.value = false
    const done = settle
    settle = null
    done?.(confirmed)
  }

  return { isOpen, requestPassword, finish }
})
