#!/usr/bin/env node
// The `keystead` command. Installed from the npm package (`npm install -g`), it runs the built bundle
// out/cli/keystead.js (plain JavaScript, any Node >= 22.12). In a clone of the repository it runs the
// TypeScript sources with Node's type stripping, so a change needs no build: Node >= 22.18 strips types
// by default; on 22.12 to 22.17 the flag must be given, so this launcher runs the CLI again with it.
// From the sources, `keystead ssh authorized-keys ...` (what sshd runs on every login attempt) takes a lean
// path that loads neither commander nor the services: see src-main/cli/ssh-authorized-keys.ts.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const sources = new URL('../src-main/cli/main.ts', import.meta.url)
const bundle = new URL('../out/cli/keystead.js', import.meta.url)
const args = process.argv.slice(2)

/** The lean sshd lookup when argv is exactly that command line; false otherwise. */
async function runLeanLookup() {
  if (!args.includes('authorized-keys')) return false
  const lean = await import(new URL('../src-main/cli/ssh-authorized-keys.ts', import.meta.url).href)
  const lookup = lean.parseAuthorizedKeysArguments(args)
  if (!lookup) return false
  process.exitCode = lean.runAuthorizedKeysLookup(lookup, {
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    env: process.env,
  })
  return true
}

if (!existsSync(fileURLToPath(sources))) {
  await import(bundle.href)
} else if (process.features.typescript) {
  if (!(await runLeanLookup())) await import(sources.href)
} else {
  const childArgs = ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', fileURLToPath(sources), ...args]
  const child = spawnSync(process.execPath, childArgs, { stdio: 'inherit' })
  if (child.error) {
    process.stderr.write(`keystead: could not start the command line: ${child.error.message}\n`)
    process.exit(1)
  }
  if (child.signal) process.kill(process.pid, child.signal)
  process.exit(child.status ?? 1)
}
