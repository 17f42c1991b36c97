import https from 'node:https'
import http from 'node:http'
import { GpushipError, parseRetryAfter, retry, silentLogger, type Logger } from '@gpuship/core'
import { loadKubeConfig } from './kube-config.js'

/** A bearer-token source that can be asked for a fresh token (after a 401 or before expiry). */
export type TokenProvider = (opts: { forceRefresh: boolean }) => Promise<string>

export interface KubeClientOptions {
  /** Path of a kubeconfig file; default $KUBECONFIG, then ~/.kube/config. */
  kubeconfigPath?: string
  /** A kubeconfig's YAML text (wins over the path). */
  kubeconfig?: string
  context?: string
  /** Replaces the kubeconfig's user credentials (e.g. an EKS token provider). */
  tokenProvider?: TokenProvider
  /** Per-request timeout for non-watch calls. Default 30 s. */
  timeoutMs?: number
  log?: Logger
}

export interface KubeResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RequestOptions {
  body?: string
  contentType?: string
  accept?: string
  timeoutMs?: number
  /** Retry 429/5xx/connection errors (only for idempotent calls). Default: true for GET. */
  retry?: boolean
  headers?: Record<string, string>
}

export interface StreamHandle {
  /** Resolves with the HTTP status once headers arrived (non-200 bodies are read whole). */
  status: Promise<{ status: number; body?: string }>
  /** Resolves when the stream ended (cleanly or not). */
  ended: Promise<Error | undefined>
  abort(): void
}

export interface KubeClient {
  server: string
  /** The kubeconfig context's namespace, or "default". */
  namespace: string
  request(method: string, path: string, opts?: RequestOptions): Promise<KubeResponse>
  /** JSON request; non-2xx becomes a GpushipError carrying the API's Status message and code. */
  json<T = unknown>(method: string, path: string, opts?: RequestOptions & { jsonBody?: unknown }): Promise<T>
  /** A streaming GET (watch, follow logs): each line goes to onLine. */
  stream(path: string, onLine: (line: string) => void): StreamHandle
  /** API requests sent so far (for the bench and the summary). */
  requestCount(): number
  /** Closes kept-alive connections so the process can exit. */
  close(): void
}

export class KubeApiError extends GpushipError {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    readonly details: unknown,
    opts: { retryable?: boolean; retryAfterMs?: number; hint?: string } = {}
  ) {
    super(message, { code: reason, retryable: opts.retryable, retryAfterMs: opts.retryAfterMs, hint: opts.hint })
  }
}

interface Auth {
  agent: https.Agent | http.Agent
  headers: Record<string, string>
}

/**
 * A Kubernetes client over @kubernetes/client-node's kubeconfig model and exec-credential plugin
 * (token, token file, client cert, exec plugin with its expiry cache; see kube-config.ts). The
 * requests themselves go over node:https so watches stream line by line and each content type
 * (apply-patch, json-patch) is sent exactly as kubectl sends it.
 */
export async function createKubeClient(opts: KubeClientOptions = {}): Promise<KubeClient> {
  const log = opts.log ?? silentLogger
  const kc = loadKubeConfig(opts)
  const server = kc.cluster.server.replace(/\/+$/, '')
  const isHttps = server.startsWith('https:')
  let count = 0
  let cached: Auth | undefined

  const auth = async (force: boolean): Promise<Auth> => {
    if (cached && !force && !opts.tokenProvider && !kc.user.exec) return cached
    const c = await kc.credentials(force)
    const headers = { ...c.headers }
    if (opts.tokenProvider) headers.Authorization = `Bearer ${await opts.tokenProvider({ forceRefresh: force })}`
    const agent =
      cached?.agent ??
      (isHttps
        ? new https.Agent({ ca: c.ca, cert: c.cert, key: c.key, rejectUnauthorized: c.rejectUnauthorized, servername: c.servername, keepAlive: true })
        : new http.Agent({ keepAlive: true }))
    cached = { agent, headers }
    return cached
  }

  const once = async (method: string, path: string, ro: RequestOptions, force: boolean): Promise<KubeResponse> => {
    const a = await auth(force)
    const url = new URL(server + path)
    count++
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(
        url,
        {
          method,
          agent: a.agent,
          headers: {
            ...a.headers,
            Accept: ro.accept ?? 'application/json',
            'User-Agent': 'gpuship/0.1',
            ...(ro.contentType ? { 'Content-Type': ro.contentType } : {}),
            ...ro.headers
          },
          timeout: ro.timeoutMs ?? opts.timeoutMs ?? 30_000
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const headers: Record<string, string> = {}
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') })
          })
          res.on('error', reject)
        }
      )
      req.on('timeout', () =>
        req.destroy(new GpushipError(`${method} ${path} timed out after ${ro.timeoutMs ?? opts.timeoutMs ?? 30_000} ms`, { retryable: true }))
      )
      req.on('error', (e) =>
        reject(
          e instanceof GpushipError
            ? e
            : new GpushipError(`${method} ${server}${path} failed: ${e.message}`, {
                retryable: true,
                cause: e,
                hint: 'Check that the cluster endpoint is reachable from the runner.'
              })
        )
      )
      if (ro.body !== undefined) req.end(ro.body)
      else req.end()
    })
  }

  const request = async (method: string, path: string, ro: RequestOptions = {}): Promise<KubeResponse> => {
    const retryable = ro.retry ?? method === 'GET'
    return retry(
      async () => {
        let res = await once(method, path, ro, false)
        if (res.status === 401) {
          log.debug(`401 from ${path}: refreshing credentials and retrying once`)
          res = await once(method, path, ro, true)
        }
        if (retryable && (res.status === 429 || res.status >= 500)) {
          throw new KubeApiError(`${method} ${path}: HTTP ${res.status} ${statusMessage(res.body)}`, res.status, 'Retryable', undefined, {
            retryable: true,
            retryAfterMs: parseRetryAfter(res.headers['retry-after'])
          })
        }
        return res
      },
      {
        maxAttempts: retryable ? 5 : 1,
        baseMs: 250,
        maxMs: 8000,
        label: `${method} ${path}`,
        onRetry: (i) => log.debug(`retry ${i.attempt} of ${method} ${path} in ${i.delayMs} ms: ${(i.error as Error).message}`)
      }
    )
  }

  return {
    server,
    namespace: kc.context.namespace ?? 'default',
    request,
    requestCount: () => count,
    close: () => cached?.agent.destroy(),
    async json<T>(method: string, path: string, ro: RequestOptions & { jsonBody?: unknown } = {}): Promise<T> {
      const body = ro.jsonBody !== undefined ? JSON.stringify(ro.jsonBody) : ro.body
      const res = await request(method, path, { ...ro, body, contentType: ro.contentType ?? (body !== undefined ? 'application/json' : undefined) })
      if (res.status < 200 || res.status > 299) throw apiError(method, path, res)
      return JSON.parse(res.body) as T
    },
    stream(path, onLine) {
      let abort = (): void => {}
      let resolveStatus!: (s: { status: number; body?: string }) => void
      const status = new Promise<{ status: number; body?: string }>((r) => (resolveStatus = r))
      const ended = (async (): Promise<Error | undefined> => {
        let a: Auth
        try {
          a = await auth(false)
        } catch (e) {
          resolveStatus({ status: 0 })
          return e as Error
        }
        count++
        return new Promise<Error | undefined>((resolve) => {
          const req = (isHttps ? https : http).request(
            new URL(server + path),
            { method: 'GET', agent: a.agent, headers: { ...a.headers, Accept: 'application/json', 'User-Agent': 'gpuship/0.1' } },
            (res) => {
              if (res.statusCode !== 200) {
                const chunks: Buffer[] = []
                res.on('data', (c: Buffer) => chunks.push(c))
                res.on('end', () => (resolveStatus({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }), resolve(undefined)))
                res.on('error', () => (resolveStatus({ status: res.statusCode ?? 0 }), resolve(undefined)))
                return
              }
              resolveStatus({ status: 200 })
              let buf = ''
              res.setEncoding('utf8')
              res.on('data', (c: string) => {
                buf += c
                let i: number
                while ((i = buf.indexOf('\n')) >= 0) {
                  const line = buf.slice(0, i)
                  buf = buf.slice(i + 1)
                  if (line.trim()) onLine(line)
                }
              })
              res.on('end', () => resolve(undefined))
              res.on('error', (e) => resolve(e))
              res.on('aborted', () => resolve(new Error('watch connection aborted')))
              res.on('close', () => resolve(res.complete ? undefined : new Error('watch connection closed before the end of the response')))
            }
          )
          req.on('error', (e) => (resolveStatus({ status: 0 }), resolve(e)))
          abort = () => req.destroy()
          req.end()
        })
      })()
      return { status, ended, abort: () => abort() }
    }
  }
}

export function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: string }
    return s.message ?? body.slice(0, 300)
  } catch {
    return body.slice(0, 300)
  }
}

export function apiError(method: string, path: string, res: KubeResponse): KubeApiError {
  let s: { message?: string; reason?: string; details?: unknown } = {}
  try {
    s = JSON.parse(res.body)
  } catch {
    /* not a Status */
  }
  const msg = s.message ?? res.body.slice(0, 300)
  const hint =
    res.status === 401
      ? 'The cluster refused the credentials: check the kubeconfig user or that the EKS token has not expired (run eks-kubeconfig again).'
      : res.status === 403
        ? 'Grant the identity this permission (an EKS access entry or a Role/RoleBinding for the verb and resource named above).'
        : undefined
  return new KubeApiError(
    `${method} ${path}: ${res.status} ${s.reason ?? ''} ${msg}`.replace(/\s+/g, ' ').trim(),
    res.status,
    s.reason ?? String(res.status),
    s.details,
    { hint }
  )
}
