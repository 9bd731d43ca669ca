import type { Platform } from './types.ts'

/** Schedules `run` after `delayMs`; returns a function that cancels it. Injected so tests can move time. */
export type Scheduler = (run: () => void, delayMs: number) => () => void

export const timerScheduler: Scheduler = (run, delayMs) => {
  const timer = setTimeout(run, delayMs)
  timer.unref?.()
  return () => clearTimeout(timer)
}

export const CLIPBOARD_CLEAR_AFTER_MS = 60 * 1000

export interface ClipboardClearer {
  readonly clearAfterMs: number
  /** Puts a secret on the clipboard and clears it later, only if the clipboard still holds it then. */
  copySecret(clipboard: Platform['clipboard'], secret: string): void
}

export function createClipboardClearer(schedule: Scheduler = timerScheduler, clearAfterMs = CLIPBOARD_CLEAR_AFTER_MS): ClipboardClearer {
  let cancelPending: (() => void) | null = null
  return {
    clearAfterMs,
    copySecret(clipboard, secret) {
      clipboard.writeText(secret)
      cancelPending?.()
      cancelPending = schedule(() => {
        cancelPending = null
        // Something else copied since? Then the clipboard is no longer ours to clear.
        void clipboard
          .readText()
          .then((current) => {
            if (current === secret) clipboard.writeText('')
          })
          .catch(() => {})
      }, clearAfterMs)
    },
  }
}
