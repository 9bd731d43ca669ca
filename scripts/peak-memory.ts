import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/**
 * Runs a command and prints, when it ends, the peak resident memory of its whole process tree (the sum over every
 * process below it, sampled every 200 ms) and of its largest single process. `npm test` runs through this, so every
 * run says whether the suite still fits a developer's laptop (target: under 2 GB). Exits with the command's code.
 * The target is judged on the plain sum, which counts a page shared by several processes (Chromium's code, the
 * node binary) once in each; on Linux the run also prints the proportional sum (PSS: a shared page split among
 * the processes that map it), which is what the run takes from the machine's memory.
 *
 *   node scripts/peak-memory.ts npm run test:steps
 */
const SAMPLE_MS = 200
const TARGET_BYTES = 2 * 1024 ** 3

interface ProcessInfo {
  pid: number
  ppid: number
  rssBytes: number
}

/** What a process runs, shortened for the report (the executable's name and the first arguments that name a file). */
function describeProcess(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    const shown = argv.map((arg) => (arg.includes('/') ? arg.slice(arg.lastIndexOf('/') + 1) : arg)).filter((arg) => !arg.startsWith('--'))
    return shown.slice(0, 3).join(' ').slice(0, 80)
  } catch {
    return `pid ${pid}`
  }
}

/** Every process with its parent and resident size: /proc on Linux, `ps` elsewhere (macOS); [] where neither works. */
function listProcesses(): ProcessInfo[] {
  if (process.platform === 'linux') {
    const pageBytes = 4096
    const list: ProcessInfo[] = []
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        // The command name (field 2) may hold spaces and parentheses: split after its closing parenthesis.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        list.push({ pid: Number(entry), ppid: Number(fields[1]), rssBytes: Number(fields[21]) * pageBytes })
      } catch {
        // The process ended between the listing and the read.
      }
    }
    return list
  }
  if (process.platform === 'win32') return []
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
  if (ps.status !== 0) return []
  return ps.stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .map(([pid, ppid, rssKiB]) => ({ pid: pid!, ppid: ppid!, rssBytes: rssKiB! * 1024 }))
}

/** The resident bytes of `root` and every process below it, and the largest one of them. */
export function measureTree(processes: readonly ProcessInfo[], root: number): { totalBytes: number; largestBytes: number; members: ProcessInfo[] } {
  const children = new Map<number, ProcessInfo[]>()
  for (const info of processes) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info])
  let totalBytes = 0
  let largestBytes = 0
  const stack = processes.filter((p) => p.pid === root)
  const seen = new Set<number>()
  const members: ProcessInfo[] = []
  while (stack.length > 0) {
    const info = stack.pop()!
    if (seen.has(info.pid)) continue
    seen.add(info.pid)
    members.push(info)
    totalBytes += info.rssBytes
    largestBytes = Math.max(largestBytes, info.rssBytes)
    stack.push(...(children.get(info.pid) ?? []))
  }
  return { totalBytes, largestBytes, members }
}

/** A process's proportional set size (Linux only: /proc/PID/smaps_rollup), 0 where it cannot be read. */
export function readProportionalBytes(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024
  } catch {
    return 0
  }
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 ** 2).toLocaleString('en')} MB`

function main(): void {
  const [command, ...args] = process.argv.slice(2)
  if (!command) {
    console.error('usage: node scripts/peak-memory.ts COMMAND [ARGS...]')
    process.exit(2)
  }
  const child = spawn(command, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  let peakTotal = 0
  let peakLargest = 0
  let peakProportional = 0
  let samples = 0
  /** The largest processes at the moment of the peak, to tell which step needs the memory. */
  let atPeak: string[] = []
  const sample = () => {
    if (child.pid === undefined) return
    const { totalBytes, largestBytes, members } = measureTree(listProcesses(), child.pid)
    if (totalBytes > 0) samples++
    if (totalBytes > peakTotal) {
      atPeak = [...members]
        .sort((a, b) => b.rssBytes - a.rssBytes)
        .slice(0, 4)
        .map((info) => `${megabytes(info.rssBytes)} ${describeProcess(info.pid)}`)
      atPeak.push(`(${members.length} processes)`)
    }
    peakTotal = Math.max(peakTotal, totalBytes)
    peakLargest = Math.max(peakLargest, largestBytes)
    if (process.platform === 'linux') peakProportional = Math.max(peakProportional, members.reduce((sum, info) => sum + readProportionalBytes(info.pid), 0))
  }
  const timer = setInterval(sample, SAMPLE_MS)
  child.on('exit', (code, signal) => {
    clearInterval(timer)
    if (samples === 0) console.log('\nPeak resident memory: not measured (the command ended within the first sample, or this platform has neither /proc nor ps).')
    else {
      const verdict = peakTotal < TARGET_BYTES ? 'under' : 'OVER'
      console.log(`\nPeak resident memory of the whole run: ${megabytes(peakTotal)} (all processes together; ${verdict} the 2 GB target), largest single process ${megabytes(peakLargest)}.`)
      if (atPeak.length > 0) console.log(`At the peak: ${atPeak.join('; ')}.`)
      if (peakProportional > 0) console.log(`Peak proportional memory (PSS, pages shared between processes counted once): ${megabytes(peakProportional)}.`)
    }
    process.exit(code ?? (signal ? 1 : 0))
  })
}

if (import.meta.main) main()
