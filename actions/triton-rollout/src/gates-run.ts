import type { Logger } from '@gpuship/core'
import { proxyTarget, type KubeClient, type PodInfo } from '@gpuship/kube'
import type { GateVerdict } from '@gpuship/gates'
import type { Inputs } from './inputs.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Runs @gpuship/gates on the new pods, reached through the API server's pod proxy (Triton HTTP
 * and metrics ports), and on the dcgm-exporter pods of the nodes those pods landed on.
 */
export async function runRolloutGates(client: KubeClient, i: Inputs, pods: PodInfo[], log: Logger): Promise<GateVerdict> {
  const { runGates } = await import('@gpuship/gates')
  const nodes = [...new Set(pods.map((p) => p.node).filter(Boolean))]
  const dcgm: { node: string; target: ReturnType<typeof proxyTarget> }[] = []
  if (i['gpus-per-pod'] > 0) {
    const q = new URLSearchParams({ labelSelector: 'app=dcgm-exporter' })
    const res = await client.request('GET', `/api/v1/namespaces/${i['dcgm-namespace']}/pods?${q}`)
    const exporters: any[] = res.status === 200 ? JSON.parse(res.body).items : []
    for (const n of nodes) {
      const e = exporters.find((p) => p.spec?.nodeName === n && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'))
      if (e) dcgm.push({ node: n, target: proxyTarget(client, { namespace: i['dcgm-namespace'], pod: e.metadata.name, port: 9400 }) })
      else log.warning(`no ready dcgm-exporter pod (label app=dcgm-exporter in namespace ${i['dcgm-namespace']}) on node ${n}: its GPUs are not checked`)
    }
  }
  return runGates({
    triton: pods.map((p) => proxyTarget(client, { namespace: i.namespace, pod: p.name, port: i['http-port'] })),
    tritonMetrics: pods.map((p) => proxyTarget(client, { namespace: i.namespace, pod: p.name, port: i['metrics-port'] })),
    dcgm,
    window: { samples: i['gate-samples'], intervalMs: i['gate-interval'] },
    gpuFilter: (g) => !g.pod || pods.some((p) => p.name === g.pod),
    log
  })
}
