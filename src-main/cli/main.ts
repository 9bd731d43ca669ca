/**
 * The `keystead` command line: `npm run --silent cli -- <command>` or `bin/keystead.js`.
 * A second face over the same services and the same database file as the app.
 */
import { OWNER_ONLY_UMASK } from '../db/data-folder.ts'
import { createProcessIO } from './io.ts'
import { runCli } from './program.ts'

// Whatever the shell's umask: what this process creates is its owner's only (the data files also get explicit modes).
process.umask(OWNER_ONLY_UMASK)

const code = await runCli(process.argv.slice(2), createProcessIO())
process.exitCode = code
