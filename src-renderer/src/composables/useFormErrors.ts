import { reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { ApiError } from '../../../src-preload/contract/errors.ts'
import { isApiFailure } from '../api.ts'

/** Translates a typed error from main: its `reason` key when we have it, else its English message. */
export function useErrorText() {
  const { t, te } = useI18n()
  return function translateError(error: ApiError): string {
    if (error.reason && te(`errors.${error.reason}`)) return t(`errors.${error.reason}`, error.params ?? {})
    return error.message
  }
}

/** Per-field and form-level errors for a form that submits through the contract. */
export function useFormErrors() {
  const { t } = useI18n()
  const translateError = useErrorText()
  const fieldErrors = reactive<Record<string, string>>({})
  const formError = ref('')

  function clearErrors(): void {
    for (const key of Object.keys(fieldErrors)) delete fieldErrors[key]
    formError.value = ''
  }

  function showError(error: unknown, knownFields: readonly string[] = []): void {
    if (isApiFailure(error)) {
      // The person closed the password prompt of a sensitive action: nothing to report, the form keeps its text.
      if (error.error.code === 'CANCELLED') return
      const text = translateError(error.error)
      const field = error.error.field
      if (field && (knownFields.length === 0 || knownFields.includes(field))) fieldErrors[field] = text
      else formError.value = text
      return
    }
    formError.value = t('errors.internal')
  }

  return { fieldErrors, formError, clearErrors, showError }
}
