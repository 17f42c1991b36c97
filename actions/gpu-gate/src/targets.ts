import { GpushipError, type Logger } from '@gpuship/core'
import { urlTarget, type HttpTarget } from '@gpuship/gates'
import type { Inputs } from './inputs.js'

type KubeClient = Awaited<ReturnType<typeof import('@gpuship/kube').createKubeClient>>

export interface GateTargets {
  triton: HttpTarget[]
  tritonMetrics: HttpTarget[]
  dcgm: { node: string; target: HttpTarget }[]
  /** `namespace/pod` of the Triton pods whose GPUs count; undefined = every GPU. */
  pods?: Set<string>
}

interface Pod {
  metadata: { name: string; namespace: string; deletionTimestamp?: string }
  spec: { nodeName?: string }
  status: { phase?: string }
}

/** Targets given as URLs: testable and usable without cluster access. */
export function directTargets(i: Inputs): GateTargets {
  return {
    triton: i['triton-urls'].map((u) => urlTarget(u)),
    tritonMetrics: i['triton-metrics-urls'].map((u) => urlTarget(u)),
    dcgm: i['dcgm-urls'].map((d) => ({ node: d.node, target: urlTarget(d.url, { name: `${d.node} dcgm-exporter` }) }))
  }
}

/**
 * Targets found through the Kubernetes API: the Deployment's running pods (Triton through the
 * pod proxy) and the dcgm-exporter pod on each of their nodes; for the fleet, every node that
 * advertises nvidia.com/gpu.
 */
export async function kubeTargets(kube: KubeClient, i: Inputs, log: Logger): Promise<GateTargets> {
  const { proxyTarget } = await import('@gpuship/kube')
  const out: GateTargets = { triton: [], tritonMetrics: [], dcgm: [] }
  let nodes: string[]
  if (i.deployment) {
    const ns = encodeURIComponent(i.namespace)
    const dep = await kube.json<{ spec: { selector: { matchLabels?: Record<string, string> } } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/${encodeURIComponent(i.deployment)}`)
    const sel = Object.entries(dep.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')
    const pods = (await kube.json<{ items: Pod[] }>('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(sel)}`)).items.filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp)
    if (!pods.length) throw new GpushipError(`Deployment ${i.namespace}/${i.deployment} has no running pod to check.`, { input: 'deployment', hint: 'Run the gate after the rollout finished (triton-rollout), or check `kubectl get pods -n NAMESPACE`.' })
    for (const p of pods) {
      out.triton.push(proxyTarget(kube, { namespace: p.metadata.namespace, pod: p.metadata.name, port: i['triton-port'], timeoutMs: 15_000 }))
      out.tritonMetrics.push(proxyTarget(kube, { namespace: p.metadata.namespace, pod: p.metadata.name, port: i['triton-metrics-port'], timeoutMs: 15_000 }))
    }
    out.pods = new Set(pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`))
    nodes = [...new Set(pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))]
    log.info(`${pods.length} Triton pod(s) of ${i.namespace}/${i.deployment} on node(s) ${nodes.join(', ')}`)
  } else {
    const list = await kube.json<{ items: { metadata: { name: string }; status?: { capacity?: Record<string, string> } }[] }>('GET', '/api/v1/nodes')
    nodes = list.items.filter((n) => Number(n.status?.capacity?.['nvidia.com/gpu'] ?? 0) > 0).map((n) => n.metadata.name)
    log.info(`fleet: ${nodes.length} GPU node(s)`)
  }
  if (i['prometheus-url']) {
    // the Prometheus source needs only node names; the target is never called
    out.dcgm = nodes.map((node) => ({ node, target: { name: 'prometheus', request: async () => ({ status: 599, headers: {}, body: '' }) } }))
    return out
  }
  const exporters = (await kube.json<{ items: Pod[] }>('GET', `/api/v1/pods?labelSelector=${encodeURIComponent(i['dcgm-selector'])}`)).items.filter((p) => p.status.phase === 'Running')
  for (const node of nodes) {
    const ex = exporters.find((p) => p.spec.nodeName === node)
    if (!ex) {
      log.warning(`no running dcgm-exporter pod (selector ${i['dcgm-selector']}) on node ${node}: its GPUs cannot be checked`)
      continue
    }
    out.dcgm.push({ node, target: proxyTarget(kube, { namespace: ex.metadata.namespace, pod: ex.metadata.name, port: i['dcgm-port'], timeoutMs: 15_000 }) })
  }
  if (nodes.length && !out.dcgm.length) throw new GpushipError(`No dcgm-exporter pod found on the GPU node(s) ${nodes.join(', ')} with selector '${i['dcgm-selector']}'.`, { input: 'dcgm-selector', hint: 'Install dcgm-exporter (the GPU Operator or its Helm chart), or set dcgm-selector to its pods\' labels: kubectl get pods -A -l app=nvidia-dcgm-exporter' })
  return out
}

/** Cordons nodes (spec.unschedulable) and records why in an annotation; returns those changed. */
export async function cordonNodes(kube: KubeClient, nodes: string[], why: Record<string, string>, log: Logger): Promise<string[]> {
  const done: string[] = []
  for (const node of nodes) {
    const path = `/api/v1/nodes/${encodeURIComponent(node)}`
    const current = await kube.json<{ spec?: { unschedulable?: boolean } }>('GET', path)
    if (current.spec?.unschedulable) {
      log.info(`${node} is already cordoned`)
      continue
    }
    await kube.json('PATCH', path, { contentType: 'application/merge-patch+json', jsonBody: { spec: { unschedulable: true }, metadata: { annotations: { 'gpuship.io/cordon-reason': why[node].slice(0, 1000) } } } })
    log.warning(`cordoned ${node}: ${why[node]}`)
    done.push(node)
  }
  return done
}
