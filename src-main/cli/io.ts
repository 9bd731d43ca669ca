/** What the command line touches of the outside world; tests run the real process instead of faking this. */
export interface CliIO {
  writeOut(text: string): void
  writeErr(text: string): void
  /** Reads standard input up to the first line break (or its end). */
  readStdinLine(): Promise<string>
  /** Reads standard input to its end; null when it is longer than `limit` bytes. */
  readStdinAll(limit: number): Promise<string | null>
  readonly stdinIsTTY: boolean
  readonly env: NodeJS.ProcessEnv
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM); used by `serve`. */
  waitForStop(): Promise<string>
}

const STDIN_LIMIT = 64 * 1024

export function createProcessIO(): CliIO {
  return {
    writeOut: (text) => void process.stdout.write(text),
    writeErr: (text) => void process.stderr.write(text),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    readStdinLine() {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = []
        let size = 0
        const finish = (): void => {
          process.stdin.off('data', onData)
          process.stdin.off('end', finish)
          process.stdin.off('error', onError)
          process.stdin.pause()
          resolve(Buffer.concat(chunks).toString('utf8').split('\n')[0]!.replace(/\r$/, ''))
        }
        const onData = (chunk: Buffer): void => {
          chunks.push(chunk)
          size += chunk.length
          if (chunk.includes(0x0a) || size > STDIN_LIMIT) finish()
        }
        const onError = (error: Error): void => reject(error)
        process.stdin.on('data', onData)
        process.stdin.on('end', finish)
        process.stdin.on('error', onError)
        process.stdin.resume()
      })
    },
    readStdinAll(limit) {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = []
        let size = 0
        process.stdin.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size <= limit) chunks.push(chunk)
        })
        process.stdin.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')))
        process.stdin.on('error', reject)
        process.stdin.resume()
      })
    },
    waitForStop() {
      return new Promise((resolve) => {
        const stop = (signal: string): void => resolve(signal)
        process.once('SIGINT', () => stop('SIGINT'))
        process.once('SIGTERM', () => stop('SIGTERM'))
      })
    },
  }
}
