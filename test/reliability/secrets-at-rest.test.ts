import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConsoleLogger } from '../../src-main/log.ts'
import { SessionOrigin } from '../../src-main/services/session-service.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'
import { signedIn } from '../fixtures/signed-in.ts'

/**
 * Secrets at rest: a scripted session uses every feature there is, collecting each secret
 * it types or receives; then every file Keystead wrote (the database, its WAL and shared
 * memory, the settings store, the log) is searched, byte by byte, for each of them in
 * every plausible encoding. A new feature adds a step to SCRIPT and registers its secrets
 * (tokens, API keys, recovery codes, TOTP secrets) with `ctx.secret(...)`.
 */
interface ScriptContext {
  test: TestCore
  /** Remembers a secret that must never be found at rest; returns it. */
  secret(label: string, value: string): string
  tokenOf(windowId: number): string
}

const SCRIPT: Array<{ step: string; run(ctx: ScriptContext): Promise<void> }> = [
  {
    step: 'create an account (window 1)',
    async run({ test, secret, tokenOf }) {
      const password = secret('alice password', 'Correct horse 42 battery')
      expect(await test.call('keystead:auth.createAccount', { username: 'alice', password, fullName: 'Alice Liddell', email: 'alice@example.test' }, 1)).toMatchObject({ ok: true })
      secret('session token, window 1', tokenOf(1))
    },
  },
  {
    step: 'mistype the password, then sign in (window 2)',
    async run({ test, secret, tokenOf }) {
      const wrong = secret('mistyped password', 'Correct horse 42 batterz')
      expect(await test.call('keystead:auth.signIn', { username: 'alice', password: wrong }, 2)).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } })
      expect(await test.call('keystead:auth.signIn', { username: 'alice', password: 'Correct horse 42 battery', keepSignedIn: true }, 2)).toMatchObject({ ok: true })
      secret('session token, window 2', tokenOf(2))
    },
  },
  {
    step: 'confirm the password for a sensitive action, once wrongly',
    async run({ test, secret }) {
      const wrong = secret('mistyped re-auth password', 'Wrong re-auth 99')
      expect(await test.call('keystead:auth.reauthenticate', { password: wrong }, 1)).toMatchObject({ ok: false })
      expect(await test.call('keystead:auth.reauthenticate', { password: 'Correct horse 42 battery' }, 1)).toMatchObject({ ok: true })
    },
  },
  {
    step: 'a second account, signed in from the command line',
    async run({ test, secret }) {
      const password = secret('bob password', 'Bobs very own 77 secret')
      await test.core.services!.accounts.createAccount({ username: 'bob', password })
      const { token } = signedIn(await test.core.services!.auth.signIn({ username: 'bob', password, origin: SessionOrigin.CLI, device: FAKE_DEVICE }))
      secret('CLI session token', token)
    },
  },
  {
    step: 'a request from an untrusted frame carrying a password (logged as refused)',
    async run({ test, secret }) {
      const password = secret('password sent by an untrusted frame', 'Untrusted frame 55 pass')
      expect(await test.core.invoke({ windowId: 9, senderUrl: 'https://evil.example/' }, 'keystead:auth.signIn', { username: 'alice', password })).toMatchObject({ ok: false })
    },
  },
  {
    step: 'sign out (window 2)',
    async run({ test }) {
      expect(await test.call('keystead:auth.signOut', null, 2)).toMatchObject({ ok: true })
    },
  },
]

/** The forms a secret could take in a file. */
export function encodingsOf(secret: string): Array<{ encoding: string; bytes: Buffer }> {
  const utf8 = Buffer.from(secret, 'utf8')
  const forms = [
    { encoding: 'utf8', bytes: utf8 },
    { encoding: 'utf16le', bytes: Buffer.from(secret, 'utf16le') },
    { encoding: 'base64', bytes: Buffer.from(utf8.toString('base64').replace(/=+$/, '')) },
    { encoding: 'base64url', bytes: Buffer.from(utf8.toString('base64url')) },
    { encoding: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    { encoding: 'HEX', bytes: Buffer.from(utf8.toString('hex').toUpperCase()) },
  ]
  // A base64url token's own 32 bytes, raw and in hex.
  if (/^[A-Za-z0-9_-]{40,}$/.test(secret)) {
    const raw = Buffer.from(secret, 'base64url')
    forms.push({ encoding: 'raw bytes', bytes: raw }, { encoding: 'raw hex', bytes: Buffer.from(raw.toString('hex')) })
  }
  return forms
}

export function findSecrets(files: string[], secrets: Map<string, string>): string[] {
  const found: string[] = []
  for (const file of files) {
    const content = readFileSync(file)
    for (const [label, value] of secrets) {
      for (const { encoding, bytes } of encodingsOf(value)) {
        if (content.includes(bytes)) found.push(`${label} (${encoding}) in ${file}`)
      }
    }
  }
  return found
}

function filesIn(path: string): string[] {
  return readdirSync(path)
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile())
}

describe('secrets at rest', () => {
  const dir = makeTempDir('keystead-secrets-')
  const logFile = join(dir.path, 'keystead.log')
  const secrets = new Map<string, string>()
  let test: TestCore
  let whileRunning: string[] = []

  beforeAll(async () => {
    test = await startTestCore({ dataDir: dir.path, log: createConsoleLogger((line) => appendFileSync(logFile, line + '\n')) })
    // The settings store the Electron shell keeps next to the database (electron-store's JSON).
    writeFileSync(join(dir.path, 'window-state.json'), JSON.stringify({ bounds: { width: 1100, height: 760 } }))
    const ctx: ScriptContext = {
      test,
      secret: (label, value) => (secrets.set(label, value), value),
      tokenOf: (windowId) => test.core.windows.get(windowId)!.token,
    }
    for (const { run } of SCRIPT) await run(ctx)
    whileRunning = filesIn(dir.path)
  })
  afterAll(() => dir.remove())

  it('finds no secret in the database, its WAL, the settings store or the log while the app runs', () => {
    const names = whileRunning.map((file) => file.slice(dir.path.length + 1)).sort()
    expect(names).toEqual(expect.arrayContaining(['keystead.db', 'keystead.db-wal', 'keystead.db-shm', 'keystead.log', 'window-state.json']))
    // The WAL holds this session's writes (nothing checkpointed yet), so it is worth searching.
    expect(statSync(join(dir.path, 'keystead.db-wal')).size).toBeGreaterThan(0)
    expect(readFileSync(logFile, 'utf8')).toContain('Refused a request from an untrusted frame')
    expect(findSecrets(whileRunning, secrets)).toEqual([])
  })

  it('finds none after the app closed (WAL checkpointed into the file)', () => {
    test.core.close()
    expect(findSecrets(filesIn(dir.path), secrets)).toEqual([])
    console.log(`secrets at rest: ${SCRIPT.length} steps, ${secrets.size} secrets x ${encodingsOf('x').length}+ encodings, searched in ${whileRunning.length} files: none found`)
  })

  it('the search itself finds a planted secret in every encoding (so a clean result means something)', () => {
    const planted = makeTempDir('keystead-planted-')
    try {
      const token = 'q8JxG2v4Xw0sYkHh3Zt7Lm1Pn6Rb9Cd5Ef0Ga2Ib4Jc'
      const files = encodingsOf(token).map(({ encoding, bytes }, i) => {
        const file = join(planted.path, `${i}-${encoding}`)
        writeFileSync(file, Buffer.concat([Buffer.alloc(100, 7), bytes, Buffer.alloc(100, 9)]))
        return file
      })
      const found = findSecrets(files, new Map([['planted', token]]))
      for (const file of files) expect(found.some((line) => line.endsWith(file))).toBe(true)
    } finally {
      planted.remove()
    }
  })
})
