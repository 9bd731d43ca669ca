import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common'
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en'

/**
 * zxcvbn-ts with the common and English dictionaries. This module is large (word lists), so the
 * strength meter imports it on demand: it is its own chunk, not part of the first bundle.
 * Feedback comes back as keys (no translations set), which the meter translates with vue-i18n.
 */
const factory = new ZxcvbnFactory({ graphs: adjacencyGraphs, dictionary: { ...commonDictionary, ...englishDictionary } })

export interface PasswordStrength {
  score: 0 | 1 | 2 | 3 | 4
  warning: string | null
  suggestions: string[]
}

export function checkPasswordStrength(password: string, userInputs: string[]): PasswordStrength {
  const result = factory.check(password.slice(0, 256), userInputs)
  return { score: result.score, warning: result.feedback.warning || null, suggestions: result.feedback.suggestions }
}
