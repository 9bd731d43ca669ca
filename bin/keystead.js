#!/usr/bin/env node
// The `keystead` command: runs the TypeScript CLI with Node's type stripping. Node >= 22.18 strips types by
// default; on 22.12 to 22.17 the flag must be given, so this launcher runs the CLI again with it.
// `keystead ssh authorized-keys ...` (what sshd runs on every login attempt) takes a lean path that loads
// neither commander nor the services: see src-main/cli/ssh-authorized-keys.ts.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const entry = new URL('../src-main/cli/main.ts', import.meta.url)
const args = process.argv.slice(2)

if (process.features.typescript) {
  if (args.includes('authorized-keys')) {
    const lean = await import(new URL('../src-main/cli/ssh-authorized-keys.ts', import.meta.url).href)
    const lookup = lean.parseAuthorizedKeysArguments(args)
    if (lookup) {
      process.exitCode = lean.runAuthorizedKeysLookup(lookup, {
        writeOut: (text) => process.stdout.write(text),
        writeErr: (text) => process.stderr.write(text),
        env: process.env,
      })
    } else await import(entry.href)
  } else await import(entry.href)
} else {
  const childArgs = ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', fileURLToPath(entry), ...process.argv.slice(2)]
  const child = spawnSync(process.execPath, childArgs, { stdio: 'inherit' })
  if (child.error) {
    process.stderr.write(`keystead: could not start the command line: ${child.error.message}\n`)
    process.exit(1)
  }
  if (child.signal) process.kill(process.pid, child.signal)
  process.exit(child.status ?? 1)
}
