/**
 * The smallest tar (POSIX ustar) this archive needs: regular files only, names under 100 bytes,
 * read and written as streams. `tar -tf` and `tar -xf` read what `tarHeader` writes.
 */
export const TAR_BLOCK = 512

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8')
  if (bytes.length > length) throw new Error(`tar: "${value}" is too long for its field`)
  block.set(bytes, offset)
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
}

/** The 512-byte header of one regular file (mode 0600, owner 0). */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Uint8Array {
  const block = new Uint8Array(TAR_BLOCK)
  writeString(block, 0, 100, name)
  writeOctal(block, 100, 8, 0o600)
  writeOctal(block, 108, 8, 0)
  writeOctal(block, 116, 8, 0)
  writeOctal(block, 124, 12, size)
  writeOctal(block, 136, 12, Math.floor(mtimeSeconds))
  block.fill(0x20, 148, 156) // checksum field counts as spaces while summing
  block[156] = 0x30 // '0' regular file
  writeString(block, 257, 6, 'ustar\0')
  writeString(block, 263, 2, '00')
  const sum = block.reduce((total, byte) => total + byte, 0)
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return block
}

/** Zero bytes that fill a file's data up to the next block. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK)
}

/** Two zero blocks end an archive. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(TAR_BLOCK * 2)
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TarFormatError'
  }
}

export interface TarEntryHeader {
  name: string
  size: number
}

function readOctal(block: Uint8Array, offset: number, length: number): number {
  const text = Buffer.from(block.subarray(offset, offset + length)).toString('latin1').replace(/[\0 ]+$/g, '').trim()
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError('tar: a header number is not octal')
  return parseInt(text, 8)
}

/** Parses one header block; null for the zero block that ends the archive. */
export function parseTarHeader(block: Uint8Array): TarEntryHeader | null {
  if (block.every((byte) => byte === 0)) return null
  const stored = readOctal(block, 148, 8)
  let sum = 0
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!
  if (sum !== stored) throw new TarFormatError('tar: header checksum mismatch')
  const type = block[156]
  if (type !== 0x30 && type !== 0) throw new TarFormatError('tar: only regular files are expected')
  const end = block.indexOf(0)
  const name = Buffer.from(block.subarray(0, end === -1 || end > 100 ? 100 : end)).toString('utf8')
  return { name, size: readOctal(block, 124, 12) }
}

/** Reads exact byte counts from a stream of chunks. */
export class ChunkReader {
  private buffered: Uint8Array[] = []
  private bufferedBytes = 0
  private readonly iterator: AsyncIterator<Uint8Array>
  private done = false

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false
    const next = await this.iterator.next()
    if (next.done) {
      this.done = true
      return false
    }
    if (next.value.length > 0) {
      this.buffered.push(next.value)
      this.bufferedBytes += next.value.length
    }
    return true
  }

  /** Up to `max` bytes (at least one), or null at the end of the stream. */
  async readSome(max: number): Promise<Uint8Array | null> {
    while (this.bufferedBytes === 0) if (!(await this.fill())) return null
    const first = this.buffered[0]!
    if (first.length <= max) {
      this.buffered.shift()
      this.bufferedBytes -= first.length
      return first
    }
    this.buffered[0] = first.subarray(max)
    this.bufferedBytes -= max
    return first.subarray(0, max)
  }

  /** Exactly `size` bytes; throws TarFormatError when the stream ends first. */
  async readExactly(size: number): Promise<Uint8Array> {
    const out = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      const part = await this.readSome(size - filled)
      if (!part) throw new TarFormatError('tar: the archive ends in the middle of a file')
      out.set(part, filled)
      filled += part.length
    }
    return out
  }

  /** Hands `size` bytes to `sink` in pieces as they arrive. */
  async pipeExactly(size: number, sink: (chunk: Uint8Array) => Promise<void> | void): Promise<void> {
    let left = size
    while (left > 0) {
      const part = await this.readSome(Math.min(left, 1 << 20))
      if (!part) throw new TarFormatError('tar: the archive ends in the middle of a file')
      await sink(part)
      left -= part.length
    }
  }

  /** Reads the rest (discarding), true when anything but zero bytes was there. */
  async hasTrailingData(): Promise<boolean> {
    for (;;) {
      const part = await this.readSome(1 << 20)
      if (!part) return false
      if (part.some((byte) => byte !== 0)) return true
    }
  }
}
