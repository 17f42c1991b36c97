import https from 'node:https'
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import { stringify as toYaml } from 'yaml'
import { simulatorTls } from './tls.js'
import { Clock, createCluster, reconcileNodes, type Cluster, type ImageExists, type PodBackend, type Timing } from './cluster.js'
import { reconcileWorkloads } from './workload-controllers.js'
import { runKubelets, runScheduler } from './kubelet.js'
import { reconcileHpa } from './hpa-controller.js'
import {
  handleResource,
  parseRoute,
  rbacAuthorizer,
  forbiddenMessage,
  sendStoreError,
  verbOf,
  type Authorizer,
  type Identity,
  type RbacRule
} from './api-handler.js'
import { AGGREGATED_CONTENT_TYPE, aggregatedDiscovery, apiGroupList, apiVersions, openApiDoc, openApiRoot, resourceList, versionInfo } from './discovery.js'
import { sendJson, sendStatus } from './http-util.js'
import type { WatchControls } from './watch.js'
import { minimalBackend } from './default-backend.js'
import { createScenario, type Scenario } from './scenario.js'
import type { Store } from './store.js'

export interface KubeSimulatorOptions {
  /** Token -> identity. Default: one admin token, "gpuship-sim-admin" (system:masters). */
  tokens?: Record<string, Identity>
  /** Replaces the static token list, e.g. the AWS simulator's createEksTokenVerifier(aws, cluster). */
  authenticate?: (token: string) => Promise<Identity | null>
  /** Allow-list per username (or "group:<g>"); unset = every authenticated user may do everything. */
  rbac?: Record<string, RbacRule[]>
  authorize?: Authorizer
  /** Whether an image reference can be pulled. Default: every image exists. */
  imageExists?: ImageExists
  /** HTTP handler of a pod's port; undefined falls back to a minimal Triton/DCGM answer. */
  podBackend?: PodBackend
  timing?: Partial<Timing>
  /** Simulated ms per real ms (progress deadlines, timestamps). Default 1. */
  timeScale?: number
  /** Real ms between watch BOOKMARKs. Default 1000. */
  bookmarkMs?: number
  clusterName?: string
  /** Answer aggregated discovery when a client asks for it (kubectl 1.32 does). Default true. */
  aggregatedDiscovery?: boolean
}

export interface RequestRecord {
  method: string
  path: string
  userAgent: string
  command?: string
  status?: number
  at: number
}

export interface RequestFault {
  method?: string
  /** Substring or pattern of the request path + query. */
  path?: string | RegExp
  status: number
  count?: number
  retryAfterSeconds?: number
  message?: string
}

export interface KubeconfigOptions {
  token?: string
  exec?: { command: string; args?: string[]; env?: Record<string, string> }
  namespace?: string
}

export interface KubeSimulator {
  url: string
  /** base64 of the CA's PEM, as kubeconfig's certificate-authority-data. */
  caData: string
  caPem: string
  adminToken: string
  kubeconfig(opts?: KubeconfigOptions): string
  store: Store
  clock: Clock
  cluster: Cluster
  scenario: Scenario
  requests: RequestRecord[]
  faults: {
    failNext(f: RequestFault): void
    /** Ends every open watch stream (a dropped connection). */
    cutWatches(): number
    /** The next `count` watch requests answer 410 Expired (as an HTTP status or an ERROR event). */
    expireWatches(count?: number, mode?: 'http' | 'event'): void
    /** Forgets the event history: any older resourceVersion is now too old. */
    compact(): void
  }
  /** Errors thrown inside controllers (a test may assert there are none). */
  errors: Error[]
  close(): Promise<void>
}

const ADMIN = 'gpuship-sim-admin'

export async function startKubeSimulator(opts: KubeSimulatorOptions = {}): Promise<KubeSimulator> {
  const tls = await simulatorTls()
  const timing: Timing = { tickMs: 15, pullMs: 20, startMs: 30, probeMs: 40, backoffMs: 120, hpaMs: 100, ...opts.timing }
  const clock = new Clock(opts.timeScale ?? 1)
  const userImageExists = opts.imageExists ?? (() => true)
  const cluster = createCluster({
    clock,
    timing,
    // System DaemonSets (device plugin, exporter) always pull; the hook decides for workloads.
    imageExists: (ref) => /nvcr\.io\/nvidia\/(k8s-device-plugin|k8s\/dcgm-exporter)/.test(ref) || userImageExists(ref),
    podBackend: (pod, port) => opts.podBackend?.(pod, port) ?? minimalBackend(pod, port)
  })
  const tokens = opts.tokens ?? { [ADMIN]: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } }
  const authenticate = opts.authenticate ?? (async (t: string) => tokens[t] ?? null)
  const authorize = opts.authorize ?? (opts.rbac ? rbacAuthorizer(opts.rbac) : () => true)
  const watch: WatchControls & { authorize: Authorizer } = {
    open: new Set(),
    expire: { count: 0, mode: 'http' },
    bookmarkMs: opts.bookmarkMs ?? 1000,
    authorize
  }
  const requests: RequestRecord[] = []
  const requestFaults: (RequestFault & { left: number })[] = []
  const errors: Error[] = []
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    cluster.store.create('namespaces', {
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' }
    })

  let host = ''
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://sim')
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      userAgent: String(req.headers['user-agent'] ?? ''),
      command: req.headers['kubectl-command'] as string | undefined,
      at: Date.now()
    }
    requests.push(record)
    res.on('finish', () => (record.status = res.statusCode))
    try {
      const auth = String(req.headers.authorization ?? '')
      const user = auth.startsWith('Bearer ') ? await authenticate(auth.slice(7)) : null
      if (!user) return sendStatus(res, 401, 'Unauthorized', 'Unauthorized')
      const fault = requestFaults.find(
        (f) =>
          f.left > 0 &&
          (!f.method || f.method === req.method) &&
          (!f.path || (typeof f.path === 'string' ? record.path.includes(f.path) : f.path.test(record.path)))
      )
      if (fault) {
        fault.left--
        const reason = fault.status === 429 ? 'TooManyRequests' : fault.status === 503 ? 'ServiceUnavailable' : 'InternalError'
        return sendStatus(
          res,
          fault.status,
          reason,
          fault.message ?? (fault.status === 429 ? 'Too many requests, please try again later.' : 'the server is currently unable to handle the request'),
          undefined,
          fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {}
        )
      }
      const p = url.pathname.replace(/\/+$/, '') || '/'
      if (p === '/version') return sendJson(res, 200, versionInfo)
      if (p === '/healthz' || p === '/readyz' || p === '/livez') {
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        return void res.end('ok')
      }
      const aggregated = String(req.headers.accept ?? '').includes('as=APIGroupDiscoveryList') && opts.aggregatedDiscovery !== false
      if (p === '/api') return aggregated ? sendJson(res, 200, aggregatedDiscovery(true), AGGREGATED_CONTENT_TYPE) : sendJson(res, 200, apiVersions(host))
      if (p === '/apis') return aggregated ? sendJson(res, 200, aggregatedDiscovery(false), AGGREGATED_CONTENT_TYPE) : sendJson(res, 200, apiGroupList())
      if (p === '/openapi/v3') return sendJson(res, 200, openApiRoot())
      const oa = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p)
      if (oa) {
        const doc = oa[1] ? openApiDoc('', 'v1') : openApiDoc(oa[2], oa[3])
        return doc ? sendJson(res, 200, doc) : sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource')
      }
      const gv = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p)
      if (gv) {
        const list = gv[1] ? resourceList('', 'v1') : resourceList(gv[2], gv[3])
        return list ? sendJson(res, 200, list) : sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource')
      }
      const route = parseRoute(url.pathname)
      if (!route) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource')
      const attrs = {
        verb: verbOf(req.method ?? 'GET', route, url.searchParams),
        group: route.type.group,
        resource: route.type.plural,
        subresource: route.subresource,
        namespace: route.namespace,
        name: route.name
      }
      if (!authorize(user, attrs))
        return sendStatus(res, 403, 'Forbidden', forbiddenMessage(user, attrs), { name: route.name, group: route.type.group, kind: route.type.plural })
      await handleResource(cluster, watch, user, req, res, route, url.searchParams)
    } catch (e) {
      if (!res.headersSent) sendStoreError(res, e)
      else res.end()
    }
  }
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => void handler(req, res))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as AddressInfo).port
  host = `127.0.0.1:${port}`
  const url = `https://${host}`

  let lastHpa = 0
  const tick = (): void => {
    try {
      reconcileNodes(cluster)
      reconcileWorkloads(cluster)
      runScheduler(cluster)
      runKubelets(cluster)
      if (Date.now() - lastHpa >= timing.hpaMs) {
        lastHpa = Date.now()
        for (const h of cluster.store.list('horizontalpodautoscalers')) reconcileHpa(cluster, h)
      }
    } catch (e) {
      errors.push(e as Error)
    }
  }
  const timer = setInterval(tick, timing.tickMs)
  const caData = Buffer.from(tls.caPem).toString('base64')
  const clusterName = opts.clusterName ?? 'gpuship-sim'

  return {
    url,
    caData,
    caPem: tls.caPem,
    adminToken: ADMIN,
    store: cluster.store,
    clock,
    cluster,
    scenario: createScenario(cluster),
    requests,
    errors,
    kubeconfig(k = {}) {
      const user = k.exec
        ? {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: k.exec.command,
              args: k.exec.args ?? [],
              env: Object.entries(k.exec.env ?? {}).map(([name, value]) => ({ name, value })),
              interactiveMode: 'Never',
              provideClusterInfo: true
            }
          }
        : { token: k.token ?? ADMIN }
      return toYaml({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: clusterName, cluster: { server: url, 'certificate-authority-data': caData } }],
        users: [{ name: `${clusterName}-user`, user }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: `${clusterName}-user`, ...(k.namespace ? { namespace: k.namespace } : {}) } }],
        'current-context': clusterName
      })
    },
    faults: {
      failNext(f) {
        requestFaults.push({ ...f, left: f.count ?? 1 })
      },
      cutWatches() {
        const n = watch.open.size
        for (const res of [...watch.open]) res.destroy()
        return n
      },
      expireWatches(count = 1, mode = 'http') {
        watch.expire = { count, mode }
      },
      compact() {
        cluster.store.compact()
      }
    },
    async close() {
      clearInterval(timer)
      for (const res of [...watch.open]) res.destroy()
      server.closeAllConnections?.()
      await new Promise<void>((r) => server.close(() => r()))
      await cluster.backends.closeAll()
    }
  }
}
