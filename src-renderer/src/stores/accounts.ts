import { defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  AccountPage,
  AccountRole,
  AccountSortColumn,
  AdminAccountRow,
  AdminCreateAccountInput,
  TemporaryPasswordOutcome,
} from '../../../src-preload/contract/accounts.ts'
import { getApi, unwrap } from '../api.ts'

export const ACCOUNTS_PAGE_SIZE = 25

/**
 * The Accounts screen (administrators only): one keyset page at a time. `cursors` holds the cursor
 * that opened each page so far, so "Previous" asks main for that page again (no offsets anywhere).
 */
export const useAccountsStore = defineStore('accounts', () => {
  const rows = ref<AdminAccountRow[]>([])
  const next = ref<string | null>(null)
  const cursors = ref<Array<string | undefined>>([undefined])
  const search = ref('')
  const sort = ref<AccountSortColumn>('username')
  const descending = ref(false)
  const isLoading = ref(false)

  async function loadPage(cursor: string | undefined): Promise<AccountPage> {
    isLoading.value = true
    try {
      const page = await unwrap(
        getApi().accounts.listAccounts({ search: search.value, sort: sort.value, descending: descending.value, limit: ACCOUNTS_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
      )
      rows.value = page.rows
      next.value = page.next
      return page
    } finally {
      isLoading.value = false
    }
  }

  async function loadFirst(): Promise<void> {
    cursors.value = [undefined]
    await loadPage(undefined)
  }

  async function loadNext(): Promise<void> {
    if (!next.value) return
    const cursor = next.value
    await loadPage(cursor)
    cursors.value.push(cursor)
  }

  async function loadPrevious(): Promise<void> {
    if (cursors.value.length < 2) return
    cursors.value.pop()
    await loadPage(cursors.value.at(-1))
  }

  /** The current page again (after an action), from the cursor that opened it. */
  async function reload(): Promise<void> {
    await loadPage(cursors.value.at(-1))
  }

  async function sortBy(column: AccountSortColumn): Promise<void> {
    descending.value = sort.value === column ? !descending.value : false
    sort.value = column
    await loadFirst()
  }

  function replaceRow(row: AdminAccountRow): AdminAccountRow {
    rows.value = rows.value.map((existing) => (existing.id === row.id ? row : existing))
    return row
  }

  const api = () => getApi().accounts
  return {
    rows,
    next,
    cursors,
    search,
    sort,
    descending,
    isLoading,
    loadFirst,
    loadNext,
    loadPrevious,
    reload,
    sortBy,
    createAccount: (input: AdminCreateAccountInput): Promise<TemporaryPasswordOutcome> => unwrap(api().createAccount(input)),
    setRole: async (accountId: number, role: AccountRole) => replaceRow(await unwrap(api().setRole({ accountId, role }))),
    lockAccount: async (accountId: number) => replaceRow(await unwrap(api().lockAccount({ accountId }))),
    unlockAccount: async (accountId: number) => replaceRow(await unwrap(api().unlockAccount({ accountId }))),
    requirePasswordChange: async (accountId: number) => replaceRow(await unwrap(api().requirePasswordChange({ accountId }))),
    resetTwoFactor: async (accountId: number) => replaceRow(await unwrap(api().resetTwoFactor({ accountId }))),
    setTemporaryPassword: async (accountId: number, password?: string) => {
      const outcome = await unwrap(api().setTemporaryPassword({ accountId, ...(password ? { password } : {}) }))
      replaceRow(outcome.account)
      return outcome
    },
    signOutEverywhere: (accountId: number) => unwrap(api().signOutEverywhere({ accountId })),
    revokeAllTokens: (accountId: number) => unwrap(api().revokeAllTokens({ accountId })),
    deleteAccount: (accountId: number, confirmUsername: string) => unwrap(api().deleteAccount({ accountId, confirmUsername })),
  }
})
