import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Reminder } from '../../../src-preload/contract/reminders.ts'
import { getApi, unwrap } from '../api.ts'

/** Tokens and SSH keys expiring within 7 days or expired in the last 7 (not set aside for the week). */
export const useRemindersStore = defineStore('reminders', () => {
  const items = ref<Reminder[]>([])

  async function load(): Promise<void> {
    items.value = await unwrap(getApi().reminders.list())
  }

  async function dismiss(id: string): Promise<void> {
    items.value = await unwrap(getApi().reminders.dismiss({ id }))
  }

  function reset(): void {
    items.value = []
  }

  return { items, load, dismiss, reset }
})
