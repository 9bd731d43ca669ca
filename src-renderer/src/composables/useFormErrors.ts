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

  /**
   * Shows a refusal from main: every refused field at its field at once (`fields`), else the one `field`;
   * what belongs to no field of this form goes to the form-level message.
   */
  function showError(error: unknown, knownFields: readonly string[] = []): void {
    if (isApiFailure(error)) {
      // The person closed the password prompt of a sensitive action: nothing to report, the form keeps its text.
      if (error.error.code === 'CANCELLED') return
      const isKnown = (field: string | undefined): field is string => !!field && (knownFields.length === 0 || knownFields.includes(field))
      const fields = error.error.fields
      if (fields && Object.keys(fields).length > 0) {
        const unplaced: string[] = []
        for (const [field, refusal] of Object.entries(fields)) {
          const text = translateError({ code: error.error.code, ...refusal })
          if (isKnown(field)) fieldErrors[field] = text
          else unplaced.push(text)
        }
        if (unplaced.length > 0) formError.value = unplaced.join(' ')
        return
      }
      const text = translateError(error.error)
      if (isKnown(error.error.field)) fieldErrors[error.error.field] = text
      else formError.value = text
      return
    }
    formError.value = t('errors.internal')
  }

  /** Forgets one field's error (when the person edits that field, an old error no longer describes it). */
  function clearFieldError(field: string): void {
    delete fieldErrors[field]
  }

  return { fieldErrors, formError, clearErrors, clearFieldError, showError }
}
