import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { Store, type KObject } from './store.js'
import { recordUpdate } from './patch.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

export type PodBackend = (pod: KObject, port: number) => http.RequestListener | undefined
export type ImageExists = (ref: string) => boolean | Promise<boolean>

export interface Timing {
  /** Real milliseconds between controller passes. */
  tickMs: number
  /** Real ms from scheduling to the image pull result. */
  pullMs: number
  /** Real ms from a pulled image to a running container. */
  startMs: number
  /** Real ms between readiness probes. */
  probeMs: number
  /** Real ms a crashed container or failed pull waits before the BackOff state. */
  backoffMs: number
  /** Real ms between HPA evaluations. */
  hpaMs: number
}

export interface CrashFault {
  logs: string[]
  exitCode?: number
}

/** Per-image behaviour a test switches on: keyed by the container image reference. */
export interface Faults {
  crash: Map<string, CrashFault>
  /** Readiness fails until this many real ms after the container started. */
  slowReady: Map<string, number>
  neverReady: Set<string>
}

export interface PodRuntime {
  scheduledAt?: number
  pull?: 'pending' | 'ok' | 'missing'
  pullDoneAt?: number
  startedAt?: number
  crashedAt?: number
  restarts: number
  probe?: { ok: boolean; at: number; message?: string; inFlight?: boolean }
  announced: Set<string>
  lastTerminated?: Record<string, unknown>
}

/** Simulated clock: advances with real time times `scale`, plus whatever a test adds. */
export class Clock {
  private readonly realStart = Date.now()
  private offset = 0
  constructor(public scale = 1) {}
  now(): number {
    return this.realStart + (Date.now() - this.realStart) * this.scale + this.offset
  }
  date(): Date {
    return new Date(this.now())
  }
  iso(): string {
    return new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z')
  }
  advance(ms: number): void {
    this.offset += ms
  }
}

/** Per-pod HTTP servers on 127.0.0.1 built from the pod backend hook; the proxy and probes use them. */
export class BackendPool {
  private servers = new Map<string, Promise<{ server: http.Server; port: number } | undefined>>()
  constructor(private readonly hook: PodBackend) {}
  target(pod: KObject, port: number): Promise<{ port: number } | undefined> {
    const k = `${pod.metadata.uid}:${port}`
    let p = this.servers.get(k)
    if (!p) {
      p = new Promise((resolve) => {
        const listener = this.hook(pod, port)
        if (!listener) return resolve(undefined)
        const server = http.createServer(listener)
        server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }))
      })
      this.servers.set(k, p)
    }
    return p
  }
  async release(uid: string): Promise<void> {
    for (const [k, p] of this.servers) {
      if (!k.startsWith(uid + ':')) continue
      this.servers.delete(k)
      const s = await p
      if (s) await closeServer(s.server)
    }
  }
  async closeAll(): Promise<void> {
    const all = [...this.servers.values()]
    this.servers.clear()
    for (const p of all) {
      const s = await p
      if (s) await closeServer(s.server)
    }
  }
}

function closeServer(s: http.Server): Promise<void> {
  s.closeAllConnections?.()
  return new Promise((r) => s.close(() => r()))
}

export interface Cluster {
  store: Store
  clock: Clock
  timing: Timing
  faults: Faults
  imageExists: ImageExists
  backends: BackendPool
  runtime: Map<string, PodRuntime>
  logs: Map<string, string[]>
  metrics: Map<string, number>
  nodeGpus: Map<string, number>
  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void
  /** Writes an object the way a controller does: Update with its manager name. */
  write(plural: string, before: KObject, after: KObject, manager: string, subresource?: string): KObject
}

export function createCluster(opts: { clock: Clock; timing: Timing; imageExists: ImageExists; podBackend: PodBackend }): Cluster {
  const store = new Store(() => opts.clock.date())
  const c: Cluster = {
    store,
    clock: opts.clock,
    timing: opts.timing,
    faults: { crash: new Map(), slowReady: new Map(), neverReady: new Set() },
    imageExists: opts.imageExists,
    backends: new BackendPool(opts.podBackend),
    runtime: new Map(),
    logs: new Map(),
    metrics: new Map(),
    nodeGpus: new Map(),
    event(obj, type, reason, message, component) {
      const ns = obj.metadata.namespace ?? 'default'
      const existing = store.list('events', ns).find((e) => e.involvedObject?.uid === obj.metadata.uid && e.reason === reason && e.message === message)
      const now = opts.clock.iso()
      if (existing) {
        existing.count = (existing.count ?? 1) + 1
        existing.lastTimestamp = now
        store.update('events', existing)
        return
      }
      store.create('events', {
        metadata: { name: `${obj.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
        involvedObject: {
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
          apiVersion: obj.apiVersion,
          resourceVersion: obj.metadata.resourceVersion
        },
        reason,
        message,
        type,
        source: { component },
        reportingComponent: component,
        reportingInstance: '',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1
      })
    },
    write(plural, before, after, manager, subresource) {
      recordUpdate(before, after, manager, opts.clock.iso(), subresource)
      return store.update(plural, after)
    }
  }
  return c
}

export function ownedBy(o: KObject, owner: KObject): boolean {
  return (o.metadata.ownerReferences ?? []).some((r: any) => r.uid === owner.metadata.uid && r.controller)
}

export function controllerRef(owner: KObject): any {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: any): boolean {
  const l = labels ?? {}
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false
  for (const e of selector?.matchExpressions ?? []) {
    const has = e.key in l
    if (e.operator === 'In' && !(has && e.values.includes(l[e.key]))) return false
    if (e.operator === 'NotIn' && has && e.values.includes(l[e.key])) return false
    if (e.operator === 'Exists' && !has) return false
    if (e.operator === 'DoesNotExist' && has) return false
  }
  return true
}

export function isPodReady(p: KObject): boolean {
  return (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')
}

/** Nodes report nvidia.com/gpu only while a device plugin pod runs on them, as on a real cluster. */
export function reconcileNodes(c: Cluster): void {
  const pluginPods = c.store.list('pods').filter((p) => /nvidia-device-plugin/.test(p.metadata.name) && isPodReady(p))
  for (const node of c.store.list('nodes')) {
    const gpus = c.nodeGpus.get(node.metadata.name) ?? 0
    if (gpus === 0) continue
    const running = pluginPods.some((p) => p.spec.nodeName === node.metadata.name)
    const next = structuredClone(node)
    for (const field of ['capacity', 'allocatable']) {
      next.status[field] ??= {}
      if (running) next.status[field]['nvidia.com/gpu'] = String(gpus)
      else delete next.status[field]['nvidia.com/gpu']
    }
    if (JSON.stringify(next.status) !== JSON.stringify(node.status)) c.write('nodes', node, next, 'kubelet', 'status')
  }
}
