/**
 * The `keystead` command line: `npm run --silent cli -- <command>` or `bin/keystead.js`.
 * A second face over the same services and the same database file as the app.
 */
import { createProcessIO } from './io.ts'
import { runCli } from './program.ts'

const code = await runCli(process.argv.slice(2), createProcessIO())
process.exitCode = code
