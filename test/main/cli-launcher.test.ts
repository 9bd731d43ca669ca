import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../fixtures/temp-dir.ts'

const LAUNCHER = join(import.meta.dirname, '../../bin/keystead.js')
const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version

/** Runs `node [nodeFlags] bin/keystead.js ...args`; `--no-experimental-strip-types` stands in for Node 22.12-22.17. */
function runLauncher(nodeFlags: string[], args: string[]) {
  const run = spawnSync(process.execPath, [...nodeFlags, LAUNCHER, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KEYSTEAD_INSECURE_TEST_KDF: '1' },
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('bin/keystead.js', () => {
  const dirs: { remove(): void }[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()))

  for (const [name, flags] of [
    ['on a Node that strips types by default', []],
    ['on a Node that does not strip types by default (22.12 to 22.17)', ['--no-experimental-strip-types']],
  ] as const) {
    it(`runs the CLI and passes its output and exit codes through ${name}`, () => {
      const version = runLauncher([...flags], ['--version'])
      expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` })
      expect(version.stderr).not.toMatch(/ExperimentalWarning|strip/i)

      const dataDir = makeTempDir()
      dirs.push(dataDir)
      const refused = runLauncher([...flags], ['--data-dir', dataDir.path, '--json', 'accounts', 'list'])
      expect(refused.code).toBe(1)
      expect(JSON.parse(refused.stderr)).toMatchObject({ error: { code: 'NOT_FOUND', reason: 'cli.noData' } })

      const usage = runLauncher([...flags], ['nosuch'])
      expect(usage.code).toBe(2)
      expect(usage.stderr).toContain("unknown command 'nosuch'")
    })
  }
})
