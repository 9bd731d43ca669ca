/**
 * Work whose cost grows with the data never runs on the main process's event loop in one piece:
 * it is cut into slices (each one short transaction or one page of rows) with a turn of the event
 * loop between them, so the window's requests are answered meanwhile.
 */

/** Rows one page of a read holds (an export's page). */
export const SLICE_ROWS = 500

/** How long one slice of a write may take: the size adapts so that a slice stays near this. */
export const SLICE_TARGET_MS = 10

/** Lets the event loop run everything that is waiting (timers, I/O, IPC) before the next slice. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Runs `slice(limit)` (it handles up to `limit` rows and returns how many it did) until one does fewer
 * than asked, yielding between slices. The limit adapts to the machine: halved after a slice slower
 * than SLICE_TARGET_MS (random index pages on a large file, a slow disk's sync), doubled after a quick
 * one, within [minRows, maxRows]. Returns the rows done in all.
 */
export async function repeatInSlices(slice: (limit: number) => number, options: { initialRows?: number; minRows?: number; maxRows?: number } = {}): Promise<number> {
  const minRows = options.minRows ?? 16
  const maxRows = options.maxRows ?? 4096
  // Small at first: the first rows of a large table may sit on pages not yet read.
  let limit = options.initialRows ?? 32
  let total = 0
  for (;;) {
    const started = performance.now()
    const done = slice(limit)
    const tookMs = performance.now() - started
    total += done
    if (done < limit) return total
    if (tookMs > SLICE_TARGET_MS) limit = Math.max(minRows, Math.floor(limit / 2))
    else if (tookMs < SLICE_TARGET_MS / 2) limit = Math.min(maxRows, limit * 2)
    await yieldToEventLoop()
  }
}
