#!/usr/bin/env node
// The `keystead` command: runs the TypeScript CLI with Node's type stripping. Node >= 22.18 strips types by
// default; on 22.12 to 22.17 the flag must be given, so this launcher runs the CLI again with it.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const entry = new URL('../src-main/cli/main.ts', import.meta.url)

if (process.features.typescript) {
  await import(entry.href)
} else {
  const args = ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', fileURLToPath(entry), ...process.argv.slice(2)]
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' })
  if (child.error) {
    process.stderr.write(`keystead: could not start the command line: ${child.error.message}\n`)
    process.exit(1)
  }
  if (child.signal) process.kill(process.pid, child.signal)
  process.exit(child.status ?? 1)
}
