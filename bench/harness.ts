/**
 * The shape every bench file exports, and small measuring helpers. Figures are printed by
 * bench/run.ts; nothing here asserts a time (speed targets are read, not tested).
 */
export interface Figure {
  label: string
  value: number
  unit: string
  /** What the figure is compared with, printed beside it (e.g. "node -e ''" or "jq"). */
  baseline?: { label: string; value: number }
  note?: string
}

export interface Bench {
  name: string
  run(): Promise<Figure[]>
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Runs `fn` `times` times (after `warmup` unmeasured runs) and returns the median in ms. */
export async function timeMedian(fn: () => Promise<unknown> | unknown, times = 7, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint()
    await fn()
    samples.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return median(samples)
}
