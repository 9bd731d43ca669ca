#!/usr/bin/env node
// The `keystead` command. Installed from the npm package (`npm install -g`), it runs the built bundle
// out/cli/keystead.js (plain JavaScript, any Node >= 22.12). In a clone of the repository it runs the
// TypeScript sources with Node's type stripping, so a change needs no build: Node >= 22.18 strips types
// by default; on 22.12 to 22.17 the flag must be given, so this launcher runs the CLI again with it.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const sources = new URL('../src-main/cli/main.ts', import.meta.url)
const bundle = new URL('../out/cli/keystead.js', import.meta.url)

if (!existsSync(fileURLToPath(sources))) {
  await import(bundle.href)
} else if (process.features.typescript) {
  await import(sources.href)
} else {
  const args = ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', fileURLToPath(sources), ...process.argv.slice(2)]
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' })
  if (child.error) {
    process.stderr.write(`keystead: could not start the command line: ${child.error.message}\n`)
    process.exit(1)
  }
  if (child.signal) process.kill(process.pid, child.signal)
  process.exit(child.status ?? 1)
}
