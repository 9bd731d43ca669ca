/** Milliseconds since the epoch. Injected everywhere so tests can move time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

export function toISO(ms: number): string {
  return new Date(ms).toISOString()
}
