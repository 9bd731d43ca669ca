/**
 * `keystead` in an installed app: the app's own executable started with `--cli <command...>` runs one
 * command of the command line (the same program as `npm install -g keystead` gives) and exits with its
 * code, before any window, lock or protocol exists. It needs no Node of its own and no RunAsNode fuse:
 * the app's main process is the Node that runs it.
 */
export const CLI_SWITCH = '--cli'

/** The arguments after `--cli`, or null when the app starts as the desktop app. */
export function readCommandLineArguments(argv: readonly string[]): string[] | null {
  const at = argv.indexOf(CLI_SWITCH)
  return at === -1 ? null : argv.slice(at + 1)
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()))
}

/**
 * Runs one command with the process's own standard streams; resolves to its exit code (0, 1, or 2 for
 * a usage error) once everything it printed is written. `appDataDir` is the app's data folder: the
 * default when neither --data-dir nor KEYSTEAD_DATA_DIR says otherwise.
 */
export async function runCommandLineMode(args: readonly string[], env: NodeJS.ProcessEnv, appDataDir: string): Promise<number> {
  const [{ runCli }, { createProcessIO }] = await Promise.all([import('./cli/program.ts'), import('./cli/io.ts')])
  const io = createProcessIO()
  const code = await runCli(args, { ...io, env: { ...env, KEYSTEAD_DATA_DIR: env.KEYSTEAD_DATA_DIR || appDataDir } })
  await Promise.all([flush(process.stdout), flush(process.stderr)])
  return code
}
