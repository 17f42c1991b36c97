import { parse } from 'yaml'
import type {
  AwsAuthMapping,
  EventEvidence,
  IngressEvidence,
  NodeEvidence,
  PodEvidence,
  ServiceAccountEvidence,
  ServiceEvidence,
  WorkloadEvidence
} from './evidence.js'

/* Maps Kubernetes objects (plain JSON or @kubernetes/client-node models: same keys, Dates for times) to evidence. */
/* eslint-disable @typescript-eslint/no-explicit-any */
type K = any

const iso = (v: unknown): string | undefined => (v instanceof Date ? v.toISOString() : typeof v === 'string' && v ? v : undefined)
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, String(x)]))

export function mapNode(n: K): NodeEvidence {
  const ready = (n.status?.conditions ?? []).find((c: K) => c.type === 'Ready')
  return {
    name: n.metadata?.name ?? '',
    labels: strMap(n.metadata?.labels),
    taints: (n.spec?.taints ?? []).map((t: K) => ({ key: t.key, value: t.value, effect: t.effect })),
    ready: ready?.status === 'True',
    readyMessage: ready?.message,
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? '',
    providerId: n.spec?.providerID,
    internalIp: (n.status?.addresses ?? []).find((a: K) => a.type === 'InternalIP')?.address,
    allocatable: strMap(n.status?.allocatable),
    capacity: strMap(n.status?.capacity)
  }
}

function gpus(c: K): number {
  const r = c.resources ?? {}
  return Number(r.limits?.['nvidia.com/gpu'] ?? r.requests?.['nvidia.com/gpu'] ?? 0) || 0
}

export function mapPod(p: K): PodEvidence {
  const scheduled = (p.status?.conditions ?? []).find((c: K) => c.type === 'PodScheduled' && c.status === 'False')
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    nodeName: p.spec?.nodeName || undefined,
    serviceAccount: p.spec?.serviceAccountName,
    gpuRequest: (p.spec?.containers ?? []).reduce((s: number, c: K) => s + gpus(c), 0),
    nodeSelector: strMap(p.spec?.nodeSelector),
    unschedulableMessage: scheduled?.reason === 'Unschedulable' ? scheduled.message : undefined,
    waiting: statuses
      .filter((s: K) => s.state?.waiting)
      .map((s: K) => ({ container: s.name, reason: s.state.waiting.reason ?? '', message: s.state.waiting.message })),
    labels: strMap(p.metadata?.labels)
  }
}

export function mapEvent(e: K): EventEvidence {
  return {
    namespace: e.involvedObject?.namespace ?? e.metadata?.namespace ?? '',
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.message ?? e.note ?? '',
    kind: e.involvedObject?.kind ?? e.regarding?.kind ?? '',
    name: e.involvedObject?.name ?? e.regarding?.name ?? '',
    count: e.count ?? e.series?.count ?? 1,
    lastTimestamp: iso(e.lastTimestamp) ?? iso(e.eventTime) ?? iso(e.series?.lastObservedTime) ?? iso(e.metadata?.creationTimestamp)
  }
}

const images = (o: K): string[] => (o.spec?.template?.spec?.containers ?? []).map((c: K) => c.image)

export function mapDaemonSet(d: K): WorkloadEvidence {
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    kind: 'DaemonSet',
    desired: d.status?.desiredNumberScheduled ?? 0,
    ready: d.status?.numberReady ?? 0,
    images: images(d)
  }
}

export function mapDeployment(d: K): WorkloadEvidence {
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    kind: 'Deployment',
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    images: images(d)
  }
}

export function mapServiceAccount(s: K): ServiceAccountEvidence {
  return { namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '', roleArn: s.metadata?.annotations?.['eks.amazonaws.com/role-arn'] }
}

const hostnames = (o: K): string[] => (o.status?.loadBalancer?.ingress ?? []).map((i: K) => i.hostname ?? i.ip).filter(Boolean)

export function mapIngress(i: K): IngressEvidence {
  const a = i.metadata?.annotations ?? {}
  return {
    namespace: i.metadata?.namespace ?? '',
    name: i.metadata?.name ?? '',
    className: i.spec?.ingressClassName ?? a['kubernetes.io/ingress.class'],
    scheme: a['alb.ingress.kubernetes.io/scheme'],
    hostnames: hostnames(i)
  }
}

export function mapService(s: K): ServiceEvidence {
  const a = s.metadata?.annotations ?? {}
  return {
    namespace: s.metadata?.namespace ?? '',
    name: s.metadata?.name ?? '',
    type: s.spec?.type ?? 'ClusterIP',
    loadBalancerClass: s.spec?.loadBalancerClass,
    scheme: a['service.beta.kubernetes.io/aws-load-balancer-scheme'],
    awsLoadBalancerType: a['service.beta.kubernetes.io/aws-load-balancer-type'],
    hostnames: hostnames(s)
  }
}

/** aws-auth's mapRoles is YAML inside a string; a malformed one maps nothing (which is what EKS does too). */
export function parseAwsAuth(cm: K): AwsAuthMapping[] {
  let roles: unknown
  try {
    roles = parse(String(cm?.data?.mapRoles ?? '[]'))
  } catch {
    return []
  }
  if (!Array.isArray(roles)) return []
  return roles
    .filter((r) => r && typeof r === 'object' && typeof r.rolearn === 'string')
    .map((r) => ({ rolearn: r.rolearn, username: r.username, groups: Array.isArray(r.groups) ? r.groups.map(String) : [] }))
}
