import { GpushipError, silentLogger, type Logger } from '@gpuship/core'
import type { KubeClient } from './kube-client.js'
import { watchLoop, type WatchStats } from './watch-loop.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface HpaCondition {
  type: string
  status: string
  reason?: string
  message?: string
}

export interface HpaResult {
  currentReplicas: number
  desiredReplicas: number
  conditions: HpaCondition[]
  currentMetrics: unknown[]
}

const METRIC_FAILURES = [
  'FailedGetExternalMetric',
  'FailedGetPodsMetric',
  'FailedGetResourceMetric',
  'FailedGetObjectMetric',
  'FailedGetContainerResourceMetric',
  'InvalidMetricSourceType'
]

/**
 * Waits until the HPA computes a replica count from its metrics (ScalingActive=True), and fails
 * with the HPA's own reason and message when a metric stays unavailable for `graceMs`.
 */
export async function waitForHpa(
  client: KubeClient,
  o: { namespace: string; name: string; timeoutMs: number; graceMs?: number; log?: Logger; stats?: WatchStats }
): Promise<HpaResult> {
  const log = o.log ?? silentLogger
  let finish!: (v?: HpaResult, e?: Error) => void
  const result = new Promise<HpaResult>((resolve, reject) => {
    let settled = false
    finish = (v, e) => {
      if (settled) return
      settled = true
      if (e) reject(e)
      else resolve(v!)
    }
  })
  let firstFailure: number | undefined
  const look = (h: any): void => {
    const conds: HpaCondition[] = h.status?.conditions ?? []
    const active = conds.find((c) => c.type === 'ScalingActive')
    const out = {
      currentReplicas: h.status?.currentReplicas ?? 0,
      desiredReplicas: h.status?.desiredReplicas ?? 0,
      conditions: conds,
      currentMetrics: h.status?.currentMetrics ?? []
    }
    if (active?.status === 'True') return finish(out)
    const able = conds.find((c) => c.type === 'AbleToScale')
    const failure = active && active.status === 'False' && METRIC_FAILURES.includes(active.reason ?? '') ? active : able?.status === 'False' ? able : undefined
    if (!failure) return
    firstFailure ??= Date.now()
    if (Date.now() - firstFailure < (o.graceMs ?? 0)) {
      setTimeout(() => look(h), (o.graceMs ?? 0) - (Date.now() - firstFailure) + 5).unref?.()
      return
    }
    const missing = failure.reason?.startsWith('FailedGet') && failure.reason.endsWith('Metric')
    finish(
      undefined,
      new GpushipError(`HorizontalPodAutoscaler ${o.name} cannot scale: ${failure.reason}: ${failure.message}`, {
        code: failure.reason,
        input: 'autoscaling-metric',
        hint: missing
          ? failure.reason === 'FailedGetExternalMetric'
            ? 'No external metrics API serves this metric: install KEDA or prometheus-adapter with an external rule for it, or pick a metric that exists.'
            : 'No custom/resource metrics API serves this metric: install prometheus-adapter (custom.metrics.k8s.io) with a rule exposing it per pod, or metrics-server for cpu.'
          : 'Check the HPA scaleTargetRef names this Deployment.'
      })
    )
  }
  const loop = watchLoop<any>({
    client,
    path: `/apis/autoscaling/v2/namespaces/${o.namespace}/horizontalpodautoscalers`,
    fieldSelector: `metadata.name=${o.name}`,
    stats: o.stats,
    log,
    onSync: (items) => (items[0] ? look(items[0]) : undefined),
    onEvent: (type, h) =>
      type !== 'DELETED' ? look(h) : finish(undefined, new GpushipError(`HorizontalPodAutoscaler ${o.name} was deleted while waiting for it.`))
  })
  loop.done.catch((e) => finish(undefined, e))
  const timer = setTimeout(
    () =>
      finish(
        undefined,
        new GpushipError(`Timed out waiting for HorizontalPodAutoscaler ${o.name} to read its metrics (ScalingActive never became True).`, {
          input: 'timeout',
          hint: 'Check kubectl describe hpa: the metrics pipeline (metrics-server, prometheus-adapter, KEDA) may be missing.'
        })
      ),
    o.timeoutMs
  )
  try {
    return await result
  } finally {
    clearTimeout(timer)
    loop.stop()
  }
}
