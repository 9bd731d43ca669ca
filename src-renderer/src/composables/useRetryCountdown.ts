import { computed, onBeforeUnmount, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { isApiFailure } from '../api.ts'

/**
 * A THROTTLED refusal ("Try again in 15 seconds") as a live countdown: the text counts down each second and
 * `isWaiting` stays true (keep the submit button disabled) until the wait is over.
 */
export function useRetryCountdown() {
  const { t } = useI18n()
  const secondsLeft = ref(0)
  let timer: ReturnType<typeof setInterval> | null = null

  function stop(): void {
    if (timer) clearInterval(timer)
    timer = null
  }

  /** Starts the countdown when `error` is a throttle refusal; false for any other error. */
  function startFrom(error: unknown): boolean {
    if (!isApiFailure(error) || error.error.code !== 'THROTTLED') return false
    const params = error.error.params ?? {}
    const seconds = typeof params.seconds === 'number' ? params.seconds : typeof params.minutes === 'number' ? params.minutes * 60 : 0
    if (seconds <= 0) return false
    stop()
    const until = Date.now() + seconds * 1000
    secondsLeft.value = seconds
    timer = setInterval(() => {
      secondsLeft.value = Math.max(0, Math.ceil((until - Date.now()) / 1000))
      if (secondsLeft.value === 0) stop()
    }, 250)
    return true
  }

  onBeforeUnmount(stop)
  const isWaiting = computed(() => secondsLeft.value > 0)
  const text = computed(() =>
    secondsLeft.value > 90 ? t('errors.throttle.minutes', { minutes: Math.ceil(secondsLeft.value / 60) }) : t('errors.throttle.seconds', { seconds: secondsLeft.value }),
  )
  return { secondsLeft, isWaiting, text, startFrom }
}
