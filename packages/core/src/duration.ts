import { GpushipError } from './errors.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * Parses `90s`, `5m`, `1h`, `1h30m`, `250ms` into milliseconds. A bare number is refused on
 * purpose: "300" could mean seconds or milliseconds, and guessing is how timeouts go wrong.
 */
export function parseDuration(text: string, input = 'duration'): number {
  const value = text.trim()
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy
  let total = 0
  let matched = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(value)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]]
    matched = re.lastIndex
  }
  if (value === '' || matched !== value.length) {
    throw new GpushipError(`Invalid ${input} '${text}'. Expected a duration such as 90s, 5m, 1h or 1h30m.`, {
      input,
      hint: `Set ${input} to a number followed by a unit (ms, s, m, h), e.g. "${input}: 5m".`
    })
  }
  return Math.round(total)
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`
  const m = Math.floor(s / 60)
  const rest = Math.round(s - m * 60)
  if (m < 60) return rest ? `${m}m${rest}s` : `${m}m`
  const h = Math.floor(m / 60)
  return `${h}h${m % 60 ? `${m % 60}m` : ''}`
}
