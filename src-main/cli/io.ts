/** What the command line touches of the outside world; tests run the real process instead of faking this. */
export interface CliIO {
  writeOut(text: string): void
  writeErr(text: string): void
  /** Reads standard input up to the first line break (or its end). */
  readStdinLine(): Promise<string>
  /**
   * On a terminal: reads one line with echo off (raw mode), so a typed password never shows on screen or in
   * a recording of it. Backspace deletes, Ctrl-C stops the command (exit 130), Ctrl-D ends an empty line.
   */
  readHiddenLine(): Promise<string>
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
    readHiddenLine() {
      return readHiddenLineFromTTY(process.stdin, (text) => void process.stderr.write(text))
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

/** What readHiddenLine needs of a terminal stream (process.stdin when it is a TTY). */
export interface HiddenInput {
  isTTY?: boolean
  setRawMode?(mode: boolean): unknown
  on(event: 'data', listener: (chunk: Buffer) => void): unknown
  off(event: 'data', listener: (chunk: Buffer) => void): unknown
  resume(): unknown
  pause(): unknown
}

const CTRL_C = 0x03
const CTRL_D = 0x04
const BACKSPACE = 0x08
const DELETE = 0x7f
const CR = 0x0d
const LF = 0x0a

/** Reads a line with the terminal's echo off; the raw mode is always switched back, also on Ctrl-C. */
export function readHiddenLineFromTTY(input: HiddenInput, writeErr: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!input.isTTY || typeof input.setRawMode !== 'function') {
      reject(new Error('readHiddenLine needs a terminal'))
      return
    }
    const bytes: number[] = []
    const finish = (outcome: () => void): void => {
      input.off('data', onData)
      input.setRawMode!(false)
      input.pause()
      writeErr('\n')
      outcome()
    }
    const onData = (chunk: Buffer): void => {
      for (const byte of chunk) {
        if (byte === CR || byte === LF) return finish(() => resolve(Buffer.from(bytes).toString('utf8')))
        if (byte === CTRL_C) {
          bytes.fill(0)
          // As the shell would after Ctrl-C in cooked mode: stop at once, nothing changed.
          return finish(() => process.exit(130))
        }
        if (byte === CTRL_D && bytes.length === 0) return finish(() => resolve(''))
        if (byte === BACKSPACE || byte === DELETE) {
          // Remove one whole UTF-8 character (its continuation bytes are 10xxxxxx).
          while (bytes.length > 0 && (bytes.pop()! & 0xc0) === 0x80);
          continue
        }
        if (byte >= 0x20 || byte === 0x09) bytes.push(byte)
        if (bytes.length > STDIN_LIMIT) return finish(() => resolve(Buffer.from(bytes).toString('utf8')))
      }
    }
    input.setRawMode(true)
    input.on('data', onData)
    input.resume()
  })
}
