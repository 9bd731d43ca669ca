import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ExportSecurityLogOutcome, SecurityActivityDay, SecurityLogExportFormat, SecurityLogPage, SecurityLogVerification } from '../../../src-preload/contract/audit.ts'
import { getApi, unwrap } from '../api.ts'

export const SECURITY_LOG_PAGE_SIZE = 20

/** The security log view: one page at a time, newest first, optionally one kind only. */
export const useAuditStore = defineStore('audit', () => {
  const page = ref<SecurityLogPage | null>(null)
  const kind = ref('')
  const pageNumber = ref(1)
  const isLoading = ref(false)
  const verification = ref<SecurityLogVerification | null>(null)
  const hasVerifyFailed = ref(false)
  const activity = ref<SecurityActivityDay[]>([])
  const pageCount = computed(() => Math.max(1, Math.ceil((page.value?.total ?? 0) / SECURITY_LOG_PAGE_SIZE)))
  /**
   * Where each page visited so far starts (keyset paging: page n + 1 starts at page n's nextCursor), so
   * that Next and Previous cost the same on page 1 and page 4,000. A page not reached this way (or
   * after the filter changed) is asked for by number.
   */
  const cursors = new Map<number, string>()

  async function load(): Promise<void> {
    isLoading.value = true
    try {
      const cursor = cursors.get(pageNumber.value)
      page.value = await unwrap(
        getApi().audit.listEvents({
          kinds: kind.value ? [kind.value] : [],
          page: pageNumber.value,
          pageSize: SECURITY_LOG_PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        }),
      )
      if (page.value.nextCursor) cursors.set(pageNumber.value + 1, page.value.nextCursor)
    } finally {
      isLoading.value = false
    }
  }

  async function setKind(next: string): Promise<void> {
    kind.value = next
    pageNumber.value = 1
    cursors.clear()
    await load()
  }

  async function goToPage(next: number): Promise<void> {
    pageNumber.value = Math.min(Math.max(1, next), pageCount.value)
    await load()
  }

  async function exportLog(format: SecurityLogExportFormat): Promise<ExportSecurityLogOutcome> {
    const outcome = await unwrap(getApi().audit.exportEvents({ format, kinds: kind.value ? [kind.value] : [] }))
    if (outcome.status === 'saved') await load()
    return outcome
  }

  /** Checks the chain (the main process works in slices, so the window stays responsive). */
  async function verify(): Promise<void> {
    verification.value = null
    hasVerifyFailed.value = false
    try {
      verification.value = await unwrap(getApi().audit.verifyLog())
    } catch {
      hasVerifyFailed.value = true
    }
  }

  async function loadActivity(): Promise<void> {
    activity.value = await unwrap(getApi().audit.getActivity())
  }

  return { page, kind, pageNumber, pageCount, isLoading, verification, hasVerifyFailed, activity, load, setKind, goToPage, exportLog, verify, loadActivity }
})
