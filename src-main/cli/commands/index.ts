import type { Command } from 'commander'
import type { CliRuntime } from '../runtime.ts'
import { registerAccountCommands } from './accounts.ts'
import { registerRecordCommands } from './records.ts'
import { registerServeCommand } from './serve.ts'
import { registerSessionCommands } from './sessions.ts'

/** Every command module. A new domain adds `register<Domain>Commands(program, cli)` here (phase 2: 2fa, ssh-keys, tokens, api-key). */
export const commandModules: ReadonlyArray<(program: Command, cli: CliRuntime) => void> = [
  registerAccountCommands,
  registerSessionCommands,
  registerRecordCommands,
  registerServeCommand,
]
