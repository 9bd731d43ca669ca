import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SessionListView } from '../../../src-preload/contract/sessions.ts'
import { getApi, unwrap } from '../api.ts'

/**
 * The Sessions screen: this window's session and the account's others, a page at a time ("Show more"
 * adds the next page below; an account may have thousands of sessions).
 */
export const useSessionsStore = defineStore('sessions', () => {
  const view = ref<SessionListView | null>(null)
  const isLoading = ref(false)
  const isLoadingMore = ref(false)

  /** The first page again (after a change, or on return to the window). */
  async function load(): Promise<void> {
    isLoading.value = true
    try {
      view.value = await unwrap(getApi().sessions.list())
    } finally {
      isLoading.value = false
    }
  }

  /** The next page, added below the ones shown (the rest of the view comes fresh with it). */
  async function loadMore(): Promise<void> {
    const shown = view.value
    if (!shown?.nextCursor || isLoadingMore.value) return
    isLoadingMore.value = true
    try {
      const next = await unwrap(getApi().sessions.list({ cursor: shown.nextCursor }))
      const seen = new Set(shown.others.map((session) => session.id))
      view.value = { ...next, others: [...shown.others, ...next.others.filter((session) => !seen.has(session.id))] }
    } finally {
      isLoadingMore.value = false
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

  return { view, isLoading, isLoadingMore, load, loadMore, closeSession, closeOtherSessions }
})
