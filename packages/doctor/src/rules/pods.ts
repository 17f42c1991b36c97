import type { KubeEvidence, PodEvidence } from '../evidence.js'
import { finder, type Rule } from '../finding.js'
import { clip, gpuAllocatable, isGpuNode } from '../util.js'

/** Pending pods with the scheduler's latest word on them (event, else the PodScheduled condition). */
export function pendingWithReason(kube: KubeEvidence): { pod: PodEvidence; message: string }[] {
  return kube.pods
    .filter((p) => p.phase === 'Pending' && !p.nodeName)
    .map((pod) => {
      const events = kube.events
        .filter((ev) => ev.kind === 'Pod' && ev.namespace === pod.namespace && ev.name === pod.name && ev.reason === 'FailedScheduling')
        .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))
      return { pod, message: events[0]?.message ?? pod.unschedulableMessage ?? '' }
    })
    .filter((x) => x.message !== '')
}

function gpuCapacity(kube: KubeEvidence) {
  const gpuNodes = kube.nodes.filter((n) => isGpuNode(n) || gpuAllocatable(n) > 0)
  const requested = kube.pods.filter((p) => p.nodeName && p.phase !== 'Succeeded' && p.phase !== 'Failed').reduce((s, p) => s + p.gpuRequest, 0)
  return { gpuNodes, allocatable: gpuNodes.reduce((s, n) => s + gpuAllocatable(n), 0), requested }
}

export const insufficientGpu: Rule = {
  id: 'pending-insufficient-gpu',
  title: 'Pods Pending: not enough nvidia.com/gpu',
  category: 'pods',
  reads: ['k8s:LIST pods', 'k8s:LIST events', 'k8s:LIST nodes', 'eks:DescribeNodegroup'],
  check(e) {
    if (!e.kube) return []
    const cap = gpuCapacity(e.kube)
    // GPU nodes advertising no GPUs are the device plugin's problem; gpu-not-allocatable says so.
    if (cap.gpuNodes.some((n) => gpuAllocatable(n) === 0)) return []
    const f = finder(this.id)
    const gpuGroups = e.aws.nodegroups.filter((n) => n.instanceTypes.some((t) => /^(p|g)\d/.test(t)))
    const nonGpuNodes = e.kube.nodes.length - cap.gpuNodes.length
    return pendingWithReason(e.kube)
      .filter((x) => {
        // "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint":
        // when only CPU nodes lack GPUs, the GPU nodes refused for another reason, explained elsewhere.
        const m = /(\d+) Insufficient nvidia\.com\/gpu/.exec(x.message)
        if (!m && !/Insufficient nvidia\.com\/gpu/.test(x.message)) return false
        return !m || Number(m[1]) > nonGpuNodes
      })
      .map(({ pod, message }) =>
        f({
          severity: 'error',
          resource: `pod/${pod.namespace}/${pod.name}`,
          message: `Pod ${pod.namespace}/${pod.name} asks for ${pod.gpuRequest} GPU(s); the cluster's GPU nodes have ${cap.allocatable} allocatable and ${cap.requested} already requested.`,
          evidence: {
            scheduler: clip(message),
            gpuRequest: pod.gpuRequest,
            gpuNodes: cap.gpuNodes.map((n) => ({ name: n.name, allocatable: gpuAllocatable(n) })),
            gpuAllocatable: cap.allocatable,
            gpuRequested: cap.requested,
            gpuNodegroups: gpuGroups.map((g) => ({ name: g.name, desiredSize: g.desiredSize, instanceTypes: g.instanceTypes }))
          },
          fix: {
            text: gpuGroups.length
              ? `Scale the GPU node group up (or let the autoscaler do it: its max size must allow one more node).`
              : 'Create a GPU node group (g5/g6/p4d/p5) with the EKS GPU AMI.',
            command: gpuGroups.length
              ? `aws eks update-nodegroup-config --cluster-name ${e.aws.cluster.name} --nodegroup-name ${gpuGroups[0].name} --scaling-config desiredSize=${(gpuGroups[0].desiredSize ?? 0) + 1} --region ${e.aws.region}`
              : undefined,
            terraform: gpuGroups.length
              ? undefined
              : 'eks_managed_node_groups = {\n  gpu = {\n    ami_type       = "AL2023_x86_64_NVIDIA"\n    instance_types = ["g5.xlarge"]\n    min_size = 1\n    max_size = 2\n    desired_size = 1\n  }\n}'
          }
        })
      )
  }
}

/** Taints the scheduler names in `{key: value}` form ("had untolerated taint {k: v}"). */
export function taintsIn(message: string): string[] {
  const out = new Set<string>()
  for (const m of message.matchAll(/taints?\(?s?\)?\s*\{([^}]*)\}/g)) out.add(m[1].trim())
  return [...out]
}

export const untoleratedTaint: Rule = {
  id: 'pending-untolerated-taint',
  title: 'Pods Pending: node taints not tolerated',
  category: 'pods',
  reads: ['k8s:LIST pods', 'k8s:LIST events', 'k8s:LIST nodes'],
  check(e) {
    if (!e.kube) return []
    const kube = e.kube
    const f = finder(this.id)
    return pendingWithReason(kube)
      .filter((x) => /untolerated taint|that the pod didn't tolerate/.test(x.message))
      .map(({ pod, message }) => {
        const taints = taintsIn(message)
        const key = taints[0]?.split(':')[0]?.trim() ?? 'nvidia.com/gpu'
        const carrying = kube.nodes.filter((n) => n.taints.some((t) => t.key === key)).map((n) => ({ name: n.name, taints: n.taints }))
        const notReady = key.startsWith('node.kubernetes.io/')
        return f({
          severity: 'error',
          resource: `pod/${pod.namespace}/${pod.name}`,
          message: notReady
            ? `Pod ${pod.namespace}/${pod.name} is Pending because nodes carry ${key}: they are not ready, so nothing is scheduled on them.`
            : `Pod ${pod.namespace}/${pod.name} is Pending: it does not tolerate ${taints.join(', ') || "the nodes' taints"} carried by ${carrying.length} node(s).`,
          evidence: { scheduler: clip(message), taints, nodesWithTaint: carrying },
          fix: notReady
            ? {
                text: "Fix the nodes' readiness first (see the networking findings: aws-node and kube-proxy).",
                command: 'kubectl get nodes -o wide && kubectl -n kube-system get pods -o wide'
              }
            : {
                text: 'Add a toleration for the taint to the pod spec (GPU nodes are tainted so only GPU pods land there).',
                command: `kubectl -n ${pod.namespace} get pod ${pod.name} -o jsonpath='{.spec.tolerations}'`,
                terraform: `# pod spec\ntolerations:\n  - key: ${key}\n    operator: Exists\n    effect: NoSchedule`
              }
        })
      })
  }
}

export const selectorMismatch: Rule = {
  id: 'pending-node-selector',
  title: 'Pods Pending: node selector or affinity matches no node',
  category: 'pods',
  reads: ['k8s:LIST pods', 'k8s:LIST events', 'k8s:LIST nodes'],
  check(e) {
    if (!e.kube) return []
    const kube = e.kube
    const f = finder(this.id)
    return pendingWithReason(kube)
      .filter((x) => /didn't match Pod's node affinity\/selector|node\(s\) didn't match node selector/.test(x.message))
      .map(({ pod, message }) => {
        const seen: Record<string, string[]> = {}
        for (const k of Object.keys(pod.nodeSelector))
          seen[k] = [...new Set(kube.nodes.map((n) => n.labels[k]).filter((v): v is string => v !== undefined))].sort()
        const wrong = Object.entries(pod.nodeSelector).filter(([k, v]) => !seen[k].includes(v))
        return f({
          severity: 'error',
          resource: `pod/${pod.namespace}/${pod.name}`,
          message: wrong.length
            ? `Pod ${pod.namespace}/${pod.name} selects ${wrong.map(([k, v]) => `${k}=${v}`).join(', ')}; nodes have ${wrong.map(([k]) => `${k} ∈ {${seen[k].join(', ')}}`).join('; ')}.`
            : `Pod ${pod.namespace}/${pod.name} has a node affinity no node satisfies.`,
          evidence: { scheduler: clip(message), nodeSelector: pod.nodeSelector, nodeLabelValues: seen },
          fix: {
            text: 'Make the selector match a label the nodes carry (or label the node group so it does).',
            command: wrong.length
              ? `kubectl get nodes -L ${wrong.map(([k]) => k).join(',')}`
              : `kubectl -n ${pod.namespace} get pod ${pod.name} -o jsonpath='{.spec.affinity}'`,
            terraform: wrong.length ? `eks_managed_node_groups = {\n  gpu = {\n    labels = { "${wrong[0][0]}" = "${wrong[0][1]}" }\n  }\n}` : undefined
          }
        })
      })
  }
}

export const gpuNotAllocatable: Rule = {
  id: 'gpu-not-allocatable',
  title: 'GPU nodes advertise no nvidia.com/gpu',
  category: 'pods',
  reads: ['k8s:LIST nodes', 'k8s:LIST daemonsets'],
  check(e) {
    if (!e.kube) return []
    const plugin = e.kube.workloads.find((w) => w.kind === 'DaemonSet' && /nvidia-device-plugin/.test(w.name))
    const f = finder(this.id)
    return e.kube.nodes
      .filter((n) => isGpuNode(n) && n.ready && gpuAllocatable(n) === 0)
      .map((n) =>
        f({
          severity: 'error',
          resource: `node/${n.name}`,
          message: plugin
            ? `GPU node ${n.name} has no nvidia.com/gpu allocatable; the device plugin DaemonSet ${plugin.namespace}/${plugin.name} has ${plugin.ready}/${plugin.desired} pods ready.`
            : `GPU node ${n.name} has no nvidia.com/gpu allocatable and no NVIDIA device plugin DaemonSet exists.`,
          evidence: {
            node: n.name,
            instanceType: n.labels['node.kubernetes.io/instance-type'],
            allocatable: n.allocatable,
            devicePlugin: plugin ? { name: `${plugin.namespace}/${plugin.name}`, desired: plugin.desired, ready: plugin.ready } : null
          },
          fix: plugin
            ? {
                text: 'Read the device plugin pod on this node: a driver missing from the AMI (use the EKS NVIDIA AMI) or a toleration missing for the GPU taint.',
                command: `kubectl -n ${plugin.namespace} get pods -o wide --field-selector spec.nodeName=${n.name}`
              }
            : {
                text: 'Install the NVIDIA device plugin (or the GPU operator) with a toleration for the GPU taint.',
                command:
                  'helm upgrade --install nvidia-device-plugin nvidia-device-plugin --repo https://nvidia.github.io/k8s-device-plugin --namespace kube-system --set-json \'tolerations=[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]\''
              }
        })
      )
  }
}
