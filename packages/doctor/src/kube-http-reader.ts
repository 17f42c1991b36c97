import https from 'node:https'
import http from 'node:http'
import { GpushipError, retry } from '@gpuship/core'
import type { KubeReader } from './readers.js'
import type { WorkloadEvidence } from './evidence.js'
import { defaultKubeconfig, resolveKubeconfig, type KubeTarget } from './kubeconfig.js'
import { mapDaemonSet, mapDeployment, mapEvent, mapIngress, mapNode, mapPod, mapService, mapServiceAccount, parseAwsAuth } from './kube-map.js'

export interface KubeHttpReaderOptions {
  /** A kubeconfig document; unset = the one kubectl would use ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string
  context?: string
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

class HttpStatus extends GpushipError {
  constructor(
    readonly status: number,
    path: string,
    body: string
  ) {
    let msg = body.slice(0, 300)
    try {
      msg = (JSON.parse(body) as { message?: string }).message ?? msg
    } catch {
      // not a Status object
    }
    super(`GET ${path}: ${status} ${msg}`, { retryable: status === 429 || status >= 500 })
  }
}

/** GETs JSON from the API server of a kubeconfig context, retrying 429/5xx and connection errors. */
function getter(t: KubeTarget, timeoutMs: number) {
  const isHttps = t.server.startsWith('https:')
  const agent = isHttps
    ? new https.Agent({ ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: !t.insecure, keepAlive: true })
    : new http.Agent({ keepAlive: true })
  const once = async (path: string): Promise<unknown> => {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'gpuship-doctor' }
    if (t.token) headers.Authorization = `Bearer ${await t.token()}`
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(new URL(t.server + path), { method: 'GET', agent, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          if ((res.statusCode ?? 0) >= 300) return reject(new HttpStatus(res.statusCode ?? 0, path, body))
          try {
            resolve(JSON.parse(body))
          } catch {
            reject(new GpushipError(`GET ${path}: the answer is not JSON`))
          }
        })
      })
      req.on('timeout', () => req.destroy(new GpushipError(`GET ${path}: no answer in ${timeoutMs} ms`, { retryable: true })))
      req.on('error', (e) =>
        reject(
          e instanceof GpushipError
            ? e
            : new GpushipError(`GET ${t.server}${path}: ${e.message}`, { retryable: !/certificate|self.signed|CERT_/i.test(e.message) })
        )
      )
      req.end()
    })
  }
  const get = (path: string) => retry(() => once(path), { maxAttempts: 3, baseMs: 200, maxMs: 2_000, label: `GET ${path}` })
  return { get, close: () => agent.destroy() }
}

type List = { items?: unknown[]; metadata?: { continue?: string } }

/**
 * The KubeReader over plain HTTPS GETs (the list shapes of the Kubernetes API), authenticated as
 * the kubeconfig says. Only GET is ever sent; a kind the server does not serve (404) reads as none.
 */
export function createKubeHttpReader(opts: KubeHttpReaderOptions = {}): KubeReader & { close(): void } {
  let g: ReturnType<typeof getter> | undefined
  const client = () =>
    (g ??= getter(resolveKubeconfig(opts.kubeconfig ?? defaultKubeconfig(opts.env), { context: opts.context, env: opts.env }), opts.timeoutMs ?? 15_000))
  /** Every page of a list (limit/continue), so a large cluster is read in bounded answers. */
  const listAll = async (path: string, query = ''): Promise<unknown[]> => {
    const out: unknown[] = []
    let cont = ''
    for (let i = 0; i < 100; i++) {
      const q = [query, 'limit=500', cont && `continue=${encodeURIComponent(cont)}`].filter(Boolean).join('&')
      const r = (await client().get(`${path}?${q}`)) as List
      out.push(...(r.items ?? []))
      cont = r.metadata?.continue ?? ''
      if (!cont) break
    }
    return out
  }
  const orNone = async (p: Promise<unknown[]>): Promise<unknown[]> => {
    try {
      return await p
    } catch (e) {
      if (e instanceof HttpStatus && e.status === 404) return []
      throw e
    }
  }
  const scoped = async (namespaces: string[], group: string, plural: string, query = '') =>
    namespaces.length
      ? (await Promise.all(namespaces.map((ns) => orNone(listAll(`${group}/namespaces/${encodeURIComponent(ns)}/${plural}`, query))))).flat()
      : await orNone(listAll(`${group}/${plural}`, query))
  return {
    async version() {
      const v = (await client().get('/version')) as { gitVersion?: string }
      return String(v.gitVersion ?? '')
    },
    async nodes() {
      return (await listAll('/api/v1/nodes')).map(mapNode)
    },
    async pods(ns) {
      return (await scoped(ns, '/api/v1', 'pods')).map(mapPod)
    },
    async events(ns) {
      return (await scoped(ns, '/api/v1', 'events', `fieldSelector=${encodeURIComponent('type=Warning')}`)).map(mapEvent).filter((e) => e.type === 'Warning')
    },
    async workloads() {
      const [ds, dep] = await Promise.all([orNone(listAll('/apis/apps/v1/daemonsets')), orNone(listAll('/apis/apps/v1/deployments'))])
      return [...ds.map(mapDaemonSet), ...dep.map(mapDeployment)] as WorkloadEvidence[]
    },
    async serviceAccounts(ns) {
      return (await scoped(ns, '/api/v1', 'serviceaccounts')).map(mapServiceAccount)
    },
    async ingresses(ns) {
      return (await scoped(ns, '/apis/networking.k8s.io/v1', 'ingresses')).map(mapIngress)
    },
    async services(ns) {
      return (await scoped(ns, '/api/v1', 'services')).map(mapService)
    },
    async awsAuth() {
      try {
        return parseAwsAuth(await client().get('/api/v1/namespaces/kube-system/configmaps/aws-auth'))
      } catch (e) {
        if (e instanceof HttpStatus && e.status === 404) return undefined
        throw e
      }
    },
    close() {
      g?.close()
    }
  }
}
