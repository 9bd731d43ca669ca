import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { runCli } from '../fixtures/run-cli.ts'

/**
 * The command line as a person without a clone gets it: `npm pack` (which builds the one-file bundle
 * first), `npm install -g` of the tarball into a temporary prefix, then the installed `keystead`
 * on plain Node: no TypeScript sources in the package, no type stripping.
 */
const ROOT = join(import.meta.dirname, '../..')
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
const work = makeTempDir('keystead-pack-')
const prefix = join(work.path, 'prefix')
const data = join(work.path, 'data')
let tarball = ''
let packedFiles: string[] = []
const keystead = () => join(prefix, 'bin', 'keystead')
const installed = () => join(prefix, 'lib', 'node_modules', 'keystead')
const npm = (args: string[]) => execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } })

beforeAll(() => {
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work.path])) as Array<{ filename: string; files: Array<{ path: string }> }>
  tarball = join(work.path, packed[0]!.filename)
  packedFiles = packed[0]!.files.map((file) => file.path).sort()
  // Dependencies come from npm's cache when it has them (this machine's CI), else from the registry.
  npm(['install', '--global', '--prefix', prefix, '--prefer-offline', tarball])
}, 300_000)
afterAll(() => work.remove())

describe('the npm package of the command line', () => {
  it('holds the launcher and the built bundle only: no sources, no app, small', () => {
    expect(packedFiles).toContain('bin/keystead.js')
    expect(packedFiles).toContain('out/cli/keystead.js')
    expect(packedFiles).toContain('package.json')
    // npm always packs package.json's `main` (the desktop app's entry, when a build made it): that one file, nothing else of the app.
    expect(packedFiles.filter((file) => !/^(bin\/keystead\.js|out\/cli\/.+\.js|out\/main\/index\.js|package\.json|README\.md|LICENSE)$/.test(file))).toEqual([])
    expect(packedFiles.filter((file) => file.startsWith('src-') || file.startsWith('out/renderer') || file.startsWith('out/preload'))).toEqual([])
    // The budget is the command line's. After a build (`npm run build`, or the e2e step of an earlier `npm test` in the
    // same checkout) npm also packs out/main/index.js as `main`; its compressed size is set aside (it once pushed a
    // developer's second `npm test` to 328 KB).
    const mainEntryBytes = packedFiles.includes('out/main/index.js') ? gzipSync(readFileSync(join(ROOT, 'out/main/index.js'))).length : 0
    expect(statSync(tarball).size - mainEntryBytes).toBeLessThan(300 * 1024)
    const bundle = packedFiles.filter((file) => file.startsWith('out/cli/')).map((file) => readFileSync(join(installed(), file), 'utf8')).join('\n')
    // Runtime dependencies stay imports (native ones cannot be bundled); our TypeScript is compiled in.
    expect(bundle).toMatch(/from "better-sqlite3"/)
    expect(bundle).not.toMatch(/from ["'][^"']*\.ts["']/)
  })

  it('installs with its native dependencies and runs without TypeScript sources or type stripping', () => {
    expect(existsSync(keystead())).toBe(true)
    expect(existsSync(join(installed(), 'src-main'))).toBe(false)
    for (const dependency of ['better-sqlite3', 'sharp', '@napi-rs/keyring', 'commander']) {
      expect(existsSync(join(installed(), 'node_modules', dependency, 'package.json')), dependency).toBe(true)
    }
    expect(execFileSync(keystead(), ['--version'], { encoding: 'utf8' })).toBe(`${VERSION}\n`)
    // The bundle is plain JavaScript: a Node that strips no types (as 22.12 to 22.17 by default) runs it.
    const plain = execFileSync(process.execPath, ['--no-experimental-strip-types', join(installed(), 'bin', 'keystead.js'), '--version'], { encoding: 'utf8' })
    expect(plain).toBe(`${VERSION}\n`)
    expect(readdirSync(join(installed(), 'out', 'cli')).every((name) => name === 'chunks' || name.endsWith('.js'))).toBe(true)
  })

  it('creates and lists accounts, and answers a usage error with exit code 2', async () => {
    const command: [string] = [keystead()]
    const created = await runCli(data, ['--json', 'accounts', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'], { stdin: 'wonderland 12\n', command })
    expect(created.stderr).toContain('WEAK test-only hash')
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({ username: 'alice', email: 'alice@example.com' })
    const listed = await runCli(data, ['--json', 'accounts', 'list'], { command })
    expect(listed.code).toBe(0)
    expect((JSON.parse(listed.stdout) as { accounts: Array<{ username: string }> }).accounts.map((account) => account.username)).toEqual(['alice'])
    const usage = await runCli(data, ['accounts', 'nosuch'], { command })
    expect(usage.code).toBe(2)
  }, 60_000)

  it('serves the local API: starts, answers, stops on SIGTERM', async () => {
    const child = spawn(keystead(), ['--data-dir', data, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } })
    try {
      const started = await new Promise<{ address: string; openapi: string }>((resolve, reject) => {
        let out = ''
        child.stdout.setEncoding('utf8').on('data', (text: string) => {
          out += text
          try {
            resolve(JSON.parse(out) as { address: string; openapi: string })
          } catch {
            // not the whole document yet
          }
        })
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)))
      })
      expect(started.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const answer = await fetch(started.openapi)
      expect(answer.status).toBe(200)
      expect(((await answer.json()) as { openapi: string }).openapi).toMatch(/^3\./)
      const unauthenticated = await fetch(`${started.address}/api/v2/users/me`)
      expect(unauthenticated.status).toBe(401)
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 60_000)
})
