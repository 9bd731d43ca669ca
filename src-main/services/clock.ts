/** Milliseconds since the epoch. Injected everywhere so tests can move time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

/** The last few instants written out: the local API's hot path writes the same account's two dates on every call. */
const recentISO = new Map<number, string>()
const RECENT_ISO_MAX = 64

/** `new Date(ms).toISOString()` (throws the same RangeError for an invalid time), remembered for recent instants. */
export function toISO(ms: number): string {
  let iso = recentISO.get(ms)
  if (iso === undefined) {
    iso = new Date(ms).toISOString()
    if (recentISO.size >= RECENT_ISO_MAX) recentISO.clear()
    recentISO.set(ms, iso)
  }
  return iso
}
