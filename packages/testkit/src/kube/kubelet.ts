import http from 'node:http'
import { createHash } from 'node:crypto'
import type { KObject } from './store.js'
import { schedule } from './scheduler.js'
import type { Cluster, PodRuntime } from './cluster.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

const lastSchedulingMessage = new WeakMap<Cluster, Map<string, { message: string; at: number }>>()

/** kube-scheduler: binds pending pods to nodes, or records why none fits. */
export function runScheduler(c: Cluster): void {
  const nodes = c.store.list('nodes')
  const pods = c.store.list('pods')
  const memo = lastSchedulingMessage.get(c) ?? new Map()
  lastSchedulingMessage.set(c, memo)
  for (const pod of pods) {
    if (pod.spec.nodeName || pod.metadata.deletionTimestamp) continue
    const r = schedule(pod, nodes, pods)
    const now = c.clock.iso()
    if (r.node) {
      const next = structuredClone(pod)
      next.spec.nodeName = r.node
      next.status = { ...next.status, conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] }
      const bound = c.store.update('pods', next)
      pods.splice(pods.indexOf(pod), 1, bound)
      c.event(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${r.node}`, 'default-scheduler')
      memo.delete(pod.metadata.uid)
      continue
    }
    const prev = memo.get(pod.metadata.uid)
    if (prev && prev.message === r.message && Date.now() - prev.at < 1000) continue
    memo.set(pod.metadata.uid, { message: r.message!, at: Date.now() })
    const next = structuredClone(pod)
    next.status = {
      phase: 'Pending',
      qosClass: pod.status?.qosClass ?? 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'Unschedulable', message: r.message }]
    }
    c.store.update('pods', next)
    c.event(pod, 'Warning', 'FailedScheduling', r.message!, 'default-scheduler')
  }
}

function runtimeOf(c: Cluster, pod: KObject): PodRuntime {
  let rt = c.runtime.get(pod.metadata.uid)
  if (!rt) {
    rt = { restarts: 0, announced: new Set() }
    c.runtime.set(pod.metadata.uid, rt)
  }
  return rt
}

const once = (c: Cluster, rt: PodRuntime, pod: KObject, key: string, type: 'Normal' | 'Warning', reason: string, message: string): void => {
  if (rt.announced.has(key)) return
  rt.announced.add(key)
  c.event(pod, type, reason, message, 'kubelet')
}

export function logKey(pod: KObject, container: string): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}/${container}`
}

function probePort(container: any, probe: any): number | undefined {
  const port = probe?.httpGet?.port
  if (typeof port === 'number') return port
  const named = (container.ports ?? []).find((p: any) => p.name === port)
  return named?.containerPort ?? (Number(port) || undefined)
}

/** Probes the pod backend over loopback HTTP; a pod without a backend hook answers 200 to its readiness path. */
function startProbe(c: Cluster, pod: KObject, container: any, rt: PodRuntime): void {
  const probe = container.readinessProbe
  rt.probe = { ...(rt.probe ?? { ok: false, at: 0 }), inFlight: true }
  const finish = (ok: boolean, message?: string): void => {
    rt.probe = { ok, at: Date.now(), message }
  }
  const slow = c.faults.slowReady.get(container.image)
  if (c.faults.neverReady.has(container.image) || (slow !== undefined && Date.now() - (rt.startedAt ?? 0) < slow)) {
    return finish(false, 'HTTP probe failed with statuscode: 503')
  }
  const port = probePort(container, probe)
  if (!probe?.httpGet || port === undefined) return finish(true)
  void c.backends.target(pod, port).then((t) => {
    if (!t) return finish(true)
    const req = http.get({ host: '127.0.0.1', port: t.port, path: probe.httpGet.path ?? '/', timeout: 1000 }, (res) => {
      res.resume()
      const code = res.statusCode ?? 0
      finish(code >= 200 && code < 400, `HTTP probe failed with statuscode: ${code}`)
    })
    req.on('error', (e) => finish(false, `Get "http://${podIp(pod)}:${port}${probe.httpGet.path}": ${e.message}`))
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')))
  })
}

export function podIp(pod: KObject): string {
  const h = createHash('sha1').update(pod.metadata.uid).digest()
  return `10.0.${h[0]}.${(h[1] % 250) + 2}`
}

const digestOf = (image: string): string =>
  image.includes('@') ? image.slice(image.indexOf('@') + 1) : `sha256:${createHash('sha256').update(image).digest('hex')}`

/** The kubelet of every node: image pulls, container starts and crashes, readiness. */
export function runKubelets(c: Cluster): void {
  const nodes = new Map(c.store.list('nodes').map((n) => [n.metadata.name, n]))
  for (const pod of c.store.list('pods')) {
    if (!pod.spec.nodeName || !nodes.has(pod.spec.nodeName)) continue
    const rt = runtimeOf(c, pod)
    const now = Date.now()
    rt.scheduledAt ??= now
    const container = pod.spec.containers[0]
    const image: string = container.image
    const nowIso = c.clock.iso()
    const statuses: any[] = []
    let ready = false
    let running = false
    if (rt.pull === undefined && now - rt.scheduledAt >= c.timing.pullMs) {
      rt.pull = 'pending'
      once(c, rt, pod, 'pulling', 'Normal', 'Pulling', `Pulling image "${image}"`)
      void Promise.resolve(c.imageExists(image)).then(
        (ok) => ((rt.pull = ok ? 'ok' : 'missing'), (rt.pullDoneAt = Date.now())),
        () => ((rt.pull = 'missing'), (rt.pullDoneAt = Date.now()))
      )
    }
    const base = { name: container.name, image, imageID: '', restartCount: rt.restarts, started: false, ready: false, lastState: {} as any }
    let state: any = { waiting: { reason: 'ContainerCreating' } }
    if (rt.pull === 'missing') {
      const failedAt = rt.pullDoneAt ?? now
      const msg = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`
      once(c, rt, pod, 'pullfail', 'Warning', 'Failed', msg)
      once(c, rt, pod, 'pullfail2', 'Warning', 'Failed', 'Error: ErrImagePull')
      if (now - failedAt < c.timing.backoffMs) state = { waiting: { reason: 'ErrImagePull', message: msg } }
      else {
        once(c, rt, pod, 'pullbackoff', 'Normal', 'BackOff', `Back-off pulling image "${image}"`)
        once(c, rt, pod, 'pullbackoff2', 'Warning', 'Failed', 'Error: ImagePullBackOff')
        state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } }
        // Retry the pull now and then, so a test that pushes the image later sees the pod recover.
        if (now - failedAt > c.timing.backoffMs * 5) rt.pull = undefined
      }
    } else if (rt.pull === 'ok') {
      once(
        c,
        rt,
        pod,
        'pulled',
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${c.timing.pullMs}ms (${c.timing.pullMs}ms including waiting). Image size: 1048576 bytes.`
      )
      base.imageID = `${image.split('@')[0].replace(/:[^/:]+$/, '')}@${digestOf(image)}`
      const crash = c.faults.crash.get(image)
      if (rt.startedAt === undefined && now - (rt.pullDoneAt ?? now) >= c.timing.startMs) {
        if (!rt.crashedAt || now - rt.crashedAt >= c.timing.backoffMs) {
          rt.startedAt = now
          rt.crashedAt = undefined
          once(c, rt, pod, `created${rt.restarts}`, 'Normal', 'Created', `Created container: ${container.name}`)
          once(c, rt, pod, `started${rt.restarts}`, 'Normal', 'Started', `Started container ${container.name}`)
          if (!c.logs.has(logKey(pod, container.name))) c.logs.set(logKey(pod, container.name), crash ? [...crash.logs] : defaultLogs(pod, container))
          else if (crash) c.logs.set(logKey(pod, container.name), [...crash.logs])
        }
      }
      if (rt.startedAt !== undefined && crash && now - rt.startedAt >= c.timing.startMs) {
        rt.restarts += 1
        rt.crashedAt = now
        rt.lastTerminated = {
          exitCode: crash.exitCode ?? 1,
          reason: 'Error',
          startedAt: new Date(rt.startedAt).toISOString().replace(/\.\d+Z$/, 'Z'),
          finishedAt: nowIso,
          containerID: `containerd://${pod.metadata.uid.replace(/-/g, '')}`
        }
        rt.startedAt = undefined
        rt.probe = undefined
        once(
          c,
          rt,
          pod,
          `backoff${rt.restarts}`,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`
        )
      }
      if (rt.startedAt !== undefined) {
        running = true
        state = { running: { startedAt: new Date(rt.startedAt).toISOString().replace(/\.\d+Z$/, 'Z') } }
        if (!rt.probe?.inFlight && (!rt.probe || now - rt.probe.at >= c.timing.probeMs)) startProbe(c, pod, container, rt)
        ready = rt.probe?.ok === true
        if (rt.probe && !rt.probe.ok && !rt.probe.inFlight && rt.probe.message)
          once(c, rt, pod, `unhealthy${rt.restarts}`, 'Warning', 'Unhealthy', `Readiness probe failed: ${rt.probe.message}`)
      } else if (rt.crashedAt) {
        state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${Math.min(300, 10 * 2 ** (rt.restarts - 1))}s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`
          }
        }
      }
    }
    if (rt.lastTerminated) base.lastState = { terminated: rt.lastTerminated }
    statuses.push({
      ...base,
      state,
      started: running,
      ready,
      restartCount: rt.restarts,
      ...(running || rt.lastTerminated ? { containerID: `containerd://${pod.metadata.uid.replace(/-/g, '')}` } : {})
    })
    const t = pod.status?.conditions?.find((x: any) => x.type === 'PodScheduled')?.lastTransitionTime ?? nowIso
    const keep = (type: string, status: string): any => {
      const prev = pod.status?.conditions?.find((x: any) => x.type === type)
      return { type, status, lastProbeTime: null, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : nowIso }
    }
    const status: any = {
      phase: running || rt.crashedAt ? 'Running' : 'Pending',
      conditions: [
        keep('PodReadyToStartContainers', rt.pull === 'ok' ? 'True' : 'False'),
        keep('Initialized', 'True'),
        keep('Ready', ready ? 'True' : 'False'),
        keep('ContainersReady', ready ? 'True' : 'False'),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t }
      ],
      hostIP: nodes.get(pod.spec.nodeName)?.status?.addresses?.[0]?.address,
      podIP: podIp(pod),
      podIPs: [{ ip: podIp(pod) }],
      startTime: pod.status?.startTime ?? nowIso,
      containerStatuses: statuses,
      qosClass: pod.status?.qosClass ?? 'BestEffort'
    }
    if (JSON.stringify(status) !== JSON.stringify(pod.status)) c.store.update('pods', { ...pod, status })
  }
}

function defaultLogs(pod: KObject, container: any): string[] {
  return [
    `I1204 starting container ${container.name} in pod ${pod.metadata.name}`,
    `I1204 image ${container.image}`,
    'I1204 Started HTTPService at 0.0.0.0:8000',
    'I1204 Started Metrics Service at 0.0.0.0:8002'
  ]
}
