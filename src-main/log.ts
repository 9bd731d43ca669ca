/**
 * A minimal logger. Callers pass facts, never secrets: no passwords, tokens, codes,
 * keys or request payloads.
 */
export interface Logger {
  info(message: string, facts?: Record<string, unknown>): void
  error(message: string, error?: unknown): void
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}${error.stack ? `\n${error.stack.split('\n').slice(1, 6).join('\n')}` : ''}`
  if (error !== null && typeof error === 'object') {
    try {
      return JSON.stringify(error)
    } catch {
      // A cycle or a BigInt: fall back to the tag.
    }
  }
  return String(error)
}

export function createConsoleLogger(write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  return {
    info(message, facts) {
      write(`[keystead] ${message}${facts ? ' ' + JSON.stringify(facts) : ''}`)
    },
    error(message, error) {
      write(`[keystead] ERROR ${message}${error === undefined ? '' : ' ' + describeError(error)}`)
    },
  }
}

export const silentLogger: Logger = { info() {}, error() {} }
