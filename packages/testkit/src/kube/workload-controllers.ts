import { canonical, templateHash, randomSuffix, type KObject } from './store.js'
import { controllerRef, isPodReady, matchesSelector, ownedBy, type Cluster } from './cluster.js'
import { nodeRejection } from './scheduler.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

const REV = 'deployment.kubernetes.io/revision'
const rev = (rs: KObject): number => Number(rs.metadata.annotations?.[REV] ?? 0)
const spec = (rs: KObject): number => rs.spec.replicas ?? 0

function withoutHash(t: any): any {
  const c = structuredClone(t ?? {})
  if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash']
  if (c.metadata?.labels && Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata
  return c
}

function resolveIntOrPercent(v: unknown, total: number, roundUp: boolean, dflt: string): number {
  const s = String(v ?? dflt)
  if (s.endsWith('%')) {
    const x = (Number(s.slice(0, -1)) / 100) * total
    return roundUp ? Math.ceil(x) : Math.floor(x)
  }
  return Number(s)
}

const skipAnnotations = new Set([
  REV,
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'kubectl.kubernetes.io/last-applied-configuration'
])

function scaleRs(c: Cluster, d: KObject, rs: KObject, to: number, surge: number): KObject {
  if (spec(rs) === to) return rs
  const next = structuredClone(rs)
  const from = spec(rs)
  next.spec.replicas = to
  next.metadata.annotations = {
    ...next.metadata.annotations,
    'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
    'deployment.kubernetes.io/max-replicas': String((d.spec.replicas ?? 1) + surge)
  }
  const out = c.write('replicasets', rs, next, 'kube-controller-manager')
  c.event(
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
    'deployment-controller'
  )
  return out
}

export function reconcileDeployment(c: Cluster, d: KObject): void {
  const ns = d.metadata.namespace
  const replicas = d.spec.replicas ?? 1
  let all = c.store.list('replicasets', ns).filter((rs) => ownedBy(rs, d))
  const template = withoutHash(d.spec.template)
  let newRs = all.find((rs) => canonical(withoutHash(rs.spec.template)) === canonical(template))
  const maxRev = Math.max(0, ...all.map(rev))
  const rolling = (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
  const surge = rolling ? resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%') : 0
  let unavail = rolling ? resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas, false, '25%') : 0
  if (rolling && surge === 0 && unavail === 0) unavail = 1
  let created = false
  if (!newRs && !d.spec.paused) {
    const hash = templateHash(template)
    const annotations: Record<string, string> = {}
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!skipAnnotations.has(k)) annotations[k] = v as string
    annotations[REV] = String(maxRev + 1)
    annotations['deployment.kubernetes.io/desired-replicas'] = String(replicas)
    annotations['deployment.kubernetes.io/max-replicas'] = String(replicas + surge)
    const t = structuredClone(d.spec.template)
    t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, 'pod-template-hash': hash } }
    newRs = c.store.create('replicasets', {
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: ns, labels: t.metadata.labels, annotations, ownerReferences: [controllerRef(d)] },
      spec: {
        replicas: 0,
        minReadySeconds: d.spec.minReadySeconds,
        selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector?.matchLabels, 'pod-template-hash': hash } },
        template: t
      },
      status: { replicas: 0 }
    })
    all = [...all, newRs]
    created = true
  } else if (newRs && rev(newRs) < maxRev && !d.spec.paused) {
    // Rolling back to an older template: its ReplicaSet becomes the newest revision again.
    const next = structuredClone(newRs)
    next.metadata.annotations = { ...next.metadata.annotations, [REV]: String(maxRev + 1) }
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!skipAnnotations.has(k)) next.metadata.annotations[k] = v
    newRs = c.write('replicasets', newRs, next, 'kube-controller-manager')
    all = all.map((r) => (r.metadata.uid === newRs!.metadata.uid ? newRs! : r))
  }
  if (newRs && d.metadata.annotations?.[REV] !== String(rev(newRs))) {
    const next = structuredClone(d)
    next.metadata.annotations = { ...next.metadata.annotations, [REV]: String(rev(newRs)) }
    d = c.write('deployments', d, next, 'kube-controller-manager')
  }
  const old = all.filter((r) => r !== newRs && r.metadata.uid !== newRs?.metadata.uid)
  if (newRs && !d.spec.paused) {
    if (!rolling) {
      for (const o of old) scaleRs(c, d, o, 0, 0)
      if (old.every((o) => (o.status?.replicas ?? 0) === 0)) newRs = scaleRs(c, d, newRs, replicas, 0)
    } else {
      const total = all.reduce((n, r) => n + spec(r), 0)
      if (spec(newRs) > replicas) newRs = scaleRs(c, d, newRs, replicas, surge)
      else if (spec(newRs) < replicas) {
        const allowed = replicas + surge - total
        if (allowed > 0) newRs = scaleRs(c, d, newRs, Math.min(replicas, spec(newRs) + allowed), surge)
      }
      const minAvailable = replicas - unavail
      const newUnavailable = spec(newRs) - (newRs.status?.availableReplicas ?? 0)
      let budget = all.reduce((n, r) => n + (r.metadata.uid === newRs!.metadata.uid ? spec(newRs!) : spec(r)), 0) - minAvailable - newUnavailable
      const olds = old.sort((a, b) => rev(a) - rev(b)).map((o) => ({ o, to: spec(o) }))
      for (const x of olds) {
        if (budget <= 0) break
        const unhealthy = x.to - (x.o.status?.availableReplicas ?? 0)
        const n = Math.min(budget, Math.max(0, unhealthy))
        x.to -= n
        budget -= n
      }
      const availableAll = all.reduce((n, r) => n + (r.status?.availableReplicas ?? 0), 0)
      let down = availableAll - minAvailable
      for (const x of olds) {
        if (down <= 0) break
        const n = Math.min(x.to, down)
        x.to -= n
        down -= n
      }
      for (const x of olds) scaleRs(c, d, x.o, x.to, surge)
    }
  }
  writeDeploymentStatus(c, d, newRs, all, replicas, unavail, created)
}

function cond(type: string, status: string, reason: string, message: string, now: string, prev?: any): any {
  const same = prev && prev.status === status
  const sameReason = same && prev.reason === reason
  return {
    type,
    status,
    lastUpdateTime: sameReason && type === 'Available' ? prev.lastUpdateTime : now,
    lastTransitionTime: same ? prev.lastTransitionTime : now,
    reason,
    message
  }
}

function writeDeploymentStatus(c: Cluster, d: KObject, newRs: KObject | undefined, all: KObject[], replicas: number, unavail: number, created: boolean): void {
  const fresh = all.map((r) => c.store.get('replicasets', r.metadata.namespace, r.metadata.name)).filter(Boolean) as KObject[]
  const nrs = newRs ? fresh.find((r) => r.metadata.uid === newRs.metadata.uid) : undefined
  const sum = (f: string): number => fresh.reduce((n, r) => n + (r.status?.[f] ?? 0), 0)
  const prev = d.status ?? {}
  const status: any = {
    observedGeneration: d.metadata.generation,
    replicas: sum('replicas'),
    updatedReplicas: nrs?.status?.replicas ?? 0,
    readyReplicas: sum('readyReplicas'),
    availableReplicas: sum('availableReplicas')
  }
  status.unavailableReplicas = Math.max(0, replicas - status.availableReplicas)
  const now = c.clock.iso()
  const conds = (prev.conditions ?? []) as any[]
  const pAvail = conds.find((x) => x.type === 'Available')
  const pProg = conds.find((x) => x.type === 'Progressing')
  const available = status.availableReplicas >= replicas - unavail
  const aCond = available
    ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now, pAvail)
    : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now, pAvail)
  const name = nrs?.metadata.name ?? d.metadata.name
  const complete = status.updatedReplicas === replicas && status.availableReplicas === replicas && status.replicas === replicas
  const counters = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'].map((k) => status[k]).join()
  const prevCounters = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'].map((k) => prev[k] ?? 0).join()
  const specChanged = prev.observedGeneration !== d.metadata.generation
  let pCond: any
  if (complete)
    pCond =
      pProg?.reason === 'NewReplicaSetAvailable'
        ? pProg
        : cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}" has successfully progressed.`, now, pProg)
  else if (created) pCond = cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${name}"`, now, pProg)
  else if (specChanged || counters !== prevCounters || !pProg)
    pCond = cond(
      'Progressing',
      'True',
      specChanged && !pProg ? 'NewReplicaSetCreated' : 'ReplicaSetUpdated',
      `ReplicaSet "${name}" is progressing.`,
      now,
      pProg
    )
  else if (pProg.reason !== 'ProgressDeadlineExceeded' && c.clock.now() - Date.parse(pProg.lastUpdateTime) > (d.spec.progressDeadlineSeconds ?? 600) * 1000)
    pCond = cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${name}" has timed out progressing.`, now, pProg)
  else pCond = pProg
  if (pCond !== pProg && pCond.reason === 'ProgressDeadlineExceeded')
    c.event(d, 'Warning', 'ProgressDeadlineExceeded', `Deployment "${d.metadata.name}" has timed out progressing.`, 'deployment-controller')
  status.conditions = [aCond, pCond]
  const next = structuredClone(d)
  next.status = status
  if (JSON.stringify(next.status) !== JSON.stringify(d.status)) c.store.update('deployments', next)
}

export function reconcileReplicaSet(c: Cluster, rs: KObject): void {
  const ns = rs.metadata.namespace
  const pods = c.store.list('pods', ns).filter((p) => ownedBy(p, rs))
  const want = rs.spec.replicas ?? 0
  if (pods.length < want) {
    for (let i = pods.length; i < want; i++) {
      const t = rs.spec.template
      const pod = c.store.create('pods', {
        metadata: {
          name: `${rs.metadata.name}-${randomSuffix()}`,
          namespace: ns,
          labels: { ...t.metadata?.labels },
          annotations: t.metadata?.annotations,
          ownerReferences: [controllerRef(rs)]
        },
        spec: structuredClone(t.spec),
        status: { phase: 'Pending', qosClass: 'BestEffort' }
      })
      c.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller')
      pods.push(pod)
    }
  } else if (pods.length > want) {
    const rank = (p: KObject): number => (!p.spec.nodeName ? 0 : !isPodReady(p) ? 1 : 2)
    const victims = [...pods]
      .sort((a, b) => rank(a) - rank(b) || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp))
      .slice(0, pods.length - want)
    for (const v of victims) {
      c.store.delete('pods', ns, v.metadata.name)
      void c.backends.release(v.metadata.uid)
      c.runtime.delete(v.metadata.uid)
      c.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${v.metadata.name}`, 'replicaset-controller')
    }
  }
  const live = c.store.list('pods', ns).filter((p) => ownedBy(p, rs))
  const ready = live.filter(isPodReady).length
  const status = {
    replicas: live.length,
    fullyLabeledReplicas: live.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation
  }
  if (JSON.stringify(status) !== JSON.stringify(rs.status)) c.store.update('replicasets', { ...rs, status })
}

export function reconcileDaemonSet(c: Cluster, ds: KObject): void {
  const ns = ds.metadata.namespace
  const nodes = c.store.list('nodes')
  const pods = c.store.list('pods', ns).filter((p) => ownedBy(p, ds))
  const probe = { metadata: {}, spec: { ...ds.spec.template.spec, containers: [] } } as KObject
  const eligible = nodes.filter((n) => !nodeRejection(probe, n, []))
  for (const n of eligible) {
    if (pods.some((p) => p.spec.nodeName === n.metadata.name)) continue
    const t = ds.spec.template
    c.store.create('pods', {
      metadata: { name: `${ds.metadata.name}-${randomSuffix()}`, namespace: ns, labels: { ...t.metadata?.labels }, ownerReferences: [controllerRef(ds)] },
      spec: { ...structuredClone(t.spec), nodeName: n.metadata.name },
      status: { phase: 'Pending' }
    })
  }
  for (const p of pods) {
    if (!eligible.some((n) => n.metadata.name === p.spec.nodeName)) {
      c.store.delete('pods', ns, p.metadata.name)
      c.runtime.delete(p.metadata.uid)
    }
  }
  const live = c.store.list('pods', ns).filter((p) => ownedBy(p, ds))
  const ready = live.filter(isPodReady).length
  const status = {
    currentNumberScheduled: live.length,
    desiredNumberScheduled: eligible.length,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready,
    updatedNumberScheduled: live.length,
    observedGeneration: ds.metadata.generation
  }
  if (JSON.stringify(status) !== JSON.stringify(ds.status)) c.store.update('daemonsets', { ...ds, status })
}

export function reconcileWorkloads(c: Cluster): void {
  for (const d of c.store.list('deployments')) reconcileDeployment(c, d)
  for (const rs of c.store.list('replicasets')) reconcileReplicaSet(c, rs)
  for (const ds of c.store.list('daemonsets')) reconcileDaemonSet(c, ds)
  for (const pdb of c.store.list('poddisruptionbudgets')) reconcilePdb(c, pdb)
  // Garbage collection: dependants whose controller owner is gone.
  const uids = new Set<string>()
  for (const plural of ['deployments', 'replicasets', 'daemonsets']) for (const o of c.store.list(plural)) uids.add(o.metadata.uid)
  for (const plural of ['replicasets', 'pods']) {
    for (const o of c.store.list(plural)) {
      const ref = (o.metadata.ownerReferences ?? []).find((r: any) => r.controller)
      if (ref && ['Deployment', 'ReplicaSet', 'DaemonSet'].includes(ref.kind) && !uids.has(ref.uid)) {
        c.store.delete(plural, o.metadata.namespace, o.metadata.name)
        if (plural === 'pods') void c.backends.release(o.metadata.uid)
      }
    }
  }
}

/** The disruption controller's status: how many pods may be evicted right now. */
export function reconcilePdb(c: Cluster, pdb: KObject): void {
  const pods = c.store.list('pods', pdb.metadata.namespace).filter((p) => matchesSelector(p.metadata.labels, pdb.spec?.selector))
  const healthy = pods.filter(isPodReady).length
  const expected = pods.length
  const pct = (v: unknown): number => (String(v).endsWith('%') ? Math.ceil((Number(String(v).slice(0, -1)) / 100) * expected) : Number(v))
  const desired = pdb.spec?.minAvailable !== undefined ? pct(pdb.spec.minAvailable) : Math.max(0, expected - pct(pdb.spec?.maxUnavailable ?? 0))
  const status = {
    observedGeneration: pdb.metadata.generation,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    disruptionsAllowed: Math.max(0, healthy - desired),
    conditions: [
      {
        type: 'DisruptionAllowed',
        status: healthy > desired ? 'True' : 'False',
        reason: healthy > desired ? 'SufficientPods' : 'InsufficientPods',
        message: '',
        observedGeneration: pdb.metadata.generation,
        lastTransitionTime:
          pdb.status?.conditions?.[0]?.status === (healthy > desired ? 'True' : 'False') ? pdb.status.conditions[0].lastTransitionTime : c.clock.iso()
      }
    ]
  }
  if (JSON.stringify(status) !== JSON.stringify(pdb.status)) c.store.update('poddisruptionbudgets', { ...pdb, status })
}
