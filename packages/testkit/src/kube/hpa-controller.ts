import type { KObject } from './store.js'
import type { Cluster } from './cluster.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Key of a fed metric: Pods and Resource metrics per namespace, External metrics per namespace too. */
export const metricKey = (namespace: string, name: string): string => `${namespace}/${name}`

interface Reading {
  desired?: number
  current?: any
  failure?: { reason: string; message: string }
  describe: string
}

function read(c: Cluster, ns: string, m: any, current: number): Reading {
  if (m.type === 'Pods') {
    const name = m.pods.metric.name
    const v = c.metrics.get(metricKey(ns, name))
    if (v === undefined)
      return {
        describe: `pods metric ${name}`,
        failure: {
          reason: 'FailedGetPodsMetric',
          message: `unable to get metric ${name}: unable to fetch metrics from custom metrics API: the server could not find the metric ${name} for pods`
        }
      }
    const target = Number(m.pods.target.averageValue)
    return {
      describe: `pods metric ${name}`,
      desired: ratio(current, v / target),
      current: { type: 'Pods', pods: { metric: { name }, current: { averageValue: String(v) } } }
    }
  }
  if (m.type === 'External') {
    const name = m.external.metric.name
    const v = c.metrics.get(metricKey(ns, name))
    if (v === undefined)
      return {
        describe: `external metric ${name}`,
        failure: {
          reason: 'FailedGetExternalMetric',
          message: `unable to get external metric ${ns}/${name}/nil: unable to fetch metrics from external metrics API: the server could not find the requested resource (get ${name}.external.metrics.k8s.io)`
        }
      }
    const t = m.external.target
    const desired = t.averageValue !== undefined ? Math.ceil(v / Number(t.averageValue)) : ratio(current, v / Number(t.value))
    return {
      describe: `external metric ${name}`,
      desired,
      current: {
        type: 'External',
        external: { metric: { name }, current: t.averageValue !== undefined ? { averageValue: String(v / Math.max(1, current)) } : { value: String(v) } }
      }
    }
  }
  if (m.type === 'Resource') {
    const name = m.resource.name
    const v = c.metrics.get(metricKey(ns, name))
    if (v === undefined)
      return {
        describe: `${name} resource utilization (percentage of request)`,
        failure: {
          reason: 'FailedGetResourceMetric',
          message: `failed to get ${name} utilization: unable to get metrics for resource ${name}: no metrics returned from resource metrics API`
        }
      }
    return {
      describe: `${name} resource utilization (percentage of request)`,
      desired: ratio(current, v / Number(m.resource.target.averageUtilization)),
      current: { type: 'Resource', resource: { name, current: { averageUtilization: v } } }
    }
  }
  return { describe: String(m.type), failure: { reason: 'InvalidMetricSourceType', message: `unknown metric source type "${m.type}"` } }
}

// The HPA's default tolerance: within 10% of the target, nothing changes.
const ratio = (current: number, r: number): number => (Math.abs(r - 1) <= 0.1 ? current : Math.ceil(current * r))

function condition(prev: any[], type: string, status: string, reason: string, message: string, now: string): any {
  const p = prev.find((x) => x.type === type)
  return { type, status, lastTransitionTime: p && p.status === status ? p.lastTransitionTime : now, reason, message }
}

export function reconcileHpa(c: Cluster, hpa: KObject): void {
  const ns = hpa.metadata.namespace
  const ref = hpa.spec.scaleTargetRef
  const now = c.clock.iso()
  const prev = hpa.status?.conditions ?? []
  const target = ref?.kind === 'Deployment' ? c.store.get('deployments', ns, ref.name) : undefined
  const status: any = { ...hpa.status, observedGeneration: hpa.metadata.generation }
  if (!target) {
    status.conditions = [
      condition(
        prev,
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: deployments/scale.apps "${ref?.name}" not found`,
        now
      )
    ]
    return save(c, hpa, status)
  }
  const current = target.spec.replicas ?? 1
  const readings = (hpa.spec.metrics ?? []).map((m: any) => read(c, ns, m, current))
  const ok = readings.filter((r: Reading) => r.desired !== undefined)
  const failed = readings.find((r: Reading) => r.failure)
  status.currentReplicas = current
  if (failed && ok.length === 0) {
    c.event(hpa, 'Warning', failed.failure!.reason, failed.failure!.message, 'horizontal-pod-autoscaler')
    status.desiredReplicas = current
    status.currentMetrics = null
    status.conditions = [
      condition(prev, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", now),
      condition(prev, 'ScalingActive', 'False', failed.failure!.reason, `the HPA was unable to compute the replica count: ${failed.failure!.message}`, now)
    ]
    return save(c, hpa, status)
  }
  const best = ok.reduce((a: Reading, b: Reading) => (b.desired! > a.desired! ? b : a))
  const min = hpa.spec.minReplicas ?? 1
  const max = hpa.spec.maxReplicas
  const desired = Math.min(max, Math.max(min, best.desired!))
  const limited =
    best.desired! > max
      ? ['True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count']
      : best.desired! < min
        ? ['True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count']
        : ['False', 'DesiredWithinRange', 'the desired count is within the acceptable range']
  let able = condition(prev, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', now)
  if (desired !== current) {
    const next = structuredClone(target)
    next.spec.replicas = desired
    c.write('deployments', target, next, 'kube-controller-manager', 'scale')
    const dir = desired > current ? 'above' : 'below'
    c.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${best.describe} ${dir} target`, 'horizontal-pod-autoscaler')
    status.lastScaleTime = now
    able = condition(prev, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`, now)
  }
  status.currentReplicas = current
  status.desiredReplicas = desired
  status.currentMetrics = ok.map((r: Reading) => r.current)
  status.conditions = [
    able,
    condition(prev, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${best.describe}`, now),
    condition(prev, 'ScalingLimited', limited[0], limited[1], limited[2], now)
  ]
  save(c, hpa, status)
}

function save(c: Cluster, hpa: KObject, status: any): void {
  if (JSON.stringify(status) !== JSON.stringify(hpa.status)) c.store.update('horizontalpodautoscalers', { ...hpa, status })
}
