import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { measureTree } from '../../scripts/peak-memory.ts'

const SCRIPT = join(import.meta.dirname, '../../scripts/peak-memory.ts')

describe('npm test prints its peak resident memory', () => {
  it('sums a process tree and names its largest process', () => {
    const tree = [
      { pid: 1, ppid: 0, rssBytes: 100 },
      { pid: 10, ppid: 1, rssBytes: 50 },
      { pid: 11, ppid: 10, rssBytes: 300 },
      { pid: 12, ppid: 10, rssBytes: 20 },
      { pid: 20, ppid: 2, rssBytes: 9999 },
    ]
    expect(measureTree(tree, 10)).toMatchObject({ totalBytes: 370, largestBytes: 300 })
    expect(measureTree(tree, 10).members.map((info) => info.pid).sort()).toEqual([10, 11, 12])
    expect(measureTree(tree, 99)).toEqual({ totalBytes: 0, largestBytes: 0, members: [] })
  })

  it.skipIf(process.platform === 'win32')('measures a real child that holds 300 MB and passes its exit code on', () => {
    const run = spawnSync(process.execPath, [SCRIPT, process.execPath, '-e', 'const b = Buffer.alloc(300e6, 1); setTimeout(() => process.exit(b[0] + 2), 1200)'], { encoding: 'utf8' })
    expect(run.status).toBe(3)
    const peak = /Peak resident memory of the whole run: ([\d,]+) MB/.exec(run.stdout)
    expect(peak, run.stdout).not.toBeNull()
    expect(Number(peak![1]!.replace(/,/g, ''))).toBeGreaterThan(280)
    // The largest process at the peak is named (the node child holding the buffer).
    expect(run.stdout).toMatch(/At the peak: [\d,]+ MB node -e/)
    if (process.platform === 'linux') {
      // The proportional figure counts the child's 300 MB of its own pages too, and never more than the plain sum.
      const proportional = /Peak proportional memory \(PSS, [^)]*\): ([\d,]+) MB/.exec(run.stdout)
      expect(proportional, run.stdout).not.toBeNull()
      const proportionalMb = Number(proportional![1]!.replace(/,/g, ''))
      expect(proportionalMb).toBeGreaterThan(280)
      expect(proportionalMb).toBeLessThanOrEqual(Number(peak![1]!.replace(/,/g, '')))
    }
  })
})
