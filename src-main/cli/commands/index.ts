import type { Command } from 'commander'
import type { CliRuntime } from '../runtime.ts'
import { registerAccountCommands } from './accounts.ts'
import { registerBackupCommands } from './backup.ts'
import { registerRecordCommands } from './records.ts'
import { registerServeCommand } from './serve.ts'
import { registerSSHCommands } from './ssh.ts'
import { registerSessionCommands } from './sessions.ts'
import { registerSSHKeyCommands } from './ssh-keys.ts'
import { registerTokenCommands } from './tokens.ts'
import { registerTwoFactorCommands } from './two-factor.ts'

/** Every command module. A new domain adds `register<Domain>Commands(program, cli)` here. */
export const commandModules: ReadonlyArray<(program: Command, cli: CliRuntime) => void> = [
  registerAccountCommands,
  registerSessionCommands,
  registerTwoFactorCommands,
  registerSSHKeyCommands,
  registerSSHCommands,
  registerTokenCommands,
  registerRecordCommands,
  registerServeCommand,
  registerBackupCommands,
]
