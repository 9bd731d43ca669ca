/**
 * Work whose cost grows with the data never runs on the main process's event loop in one piece:
 * it is cut into slices (each one short transaction or one page of rows) with a turn of the event
 * loop between them, so the window's requests are answered meanwhile.
 */

/** Rows one slice deletes or reads: a few milliseconds of work on the bench machine. */
export const SLICE_ROWS = 500

/** Lets the event loop run everything that is waiting (timers, I/O, IPC) before the next slice. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Runs `slice` until it reports fewer than `rows` rows, yielding between slices; returns the rows in all. */
export async function repeatInSlices(slice: () => number, rows = SLICE_ROWS): Promise<number> {
  let total = 0
  for (;;) {
    const done = slice()
    total += done
    if (done < rows) return total
    await yieldToEventLoop()
  }
}
