import type { KObject } from './store.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

const suffixes: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 }

export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q ?? '0'))
  if (!m) return 0
  return Number(m[1]) * (m[2] ? (suffixes[m[2]] ?? 1) : 1)
}

export function podRequests(pod: KObject): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of pod.spec?.containers ?? []) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) }
    for (const [k, v] of Object.entries(req)) out[k] = (out[k] ?? 0) + parseQuantity(v)
  }
  return out
}

function tolerates(tolerations: any[], taint: any): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false
    if (!t.key) return t.operator === 'Exists'
    if (t.key !== taint.key) return false
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')
  })
}

/** The first reason a node cannot take the pod, worded as kube-scheduler's filter plugins word it. */
export function nodeRejection(pod: KObject, node: KObject, podsOnNode: KObject[]): string[] | undefined {
  if (node.spec?.unschedulable) return ['node(s) were unschedulable']
  const taints = (node.spec?.taints ?? []).filter((t: any) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
  const bad = taints.find((t: any) => !tolerates(pod.spec?.tolerations ?? [], t))
  if (bad) return [`node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`]
  const labels = node.metadata.labels ?? {}
  const sel = pod.spec?.nodeSelector ?? {}
  if (Object.entries(sel).some(([k, v]) => labels[k] !== v)) return ["node(s) didn't match Pod's node affinity/selector"]
  const free = freeResources(node, podsOnNode)
  const need = podRequests(pod)
  const insufficient = Object.entries(need)
    .filter(([k, v]) => v > 0 && (free[k] ?? (k === 'cpu' || k === 'memory' || k === 'pods' ? Infinity : 0)) < v)
    .map(([k]) => `Insufficient ${k}`)
  if ((free.pods ?? Infinity) < 1) insufficient.unshift('Too many pods')
  return insufficient.length ? insufficient : undefined
}

export function freeResources(node: KObject, podsOnNode: KObject[]): Record<string, number> {
  const free: Record<string, number> = {}
  for (const [k, v] of Object.entries(node.status?.allocatable ?? {})) free[k] = parseQuantity(v)
  for (const p of podsOnNode) {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue
    for (const [k, v] of Object.entries(podRequests(p))) if (k in free) free[k] -= v
    if ('pods' in free) free.pods -= 1
  }
  return free
}

export interface ScheduleResult {
  node?: string
  /** The FailedScheduling message, as kube-scheduler writes it, when no node fits. */
  message?: string
}

export function schedule(pod: KObject, nodes: KObject[], pods: KObject[]): ScheduleResult {
  const reasons = new Map<string, number>()
  const preemption = new Map<string, number>()
  let best: { name: string; score: number } | undefined
  for (const node of nodes) {
    const onNode = pods.filter((p) => p.spec?.nodeName === node.metadata.name)
    const why = nodeRejection(pod, node, onNode)
    if (!why) {
      const free = freeResources(node, onNode)
      const score = (free.cpu ?? 0) + (free['nvidia.com/gpu'] ?? 0) * 0.001
      if (!best || score > best.score) best = { name: node.metadata.name, score }
      continue
    }
    for (const r of why) reasons.set(r, (reasons.get(r) ?? 0) + 1)
    // Only resource shortfalls could be solved by evicting lower-priority pods; none are lower here.
    const p =
      why[0].startsWith('Insufficient') || why[0] === 'Too many pods'
        ? 'No preemption victims found for incoming pod'
        : 'Preemption is not helpful for scheduling'
    preemption.set(p, (preemption.get(p) ?? 0) + 1)
  }
  if (best) return { node: best.name }
  const fmt = (m: Map<string, number>): string =>
    [...m.entries()]
      .map(([k, v]) => `${v} ${k}`)
      .sort()
      .join(', ')
  const n = nodes.length
  if (n === 0) return { message: 'no nodes available to schedule pods' }
  return { message: `0/${n} nodes are available: ${fmt(reasons)}. preemption: 0/${n} nodes are available: ${fmt(preemption)}.` }
}
