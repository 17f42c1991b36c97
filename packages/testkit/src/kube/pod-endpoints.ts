import http from 'node:http'
import { StoreError, type KObject } from './store.js'
import { isPodReady, matchesSelector, type Cluster } from './cluster.js'
import { logKey } from './kubelet.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

export function serveLogs(c: Cluster, ns: string, name: string, q: URLSearchParams, res: http.ServerResponse): void {
  const pod = c.store.get('pods', ns, name)
  if (!pod) throw new StoreError(404, 'NotFound', `pods "${name}" not found`)
  const container = q.get('container') ?? pod.spec.containers[0].name
  const spec = pod.spec.containers.find((x: any) => x.name === container)
  if (!spec) throw new StoreError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`)
  const lines = c.logs.get(logKey(pod, container))
  const cs = (pod.status?.containerStatuses ?? []).find((x: any) => x.name === container)
  if (!lines) {
    const reason = cs?.state?.waiting?.reason ?? 'ContainerCreating'
    const why = reason === 'ImagePullBackOff' || reason === 'ErrImagePull' ? 'trying and failing to pull image' : reason
    throw new StoreError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${why}`)
  }
  const tail = q.get('tailLines')
  const out = tail !== null ? lines.slice(Math.max(0, lines.length - Number(tail))) : lines
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' })
  res.end(out.map((l) => l + '\n').join(''))
}

function splitNamePort(raw: string): { name: string; port?: string } {
  const parts = raw.split(':')
  if (parts.length === 3) return { name: parts[1], port: parts[2] }
  return { name: parts[0], port: parts[1] }
}

function containerPort(pod: KObject, port: string | number | undefined): number | undefined {
  if (port === undefined || port === '') return pod.spec.containers[0]?.ports?.[0]?.containerPort
  if (/^\d+$/.test(String(port))) return Number(port)
  for (const ct of pod.spec.containers) for (const p of ct.ports ?? []) if (p.name === port) return p.containerPort
  return undefined
}

let roundRobin = 0

/** …/pods/NAME:PORT/proxy/… and …/services/NAME:PORT/proxy/… forwarded to the pods' simulated servers. */
export async function serveProxy(
  c: Cluster,
  plural: string,
  ns: string | undefined,
  rawName: string,
  rest: string,
  q: URLSearchParams,
  req: http.IncomingMessage,
  res: http.ServerResponse
): Promise<void> {
  const { name, port } = splitNamePort(rawName)
  let pod: KObject | undefined
  let target: number | undefined
  if (plural === 'pods') {
    pod = c.store.get('pods', ns, name)
    if (!pod) throw new StoreError(404, 'NotFound', `pods "${name}" not found`)
    target = containerPort(pod, port)
    if (!pod.status?.podIP || !c.runtime.get(pod.metadata.uid)?.startedAt)
      throw new StoreError(
        503,
        'ServiceUnavailable',
        `error trying to reach service: dial tcp ${pod.status?.podIP ?? ''}:${target}: connect: connection refused`
      )
  } else if (plural === 'services') {
    const svc = c.store.get('services', ns, name)
    if (!svc) throw new StoreError(404, 'NotFound', `services "${name}" not found`)
    const sp =
      (svc.spec.ports ?? []).find((p: any) => port === undefined || p.name === port || String(p.port) === port) ??
      (port === undefined ? svc.spec.ports?.[0] : undefined)
    if (!sp) throw new StoreError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`)
    const ready = c.store
      .list('pods', ns)
      .filter(
        (p) => isPodReady(p) && matchesSelector(p.metadata.labels, { matchLabels: svc.spec.selector ?? {} }) && Object.keys(svc.spec.selector ?? {}).length > 0
      )
    if (ready.length === 0) throw new StoreError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`)
    pod = ready[roundRobin++ % ready.length]
    target = containerPort(pod, sp.targetPort ?? sp.port)
  } else throw new StoreError(404, 'NotFound', `the server could not find the requested resource`)
  if (target === undefined) throw new StoreError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`)
  const backend = await c.backends.target(pod, target)
  if (!backend)
    throw new StoreError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${pod.status?.podIP}:${target}: connect: connection refused`)
  const qs = q.toString()
  const headers = { ...req.headers }
  delete headers.authorization
  delete headers.host
  await new Promise<void>((resolve) => {
    const up = http.request({ host: '127.0.0.1', port: backend.port, method: req.method, path: rest + (qs ? `?${qs}` : ''), headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
      r.on('end', resolve)
    })
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(503, { 'Content-Type': 'text/plain' })
      res.end(`error trying to reach service: ${e.message}`)
      resolve()
    })
    req.pipe(up)
  })
}
