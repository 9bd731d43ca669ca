import { onBeforeUnmount, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { CopyOutcome } from '../../../src-preload/contract/tokens.ts'
import { useErrorText } from './useFormErrors.ts'
import { isApiFailure } from '../api.ts'

/** Runs a copy done by main (the secret never passes through here) and says so in a live region for a few seconds. */
export function useCopyFeedback(visibleMs = 6000) {
  const { t } = useI18n()
  const translateError = useErrorText()
  const message = ref('')
  const isError = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined

  function show(text: string, error: boolean): void {
    message.value = text
    isError.value = error
    clearTimeout(timer)
    timer = setTimeout(() => (message.value = ''), visibleMs)
  }

  async function copy(run: () => Promise<CopyOutcome>): Promise<void> {
    try {
      const outcome = await run()
      show(t('tokens.copied', { seconds: outcome.clearAfterSeconds }), false)
    } catch (error) {
      if (isApiFailure(error) && error.error.code === 'CANCELLED') return
      show(isApiFailure(error) ? translateError(error.error) : t('errors.internal'), true)
    }
  }

  onBeforeUnmount(() => clearTimeout(timer))
  return { message, isError, copy }
}
