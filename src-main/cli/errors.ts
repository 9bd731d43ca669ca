import { DatabaseOpenError } from '../db/database.ts'
import { KeysteadError } from '../services/errors.ts'

/** Exit codes, a public promise (README): 0 success, 1 refused, 2 usage error. */
export const ExitCode = Object.freeze({ Ok: 0, Refused: 1, Usage: 2 } as const)
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** A mistake in how the command was called (unknown option, missing argument, bad number). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface CliErrorReport {
  exitCode: ExitCode
  error: { code: string; message: string; field?: string; reason?: string }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)
}

/** Turns anything thrown into one clear line (and its JSON twin). Never includes a secret: inputs are not echoed. */
export function describeCliError(error: unknown, busyTimeoutMs: number): CliErrorReport {
  if (error instanceof UsageError) return { exitCode: ExitCode.Usage, error: { code: 'USAGE', message: error.message } }
  if (error instanceof KeysteadError) {
    const report: CliErrorReport = { exitCode: ExitCode.Refused, error: { code: error.code, message: error.message } }
    if (error.field) report.error.field = error.field
    if (error.reason) report.error.reason = error.reason
    return report
  }
  if (error instanceof DatabaseOpenError) return { exitCode: ExitCode.Refused, error: { code: error.code, message: error.message } }
  if (isBusy(error)) {
    return {
      exitCode: ExitCode.Refused,
      error: {
        code: 'BUSY',
        message: `The account store stayed busy for ${Math.round(busyTimeoutMs / 1000)} s (another Keystead process is writing). Nothing was changed; try again.`,
      },
    }
  }
  return { exitCode: ExitCode.Refused, error: { code: 'INTERNAL', message: `Unexpected error: ${(error as Error)?.message ?? String(error)}` } }
}
