/**
 * Fault injection: a test says "the next N matching calls fail this way" and the server
 * applies the first matching fault before the handler runs.
 */
export type FaultKind = 'throttle' | '5xx' | 'latency' | 'bad-signature' | 'reset' | 'error'

export interface Fault {
  kind: FaultKind
  service?: string
  /** Operation name (query Action, X-Amz-Target operation, or rest path prefix). */
  action?: string
  /** How many calls it hits; Infinity for all. Default 1. */
  times?: number
  /** Latency to add (ms), for kind 'latency' (the call then proceeds). */
  ms?: number
  /** For 'error': the code, message and status to answer with. */
  code?: string
  message?: string
  status?: number
  /** Seconds for a Retry-After header on throttle/5xx. */
  retryAfter?: number
}

export interface FaultSet {
  add(fault: Fault): void
  clear(): void
  /** Calls that each fault has hit, by kind, for assertions on retries. */
  readonly hits: { kind: FaultKind; service: string; action: string }[]
  /** Takes (and counts down) the first fault matching this call. */
  take(service: string, action: string): Fault | undefined
}

export function createFaultSet(): FaultSet {
  let faults: (Fault & { left: number })[] = []
  const hits: FaultSet['hits'] = []
  return {
    hits,
    add(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 })
    },
    clear() {
      faults = []
      hits.length = 0
    },
    take(service, action) {
      const f = faults.find((x) => x.left > 0 && (!x.service || x.service === service) && (!x.action || x.action === action || action.startsWith(x.action)))
      if (!f) return undefined
      f.left--
      hits.push({ kind: f.kind, service, action })
      return f
    }
  }
}
