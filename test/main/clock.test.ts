import { describe, expect, it } from 'vitest'
import { toISO } from '../../src-main/services/clock.ts'

describe('toISO (remembers recent instants)', () => {
  it('writes every instant as Date does, also when asked again and after many others', () => {
    const instants = [0, 1, -1, 1761782640067, 8.64e15, -8.64e15, Date.UTC(2024, 1, 29, 23, 59, 59, 999)]
    for (let round = 0; round < 3; round++) {
      for (const ms of instants) expect(toISO(ms)).toBe(new Date(ms).toISOString())
      // More instants than it remembers, in between.
      for (let i = 0; i < 200; i++) expect(toISO(1_700_000_000_000 + i * 1000 + round)).toBe(new Date(1_700_000_000_000 + i * 1000 + round).toISOString())
    }
  })

  it('refuses an invalid time every time, never remembering it', () => {
    for (const ms of [Number.NaN, Number.NaN, 8.64e15 + 1, Infinity]) expect(() => toISO(ms)).toThrow(RangeError)
  })
})
