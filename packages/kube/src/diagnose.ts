/* eslint-disable @typescript-eslint/no-explicit-any */

export type CauseKind =
  | 'NoGpuCapacity'
  | 'UntoleratedTaint'
  | 'SelectorMatchesNoNode'
  | 'Unschedulable'
  | 'ImagePull'
  | 'CrashLoop'
  | 'ContainerConfig'
  | 'ProgressDeadlineExceeded'
  | 'Timeout'
  | 'GatesFailed'
  | 'HpaMetricUnavailable'

export interface NodeGpu {
  node: string
  allocatable: number
  requested: number
  free: number
  /** Whether an nvidia-device-plugin pod is Ready on the node. */
  devicePlugin: boolean
}

export interface RolloutCause {
  kind: CauseKind
  /** One sentence for logs and the error message (untrusted parts included raw; escape before Markdown). */
  summary: string
  /** What the cluster said (event message, waiting message, condition). */
  detail?: string
  pod?: string
  gpus?: NodeGpu[]
  devicePlugin?: { present: boolean; ready: number; desired: number }
  taints?: string[]
  nodeSelector?: Record<string, string>
  logs?: string[]
  exitCode?: number
  hint: string
}

const qty = (v: unknown): number => {
  const m = /^([0-9.]+)(m?)$/.exec(String(v ?? '0'))
  return m ? Number(m[1]) / (m[2] ? 1000 : 1) : 0
}

export function gpuRequest(pod: any): number {
  return (pod.spec?.containers ?? []).reduce(
    (n: number, c: any) => n + qty(c.resources?.limits?.['nvidia.com/gpu'] ?? c.resources?.requests?.['nvidia.com/gpu']),
    0
  )
}

/** nvidia.com/gpu per node: allocatable, requested by scheduled pods, free, and whether the device plugin runs there. */
export function gpuCapacity(nodes: any[], pods: any[]): NodeGpu[] {
  return nodes.map((n) => {
    const name = n.metadata.name
    const on = pods.filter((p) => p.spec?.nodeName === name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    const allocatable = qty(n.status?.allocatable?.['nvidia.com/gpu'])
    const requested = on.reduce((s, p) => s + gpuRequest(p), 0)
    const devicePlugin = on.some(
      (p) => /nvidia-device-plugin/.test(p.metadata.name) && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')
    )
    return { node: name, allocatable, requested, free: Math.max(0, allocatable - requested), devicePlugin }
  })
}

export interface PodProblem {
  pod: string
  kind: 'Unschedulable' | 'ImagePull' | 'CrashLoop' | 'ContainerConfig'
  message: string
  reason?: string
  exitCode?: number
  container?: string
  image?: string
}

/**
 * The first thing wrong with a pod that will not fix itself: unschedulable (with the scheduler's
 * message), an image that cannot be pulled, a container crash-looping (restarted `crashRestarts`
 * times or in CrashLoopBackOff), or a config error.
 */
export function podProblem(pod: any, crashRestarts = 2): PodProblem | undefined {
  const name = pod.metadata.name
  const sched = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled')
  if (sched?.status === 'False' && sched.reason === 'Unschedulable') return { pod: name, kind: 'Unschedulable', message: sched.message ?? '' }
  for (const cs of pod.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting
    if (w && ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'].includes(w.reason))
      return { pod: name, kind: 'ImagePull', reason: w.reason, message: w.message ?? w.reason, container: cs.name, image: cs.image }
    if (w && ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'].includes(w.reason))
      return { pod: name, kind: 'ContainerConfig', reason: w.reason, message: w.message ?? w.reason, container: cs.name }
    const term = cs.lastState?.terminated ?? cs.state?.terminated
    if ((w?.reason === 'CrashLoopBackOff' || (cs.restartCount ?? 0) >= crashRestarts) && term) {
      return {
        pod: name,
        kind: 'CrashLoop',
        reason: term.reason,
        exitCode: term.exitCode,
        message: w?.message ?? `restarted ${cs.restartCount} times`,
        container: cs.name
      }
    }
  }
  return undefined
}

/** Why an image pull failed, in plain words, from the kubelet's message. */
export function pullWhy(message: string): string {
  if (/not found|manifest unknown|NotFound/i.test(message)) return 'the image (or that tag/digest) does not exist in the registry'
  if (/unauthorized|denied|403|authentication required|no basic auth/i.test(message))
    return 'the node is not allowed to pull it (registry credentials or the node role’s ECR permissions)'
  if (/i\/o timeout|dial tcp|no such host|connection refused/i.test(message)) return 'the registry is unreachable from the node (network, VPC endpoint or DNS)'
  if (/InvalidImageName|invalid reference format/i.test(message)) return 'the image reference is not valid'
  if (/toomanyrequests|rate limit/i.test(message)) return 'the registry rate-limited the pull'
  return 'the registry refused the pull'
}

export interface SchedulingContext {
  nodes: any[]
  pods: any[]
  daemonSets: any[]
  pod: any
}

/** Turns the scheduler's FailedScheduling message into the cause a user acts on. */
export function schedulingCause(p: PodProblem, ctx: SchedulingContext): RolloutCause {
  const msg = p.message
  const dsPlugin = ctx.daemonSets.find((d) => /nvidia-device-plugin/.test(d.metadata.name))
  const devicePlugin = dsPlugin
    ? { present: true, ready: dsPlugin.status?.numberReady ?? 0, desired: dsPlugin.status?.desiredNumberScheduled ?? 0 }
    : { present: false, ready: 0, desired: 0 }
  if (/Insufficient nvidia\.com\/gpu/.test(msg)) {
    const gpus = gpuCapacity(ctx.nodes, ctx.pods)
    const want = gpuRequest(ctx.pod)
    const totalFree = gpus.reduce((s, g) => s + g.free, 0)
    const pluginNote = !devicePlugin.present
      ? 'the NVIDIA device plugin DaemonSet is not installed, so no node advertises nvidia.com/gpu'
      : devicePlugin.ready < devicePlugin.desired
        ? `the device plugin runs on ${devicePlugin.ready}/${devicePlugin.desired} GPU nodes`
        : `the device plugin runs on all ${devicePlugin.desired} GPU node(s)`
    return {
      kind: 'NoGpuCapacity',
      pod: p.pod,
      summary: `No node has ${want} free nvidia.com/gpu for pod ${p.pod} (${totalFree} free in the cluster; ${pluginNote}).`,
      detail: msg,
      gpus,
      devicePlugin,
      hint:
        !devicePlugin.present || devicePlugin.ready === 0
          ? 'Install the NVIDIA device plugin (or the GPU operator) so GPU nodes advertise nvidia.com/gpu, e.g. helm install nvdp nvdp/nvidia-device-plugin -n kube-system.'
          : 'Add GPU capacity (scale the GPU node group / NodePool, raise its GPU limit), lower gpus-per-pod / replicas, or set max-surge: 0 so the rolling update replaces pods in place instead of needing spare GPUs.'
    }
  }
  const taint = /untolerated taint \{([^}]*)\}/.exec(msg)
  if (taint) {
    const taints = [...new Set(ctx.nodes.flatMap((n) => (n.spec?.taints ?? []).map((t: any) => `${t.key}=${t.value ?? ''}:${t.effect}`)))]
    return {
      kind: 'UntoleratedTaint',
      pod: p.pod,
      summary: `Pod ${p.pod} does not tolerate the taint {${taint[1]}} on the nodes it could use.`,
      detail: msg,
      taints,
      hint: `Add a toleration, e.g. tolerations: [{key: ${taint[1].split(':')[0].trim()}, operator: Exists, effect: NoSchedule}] (the tolerations input of triton-rollout).`
    }
  }
  if (/didn't match Pod's node affinity\/selector/.test(msg)) {
    const sel = ctx.pod.spec?.nodeSelector ?? {}
    return {
      kind: 'SelectorMatchesNoNode',
      pod: p.pod,
      summary: `The node selector ${
        Object.entries(sel)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '(affinity)'
      } of pod ${p.pod} matches no schedulable node.`,
      detail: msg,
      nodeSelector: sel,
      hint: 'Fix node-selector to labels your GPU nodes carry (kubectl get nodes --show-labels), or label the nodes.'
    }
  }
  return {
    kind: 'Unschedulable',
    pod: p.pod,
    summary: `Pod ${p.pod} cannot be scheduled.`,
    detail: msg,
    hint: 'Read the scheduler message above; add capacity or relax the pod’s constraints.'
  }
}

export function podCause(p: PodProblem, logs?: string[]): RolloutCause {
  if (p.kind === 'ImagePull') {
    return {
      kind: 'ImagePull',
      pod: p.pod,
      summary: `Image ${p.image} cannot be pulled for pod ${p.pod}: ${pullWhy(p.message)}.`,
      detail: p.message,
      hint: 'Check that the image digest was pushed to this registry and region, and that the node role can pull from it (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer).'
    }
  }
  if (p.kind === 'CrashLoop') {
    return {
      kind: 'CrashLoop',
      pod: p.pod,
      summary: `Container ${p.container} of pod ${p.pod} keeps crashing (exit code ${p.exitCode ?? '?'}${p.reason ? `, ${p.reason}` : ''}).`,
      detail: p.message,
      logs,
      exitCode: p.exitCode,
      hint: 'Read the last log lines above; for Triton, a model that fails to load (wrong model-repository path, missing config.pbtxt, CUDA/driver mismatch) is the usual cause.'
    }
  }
  return {
    kind: 'ContainerConfig',
    pod: p.pod,
    summary: `Container ${p.container} of pod ${p.pod} cannot be created (${p.reason}).`,
    detail: p.message,
    hint: 'A referenced ConfigMap, Secret or volume is missing or invalid; create it or fix the reference.'
  }
}
