/**
 * A benchmark figure: a RATIO of two medians measured in the same run (the machine is
 * shared and noisy; absolute times drift, ratios much less), with both medians kept
 * beside it and the target it is held to.
 */
export interface Measured {
  label: string
  value: number
  unit: 'ms' | 'µs' | 'KB' | 'MB' | 'rps'
}

export interface Target {
  op: '<=' | '>='
  value: number
}

export interface Figure {
  id: string
  title: string
  ratio: number | null
  target: Target | null
  holds: boolean | null
  numerator: Measured | null
  denominator: Measured | null
  /** Extra facts (sample sizes, what a pending slot needs). */
  note?: string
}

export function makeFigure(
  id: string,
  title: string,
  numerator: Measured,
  denominator: Measured,
  target: Target | null,
  note?: string,
): Figure {
  const ratio = denominator.value === 0 ? Number.POSITIVE_INFINITY : numerator.value / denominator.value
  const holds = target === null ? null : target.op === '<=' ? ratio <= target.value : ratio >= target.value
  return { id, title, ratio, target, holds, numerator, denominator, ...(note ? { note } : {}) }
}

/** A slot for a figure whose subject does not exist yet (filled in by a later change). */
export function pendingFigure(id: string, title: string, target: Target, note: string): Figure {
  return { id, title, ratio: null, target, holds: null, numerator: null, denominator: null, note }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Times an async function once, in milliseconds. */
export async function timeMs(run: () => unknown): Promise<number> {
  const started = performance.now()
  await run()
  return performance.now() - started
}

const round = (value: number): string =>
  !Number.isFinite(value) ? String(value) : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3)

function formatMeasured(measured: Measured | null): string {
  return measured ? `${measured.label} ${round(measured.value)} ${measured.unit}` : ''
}

/** The table the bench prints (plain text, fixed-width columns). */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.title,
    f.ratio === null ? 'pending' : round(f.ratio),
    f.target ? `${f.target.op} ${f.target.value}` : '-',
    f.holds === null ? (f.ratio === null ? 'n/a' : '-') : f.holds ? 'yes' : 'NO',
    formatMeasured(f.numerator),
    formatMeasured(f.denominator),
  ])
  const header = ['figure', 'ratio', 'target', 'holds', 'numerator (median)', 'denominator (median)']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n')
}

/** The same table as Markdown, for the README. */
export function formatMarkdownTable(figures: readonly Figure[]): string {
  const lines = ['| figure | ratio | target | holds | numerator (median) | denominator (median) |', '| --- | ---: | ---: | :---: | --- | --- |']
  for (const f of figures) {
    lines.push(
      `| ${f.title} | ${f.ratio === null ? 'pending' : round(f.ratio)} | ${f.target ? `${f.target.op === '<=' ? '≤' : '≥'} ${f.target.value}` : '-'} | ${
        f.holds === null ? (f.ratio === null ? 'n/a' : '-') : f.holds ? 'yes' : '**no**'
      } | ${formatMeasured(f.numerator)} | ${formatMeasured(f.denominator)} |`,
    )
  }
  return lines.join('\n')
}
