import de from './locales/de.ts'
import en from './locales/en.ts'
import tr from './locales/tr.ts'
import type { MessageTree } from './merge.ts'

/**
 * Every language's messages at once, for tests and tools. The app itself loads English with the first
 * screen and another language only when the UI switches to it (see ./index.ts).
 */
export function buildMessages(): Record<'en' | 'tr' | 'de', MessageTree> {
  return { en, tr, de }
}
