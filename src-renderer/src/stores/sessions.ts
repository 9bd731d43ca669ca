import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SessionListView } from '../../../src-preload/contract/sessions.ts'
import { getApi, unwrap } from '../api.ts'

/** The Sessions screen: this window's session and the account's others. */
export const useSessionsStore = defineStore('sessions', () => {
  const view = ref<SessionListView | null>(null)
  const isLoading = ref(false)

  async function load(): Promise<void> {
    isLoading.value = true
    try {
      view.value = await unwrap(getApi().sessions.list())
    } finally {
      isLoading.value = false
    }
  }

  async function closeSession(sessionId: string): Promise<void> {
    try {
      await unwrap(getApi().sessions.close({ sessionId }))
    } finally {
      await load()
    }
  }

  async function closeOtherSessions(): Promise<number> {
    try {
      return (await unwrap(getApi().sessions.closeOthers())).closed
    } finally {
      await load()
    }
  }

  return { view, isLoading, load, closeSession, closeOtherSessions }
})
