/**
 * The `keystead` command line. Reserved: the commands arrive with the
 * headless-administration issue. Until then it explains itself and exits 2 (usage).
 */
process.stderr.write('keystead: no commands are available in this version yet. See README.md.\n')
process.exitCode = 2
