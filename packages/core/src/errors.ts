/**
 * The one error class of gpuship. `message` says what was wrong and where it came from,
 * `hint` says how to fix it (a command, a YAML snippet, a policy line), `input` names the
 * action input or CLI flag at fault. `retryable` marks errors retry() may repeat.
 */
export interface GpushipErrorOptions {
  hint?: string
  input?: string
  code?: string
  retryable?: boolean
  /** Milliseconds the remote side asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number
  cause?: unknown
}

export class GpushipError extends Error {
  readonly hint?: string
  readonly input?: string
  readonly code?: string
  readonly retryable: boolean
  readonly retryAfterMs?: number

  constructor(message: string, options: GpushipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GpushipError'
    this.hint = options.hint
    this.input = options.input
    this.code = options.code
    this.retryable = options.retryable ?? false
    this.retryAfterMs = options.retryAfterMs
  }
}

export function isGpushipError(e: unknown): e is GpushipError {
  return e instanceof GpushipError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'GpushipError')
}

/** The text a user reads: the message, then the fix on its own lines. */
export function formatError(e: unknown): string {
  if (isGpushipError(e)) {
    return e.hint ? `${e.message}\nFix: ${e.hint}` : e.message
  }
  if (e instanceof Error) return e.message
  return String(e)
}
