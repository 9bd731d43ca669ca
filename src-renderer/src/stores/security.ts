import { defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  ChangePasswordInput,
  ChangePasswordOutcome,
  RecoveryCodesBatch,
  SaveOutcome,
  SecurityOverview,
  TwoFactorSetupInfo,
} from '../../../src-preload/contract/security.ts'
import { getApi, unwrap } from '../api.ts'

/** The Security screen: password, two-factor authentication and recovery codes. */
export const useSecurityStore = defineStore('security', () => {
  const overview = ref<SecurityOverview | null>(null)
  /** The setup in progress (QR code, key); null when none. */
  const setup = ref<TwoFactorSetupInfo | null>(null)
  /** Recovery codes shown once, until "Done". */
  const freshCodes = ref<RecoveryCodesBatch | null>(null)

  async function loadOverview(): Promise<void> {
    overview.value = await unwrap(getApi().security.getOverview())
  }

  function changePassword(input: ChangePasswordInput): Promise<ChangePasswordOutcome> {
    return unwrap(getApi().security.changePassword(input))
  }

  async function beginSetup(): Promise<void> {
    setup.value = await unwrap(getApi().security.beginTwoFactorSetup())
  }

  function cancelSetup(): void {
    setup.value = null
  }

  async function copySetupSecret(): Promise<void> {
    await unwrap(getApi().security.copyTwoFactorSecret())
  }

  async function confirmSetup(code: string): Promise<void> {
    freshCodes.value = await unwrap(getApi().security.confirmTwoFactorSetup({ code }))
    setup.value = null
    await loadOverview()
  }

  async function regenerateCodes(): Promise<void> {
    freshCodes.value = await unwrap(getApi().security.regenerateRecoveryCodes())
    await loadOverview()
  }

  async function copyCodes(): Promise<void> {
    await unwrap(getApi().security.copyRecoveryCodes())
  }

  function downloadCodes(): Promise<SaveOutcome> {
    return unwrap(getApi().security.downloadRecoveryCodes())
  }

  async function finishCodes(): Promise<void> {
    freshCodes.value = null
    await unwrap(getApi().security.finishRecoveryCodes())
  }

  async function disable(password: string, code: string): Promise<void> {
    await unwrap(getApi().security.disableTwoFactor({ password, code }))
    await loadOverview()
  }

  return {
    overview,
    setup,
    freshCodes,
    loadOverview,
    changePassword,
    beginSetup,
    cancelSetup,
    copySetupSecret,
    confirmSetup,
    regenerateCodes,
    copyCodes,
    downloadCodes,
    finishCodes,
    disable,
  }
})
