import { isGpushipError } from './errors.js'

export interface RetryOptions {
  maxAttempts?: number
  baseMs?: number
  maxMs?: number
  /** Decides whether an error is worth another attempt. Default: errors marked `retryable`. */
  isRetryable?: (err: unknown) => boolean
  /** Milliseconds the server asked for (Retry-After); overrides the backoff when longer. */
  retryAfterMs?: (err: unknown) => number | undefined
  label?: string
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown; label?: string }) => void
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function markedRetryable(err: unknown): boolean {
  if (isGpushipError(err)) return err.retryable
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true
}

function markedRetryAfter(err: unknown): number | undefined {
  const v = typeof err === 'object' && err !== null ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

/** Full-jitter delay for an attempt (1-based): uniform in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1))
  return Math.floor(random() * ceiling)
}

/**
 * Parses an HTTP Retry-After value (seconds or an HTTP date) into milliseconds from `now`.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * Runs `fn` until it succeeds, an error is not retryable, or attempts run out. The last error
 * propagates untouched so callers see the real cause, not a wrapper.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5
  const baseMs = options.baseMs ?? 500
  const maxMs = options.maxMs ?? 20_000
  const isRetryable = options.isRetryable ?? markedRetryable
  const retryAfter = options.retryAfterMs ?? markedRetryAfter
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      if (attempt >= maxAttempts || !isRetryable(err)) throw err
      const jitter = backoffDelay(attempt, baseMs, maxMs, random)
      const asked = retryAfter(err)
      const delayMs = asked !== undefined ? Math.min(Math.max(asked, jitter), Math.max(maxMs, asked)) : jitter
      options.onRetry?.({ attempt, delayMs, error: err, label: options.label })
      await sleep(delayMs)
    }
  }
}
