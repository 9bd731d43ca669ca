import { randomBytes, timingSafeEqual } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

/**
 * scrypt from node:crypto: the one memory-hard KDF that both Electron's Node
 * (BoringSSL) and plain Node (CLI, tests) can compute. The parameters travel with
 * every hash: `$scrypt$ln=17,r=8,p=1$<salt b64>$<hash b64>`. Hashes run in a pool of
 * low-priority worker threads (see createScryptPool), never on the event loop.
 */
export interface ScryptParams {
  /** log2 of N. 17 (N = 131072) is the OWASP minimum and our default. */
  costLog2: number
  blockSize: number
  parallelization: number
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ costLog2: 17, blockSize: 8, parallelization: 1 })

/** Only for tests: a cheap cost so suites that create many accounts stay fast. Never a default. */
export const TEST_ONLY_SCRYPT_PARAMS: ScryptParams = Object.freeze({ costLog2: 10, blockSize: 8, parallelization: 1 })

const KEY_LENGTH = 32
const SALT_LENGTH = 16

export interface PasswordHasher {
  readonly params: ScryptParams
  hashPassword(password: string): Promise<string>
  verifyPassword(hash: string, password: string): Promise<boolean>
  /** True when the stored hash uses weaker parameters than the current ones. */
  needsRehash(hash: string): boolean
  /**
   * Does the same work as a real verification (one KDF run with the current parameters, the same
   * salt and key sizes), for unknown usernames; from the first call (nothing is made lazily).
   */
  verifyDummy(password: string): Promise<void>
}

interface ParsedHash {
  params: ScryptParams
  salt: Buffer
  hash: Buffer
}

/**
 * The code of a hashing worker (inline, so that it survives bundling: electron-vite puts the main
 * process in one file). It first lowers its own thread's priority: on Linux a nice value belongs to
 * one thread, so the main thread keeps its priority and the event loop stays responsive while
 * hashes run on every other core. Elsewhere `setPriority` may refuse or apply differently; the
 * worker hashes at normal priority then.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { scryptSync } = require('node:crypto')
try { require('node:os').setPriority(0, 15) } catch {}
parentPort.on('message', (job) => {
  try {
    const key = scryptSync(job.password, Buffer.from(job.salt), job.length, job.options)
    parentPort.postMessage({ ok: true, key: new Uint8Array(key) })
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) })
  }
})
`

interface ScryptJob {
  password: string
  salt: Uint8Array
  length: number
  options: { N: number; r: number; p: number; maxmem: number }
  resolve(key: Buffer): void
  reject(error: Error): void
}

interface PoolWorker {
  worker: Worker
  job: ScryptJob | null
}

/**
 * A few worker threads (cores - 1, at least one) that run scrypt one hash at a time each, fed from
 * a queue. Made on first use; an idle worker is unref'd, so it never keeps a process (the CLI) alive.
 */
export interface ScryptPool {
  derive(job: Omit<ScryptJob, 'resolve' | 'reject'>): Promise<Buffer>
  readonly size: number
  /** Workers alive now (for tests). */
  readonly workerCount: number
}

export function createScryptPool(size = Math.max(1, availableParallelism() - 1)): ScryptPool {
  const workers: PoolWorker[] = []
  const queue: ScryptJob[] = []

  function finish(entry: PoolWorker): ScryptJob | null {
    const job = entry.job
    entry.job = null
    entry.worker.unref()
    return job
  }

  function spawnWorker(): PoolWorker {
    const entry: PoolWorker = { worker: new Worker(WORKER_SOURCE, { eval: true }), job: null }
    entry.worker.on('message', (answer: { ok: true; key: Uint8Array } | { ok: false; message: string }) => {
      const job = finish(entry)
      if (answer.ok) job?.resolve(Buffer.from(answer.key.buffer, answer.key.byteOffset, answer.key.byteLength))
      else job?.reject(new Error(answer.message))
      dispatch()
    })
    const drop = (error: Error) => {
      const index = workers.indexOf(entry)
      if (index === -1) return
      workers.splice(index, 1)
      finish(entry)?.reject(error)
      dispatch()
    }
    entry.worker.on('error', drop)
    entry.worker.on('exit', (code) => drop(new Error(`The hashing worker stopped (exit code ${code})`)))
    entry.worker.unref()
    workers.push(entry)
    return entry
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const entry = workers.find((w) => w.job === null) ?? (workers.length < size ? spawnWorker() : null)
      if (!entry) return
      const job = queue.shift()!
      entry.job = job
      entry.worker.ref()
      entry.worker.postMessage({ password: job.password, salt: job.salt, length: job.length, options: job.options })
    }
  }

  return {
    size,
    get workerCount() {
      return workers.length
    },
    derive(job) {
      return new Promise<Buffer>((resolve, reject) => {
        queue.push({ ...job, resolve, reject })
        dispatch()
      })
    },
  }
}

let sharedPool: ScryptPool | null = null

function deriveKey(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  const N = 2 ** params.costLog2
  const maxmem = 256 * N * params.blockSize + 1024 * 1024
  sharedPool ??= createScryptPool()
  return sharedPool.derive({ password: password.normalize('NFC'), salt: new Uint8Array(salt), length, options: { N, r: params.blockSize, p: params.parallelization, maxmem } })
}

export function formatPasswordHash(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `$scrypt$ln=${params.costLog2},r=${params.blockSize},p=${params.parallelization}$${salt.toString('base64')}$${hash.toString('base64')}`
}

export function parsePasswordHash(value: string): ParsedHash | null {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(value)
  if (!match) return null
  const params = { costLog2: Number(match[1]), blockSize: Number(match[2]), parallelization: Number(match[3]) }
  if (params.costLog2 < 1 || params.costLog2 > 24 || params.blockSize < 1 || params.parallelization < 1) return null
  return { params, salt: Buffer.from(match[4]!, 'base64'), hash: Buffer.from(match[5]!, 'base64') }
}

export type KeyDerivation = (password: string, salt: Buffer, params: ScryptParams, length: number) => Promise<Buffer>

export function createPasswordHasher(params: ScryptParams = DEFAULT_SCRYPT_PARAMS, options: { derive?: KeyDerivation } = {}): PasswordHasher {
  const derive = options.derive ?? deriveKey
  // A stored-hash look-alike with the current parameters: verifying against it costs exactly one
  // real KDF run. Its key is random bytes: no password matches it, and no KDF runs to make it.
  const dummyHash = formatPasswordHash(params, randomBytes(SALT_LENGTH), randomBytes(KEY_LENGTH))
  async function hashPassword(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH)
    const hash = await derive(password, salt, params, KEY_LENGTH)
    return formatPasswordHash(params, salt, hash)
  }
  async function verifyPassword(stored: string, password: string): Promise<boolean> {
    const parsed = parsePasswordHash(stored)
    if (!parsed || parsed.hash.length === 0) return false
    const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length)
    return timingSafeEqual(candidate, parsed.hash)
  }
  return {
    params,
    hashPassword,
    verifyPassword,
    needsRehash(stored) {
      const parsed = parsePasswordHash(stored)
      if (!parsed) return true
      return (
        parsed.params.costLog2 < params.costLog2 ||
        parsed.params.blockSize < params.blockSize ||
        parsed.params.parallelization < params.parallelization
      )
    },
    async verifyDummy(password) {
      await verifyPassword(dummyHash, password)
    },
  }
}
