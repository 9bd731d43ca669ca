import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { readDataGeneration, runWithDataVersionReadOnce } from '../../src-main/db/data-generation.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * The database's generation (what the local API's verification cache is keyed on): two connections
 * to one file, as the app or `keystead serve` (ours) and the CLI (theirs).
 */
let dir: ReturnType<typeof makeTempDir>
let ours: DB
let theirs: DB
let row = 0
const commitTheirs = () => theirs.prepare('INSERT INTO t (v) VALUES (?)').run(++row)
const commitOurs = () => ours.prepare('INSERT INTO t (v) VALUES (?)').run(++row)

beforeEach(() => {
  dir = makeTempDir('keystead-generation-')
  ours = openDatabase(join(dir.path, 'k.db'))
  ours.exec('CREATE TABLE t (v INTEGER)')
  theirs = openDatabase(join(dir.path, 'k.db'))
})
afterEach(() => {
  theirs.close()
  ours.close()
  dir.remove()
})

describe('readDataGeneration', () => {
  it('stays the same while nothing is committed and changes with a commit by either connection', () => {
    const first = readDataGeneration(ours)
    expect(readDataGeneration(ours)).toBe(first)
    commitTheirs()
    const second = readDataGeneration(ours)
    expect(second).not.toBe(first)
    commitOurs()
    expect(readDataGeneration(ours)).not.toBe(second)
  })
})

describe('runWithDataVersionReadOnce (requests that had all arrived before it began)', () => {
  it('sees every commit made before it began, even when the generation was read just before', () => {
    const before = readDataGeneration(ours)
    commitTheirs()
    expect(runWithDataVersionReadOnce(ours, () => readDataGeneration(ours))).not.toBe(before)
  })

  it("reads the other connections' commits once, at its first read; its own writes count at once", () => {
    const seen = runWithDataVersionReadOnce(ours, () => {
      const first = readDataGeneration(ours)
      // A commit after the one read: concurrent with requests that had already arrived.
      commitTheirs()
      const afterTheirs = readDataGeneration(ours)
      commitOurs()
      const afterOurs = readDataGeneration(ours)
      return { first, afterTheirs, afterOurs }
    })
    expect(seen.afterTheirs).toBe(seen.first)
    expect(seen.afterOurs).not.toBe(seen.first)
    // Once it has ended, the other connection's commit shows again.
    const [version] = readDataGeneration(ours).split(':')
    expect(version).not.toBe(seen.first.split(':')[0])
  })

  it('a nested call joins the outer one', () => {
    const outer = runWithDataVersionReadOnce(ours, () => {
      const first = readDataGeneration(ours)
      commitTheirs()
      const inner = runWithDataVersionReadOnce(ours, () => readDataGeneration(ours))
      return { first, inner }
    })
    expect(outer.inner).toBe(outer.first)
    const beforeAny = readDataGeneration(ours)
    commitTheirs()
    expect(runWithDataVersionReadOnce(ours, () => readDataGeneration(ours))).not.toBe(beforeAny)
  })

  it('ends its scope when the work throws', () => {
    expect(() =>
      runWithDataVersionReadOnce(ours, () => {
        readDataGeneration(ours)
        throw new Error('boom')
      }),
    ).toThrow('boom')
    const before = readDataGeneration(ours)
    commitTheirs()
    expect(readDataGeneration(ours)).not.toBe(before)
  })
})
