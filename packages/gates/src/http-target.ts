import { GpushipError } from '@gpuship/core'
import type { HttpResponse, HttpTarget } from './types.js'

/**
 * An HttpTarget over a plain URL (a port-forward, a Service in the runner's network, or a
 * loopback simulator). Each request has a timeout; a refused connection or timeout is a
 * retryable GpushipError so callers can back off.
 */
export function urlTarget(baseUrl: string, opts: { timeoutMs?: number; headers?: Record<string, string>; name?: string } = {}): HttpTarget {
  let base: URL
  try {
    base = new URL(baseUrl)
  } catch {
    throw new GpushipError(`Invalid target URL ${JSON.stringify(baseUrl)}.`, { hint: 'Give an http(s) URL such as http://127.0.0.1:8000.' })
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new GpushipError(`Invalid target URL ${JSON.stringify(baseUrl)}: only http and https are supported.`, { hint: 'Give an http(s) URL such as http://127.0.0.1:8000.' })
  const prefix = base.href.replace(/\/+$/, '')
  const timeoutMs = opts.timeoutMs ?? 10_000
  return {
    name: opts.name ?? `${base.host}${base.pathname === '/' ? '' : base.pathname}`,
    async request(method, path, body, headers) {
      const url = `${prefix}${path.startsWith('/') ? path : `/${path}`}`
      let res: Response
      try {
        res = await fetch(url, { method, body, headers: { ...opts.headers, ...headers }, signal: AbortSignal.timeout(timeoutMs) })
      } catch (err) {
        const why = (err as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : ((err as { cause?: Error }).cause?.message ?? (err as Error).message)
        throw new GpushipError(`${method} ${url} failed: ${why}.`, { retryable: true, cause: err, hint: 'Check that the endpoint is reachable from the runner and the pod is running.' })
      }
      const out: HttpResponse = { status: res.status, headers: {}, body: await res.text() }
      res.headers.forEach((v, k) => (out.headers[k] = v))
      return out
    }
  }
}
