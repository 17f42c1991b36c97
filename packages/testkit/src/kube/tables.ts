import type { KObject } from './store.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

interface Column {
  name: string
  type?: string
  format?: string
  priority?: number
  cell: (o: KObject, now: number) => unknown
}

/** kubectl's HumanDuration, so AGE reads like a real cluster's. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 120) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`
  if (m < 180) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`
  if (h < 48) return `${h}h`
  const d = Math.floor(h / 24)
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`
  return `${d}d`
}

const name: Column = { name: 'Name', format: 'name', cell: (o) => o.metadata.name }
const age: Column = { name: 'Age', type: 'string', cell: (o, now) => humanAge(now - Date.parse(o.metadata.creationTimestamp)) }
const images = (t: any): string => (t?.spec?.containers ?? []).map((c: any) => c.image).join(',')
const containers = (t: any): string => (t?.spec?.containers ?? []).map((c: any) => c.name).join(',')
const selector = (s: any): string =>
  Object.entries(s?.matchLabels ?? s ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',')

function podStatus(p: KObject): string {
  if (p.metadata.deletionTimestamp) return 'Terminating'
  const cs = p.status?.containerStatuses?.[0]
  if (cs?.state?.waiting?.reason) return cs.state.waiting.reason
  if (cs?.state?.terminated?.reason) return cs.state.terminated.reason
  return p.status?.phase ?? 'Pending'
}

function restarts(p: KObject, now: number): string {
  const cs = p.status?.containerStatuses ?? []
  const n = cs.reduce((a: number, c: any) => a + (c.restartCount ?? 0), 0)
  const last = cs
    .map((c: any) => c.lastState?.terminated?.finishedAt)
    .filter(Boolean)
    .sort()
    .pop()
  return last ? `${n} (${humanAge(now - Date.parse(last))} ago)` : String(n)
}

function servicePorts(s: KObject): string {
  return (s.spec?.ports ?? []).map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>'
}

function hpaTargets(h: KObject): string {
  return (h.spec?.metrics ?? [])
    .map((m: any, i: number) => {
      const cur = h.status?.currentMetrics?.[i]
      if (m.type === 'Resource') return `${cur?.resource?.current?.averageUtilization ?? '<unknown>'}${cur ? '%' : ''}/${m.resource.target.averageUtilization}%`
      if (m.type === 'Pods') return `${cur?.pods?.current?.averageValue ?? '<unknown>'}/${m.pods.target.averageValue}`
      if (m.type === 'External')
        return `${cur?.external?.current?.value ?? cur?.external?.current?.averageValue ?? '<unknown>'}/${m.external.target.value ?? m.external.target.averageValue}${m.external.target.averageValue ? ' (avg)' : ''}`
      return '<unknown>'
    })
    .join(', ')
}

const columns: Record<string, Column[]> = {
  nodes: [
    name,
    {
      name: 'Status',
      cell: (n) =>
        ((n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady') +
        (n.spec?.unschedulable ? ',SchedulingDisabled' : '')
    },
    {
      name: 'Roles',
      cell: (n) =>
        Object.keys(n.metadata.labels ?? {})
          .filter((k) => k.startsWith('node-role.kubernetes.io/'))
          .map((k) => k.split('/')[1])
          .join(',') || '<none>'
    },
    age,
    { name: 'Version', cell: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', priority: 1, cell: (n) => n.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address ?? '<none>' }
  ],
  pods: [
    name,
    { name: 'Ready', cell: (p) => `${(p.status?.containerStatuses ?? []).filter((c: any) => c.ready).length}/${p.spec?.containers?.length ?? 0}` },
    { name: 'Status', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: restarts },
    age,
    { name: 'IP', priority: 1, cell: (p) => p.status?.podIP ?? '<none>' },
    { name: 'Node', priority: 1, cell: (p) => p.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', priority: 1, cell: () => '<none>' }
  ],
  deployments: [
    name,
    { name: 'Ready', cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (d) => d.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (d) => d.status?.availableReplicas ?? 0 },
    age,
    { name: 'Containers', priority: 1, cell: (d) => containers(d.spec?.template) },
    { name: 'Images', priority: 1, cell: (d) => images(d.spec?.template) },
    { name: 'Selector', priority: 1, cell: (d) => selector(d.spec?.selector) }
  ],
  replicasets: [
    name,
    { name: 'Desired', type: 'integer', cell: (r) => r.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (r) => r.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (r) => r.status?.readyReplicas ?? 0 },
    age,
    { name: 'Containers', priority: 1, cell: (r) => containers(r.spec?.template) },
    { name: 'Images', priority: 1, cell: (r) => images(r.spec?.template) },
    { name: 'Selector', priority: 1, cell: (r) => selector(r.spec?.selector) }
  ],
  daemonsets: [
    name,
    { name: 'Desired', type: 'integer', cell: (d) => d.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cell: (d) => d.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cell: (d) => d.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cell: (d) => d.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cell: (d) => d.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', cell: (d) => selector(d.spec?.template?.spec?.nodeSelector) || '<none>' },
    age
  ],
  services: [
    name,
    { name: 'Type', cell: (s) => s.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', cell: (s) => s.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', cell: () => '<none>' },
    { name: 'Port(s)', cell: servicePorts },
    age,
    { name: 'Selector', priority: 1, cell: (s) => selector(s.spec?.selector) || '<none>' }
  ],
  horizontalpodautoscalers: [
    name,
    { name: 'Reference', cell: (h) => `${h.spec?.scaleTargetRef?.kind}/${h.spec?.scaleTargetRef?.name}` },
    { name: 'Targets', cell: hpaTargets },
    { name: 'MinPods', type: 'integer', cell: (h) => h.spec?.minReplicas ?? 1 },
    { name: 'MaxPods', type: 'integer', cell: (h) => h.spec?.maxReplicas },
    { name: 'Replicas', type: 'integer', cell: (h) => h.status?.currentReplicas ?? 0 },
    age
  ],
  poddisruptionbudgets: [
    name,
    { name: 'Min Available', cell: (p) => p.spec?.minAvailable ?? 'N/A' },
    { name: 'Max Unavailable', cell: (p) => p.spec?.maxUnavailable ?? 'N/A' },
    { name: 'Allowed Disruptions', type: 'integer', cell: (p) => p.status?.disruptionsAllowed ?? 0 },
    age
  ],
  namespaces: [name, { name: 'Status', cell: (n) => n.status?.phase ?? 'Active' }, age],
  configmaps: [name, { name: 'Data', type: 'integer', cell: (c) => Object.keys(c.data ?? {}).length }, age],
  serviceaccounts: [name, { name: 'Secrets', type: 'integer', cell: () => 0 }, age],
  events: [
    { name: 'Last Seen', cell: (e, now) => humanAge(now - Date.parse(e.lastTimestamp ?? e.metadata.creationTimestamp)) },
    { name: 'Type', cell: (e) => e.type },
    { name: 'Reason', cell: (e) => e.reason },
    { name: 'Object', cell: (e) => `${String(e.involvedObject?.kind).toLowerCase()}/${e.involvedObject?.name}` },
    { name: 'Message', cell: (e) => e.message }
  ]
}

export function toTable(plural: string, items: KObject[], resourceVersion: string, now: number): unknown {
  const cols = columns[plural] ?? [name, age]
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type ?? 'string', format: c.format ?? '', description: c.name, priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }
    }))
  }
}
