import { GpushipError, formatDuration, progressTicker, silentLogger, type Logger } from '@gpuship/core'
import type { KubeClient } from './kube-client.js'
import { deploymentPath } from './resource-paths.js'
import { newWatchStats, watchLoop, type WatchLoop, type WatchStats } from './watch-loop.js'
import { deploymentRolloutState, labelSelectorText, podInfo, type PodInfo } from './rollout-status.js'
import { podCause, podProblem, schedulingCause, type RolloutCause } from './diagnose.js'
import { Timeline } from './timeline.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface WaitOptions {
  namespace: string
  name: string
  timeoutMs: number
  log?: Logger
  /** Stop at the first cause that cannot resolve itself (default true). */
  failFast?: boolean
  /** How long a pod may stay unschedulable before it fails the rollout (room for a node autoscaler). */
  schedulingGraceMs?: number
  /** Restarts after which a crashing container fails the rollout. Default 2. */
  crashRestarts?: number
  timeline?: Timeline
  stats?: WatchStats
  sleep?: (ms: number) => Promise<void>
  /** Called whenever the deployment or one of its pods changed (progress UIs). */
  onChange?: (d: any, pods: PodInfo[]) => void
}

export interface RolloutResult {
  deployment: any
  revision: string
  replicaSet?: string
  readyReplicas: number
  pods: PodInfo[]
  stats: WatchStats
}

export class RolloutError extends GpushipError {
  constructor(
    readonly rolloutCause: RolloutCause,
    readonly deployment: any,
    readonly pods: PodInfo[]
  ) {
    super(rolloutCause.summary, { hint: rolloutCause.hint, code: rolloutCause.kind })
  }
}

/**
 * Waits for a Deployment rollout with kubectl's completion rules, over watches (the Deployment by
 * name, its pods by selector), and stops early with the cause when a pod can never become ready:
 * no GPU capacity, an untolerated taint, a selector matching no node, an image that cannot be
 * pulled, a crash loop (with its last log lines), or the progress deadline.
 */
export async function waitForRollout(client: KubeClient, o: WaitOptions): Promise<RolloutResult> {
  const log = o.log ?? silentLogger
  const timeline = o.timeline ?? new Timeline()
  const stats = o.stats ?? newWatchStats()
  const failFast = o.failFast ?? true
  const grace = o.schedulingGraceMs ?? 0
  const tick = progressTicker(log)
  let deployment: any
  const pods = new Map<string, any>()
  const unschedSince = new Map<string, number>()
  const rsByRevision = new Map<string, { name: string; hash: string }>()
  let podLoop: WatchLoop | undefined
  let evaluating = false
  let again = false
  let lastLine = ''
  let finish!: (err?: Error) => void
  const ended = new Promise<void>((resolve, reject) => {
    let settled = false
    finish = (err) => {
      if (settled) return
      settled = true
      if (err) reject(err)
      else resolve()
    }
  })

  const newRs = async (): Promise<{ name: string; hash: string } | undefined> => {
    const rev = deployment?.metadata.annotations?.['deployment.kubernetes.io/revision']
    if (!rev) return undefined
    if (rsByRevision.has(rev)) return rsByRevision.get(rev)
    const q = new URLSearchParams({ labelSelector: labelSelectorText(deployment.spec.selector) })
    const list = await client.json<any>('GET', `/apis/apps/v1/namespaces/${o.namespace}/replicasets?${q}`)
    const rs = list.items.find(
      (r: any) =>
        r.metadata.annotations?.['deployment.kubernetes.io/revision'] === rev &&
        (r.metadata.ownerReferences ?? []).some((x: any) => x.uid === deployment.metadata.uid)
    )
    if (!rs) return undefined
    const v = { name: rs.metadata.name, hash: rs.metadata.labels?.['pod-template-hash'] ?? '' }
    rsByRevision.set(rev, v)
    timeline.once(`rs:${v.name}`, 'rollout', `ReplicaSet ${v.name} (revision ${rev})`)
    return v
  }

  const currentPods = (): PodInfo[] => [...pods.values()].map(podInfo).sort((a, b) => a.name.localeCompare(b.name))

  const diagnose = async (): Promise<RolloutCause | undefined> => {
    // Until the controller has seen the latest spec, the revision annotation may still name the old ReplicaSet.
    if ((deployment.status?.observedGeneration ?? 0) < (deployment.metadata.generation ?? 0)) return undefined
    const rs = await newRs()
    if (!rs) return undefined
    const mine = [...pods.values()].filter((p) => p.metadata.labels?.['pod-template-hash'] === rs.hash)
    for (const p of mine) {
      const problem = podProblem(p, o.crashRestarts ?? 2)
      if (!problem) {
        unschedSince.delete(p.metadata.name)
        continue
      }
      if (problem.kind === 'Unschedulable') {
        const since = unschedSince.get(p.metadata.name) ?? Date.now()
        unschedSince.set(p.metadata.name, since)
        if (Date.now() - since < grace) {
          setTimeout(() => void evaluate(), grace - (Date.now() - since) + 5).unref?.()
          continue
        }
        const [nodes, all, ds] = await Promise.all([
          client.json<any>('GET', '/api/v1/nodes'),
          client.json<any>('GET', '/api/v1/pods'),
          client.json<any>('GET', '/apis/apps/v1/daemonsets')
        ])
        return schedulingCause(problem, { nodes: nodes.items, pods: all.items, daemonSets: ds.items, pod: p })
      }
      if (problem.kind === 'ImagePull' && problem.reason === 'ErrImagePull' && !/not found|manifest unknown|unauthorized|denied|invalid/i.test(problem.message))
        continue
      let logs: string[] | undefined
      if (problem.kind === 'CrashLoop') logs = await lastLogs(client, o.namespace, p.metadata.name, problem.container)
      return podCause(problem, logs)
    }
    return undefined
  }

  const evaluate = async (): Promise<void> => {
    if (!deployment) return
    if (evaluating) {
      again = true
      return
    }
    evaluating = true
    try {
      do {
        again = false
        const state = deploymentRolloutState(deployment)
        for (const p of pods.values()) {
          const info = podInfo(p)
          if (info.node) timeline.once(`sched:${info.name}`, 'pods', `${info.name} on ${info.node}`)
          if (info.ready) timeline.once(`ready:${info.name}`, 'pods', `${info.name} ready`)
        }
        o.onChange?.(deployment, currentPods())
        if (state.message !== lastLine) {
          lastLine = state.message
          tick(state.message, true)
        } else tick(state.message)
        if (state.done) {
          timeline.add('rollout', 'rollout complete')
          return finish()
        }
        if (state.failed) {
          const extra = failFast ? await diagnose().catch(() => undefined) : undefined
          const progressing = (deployment.status?.conditions ?? []).find((c: any) => c.type === 'Progressing')
          return finish(
            new RolloutError(
              {
                kind: 'ProgressDeadlineExceeded',
                summary: `Deployment ${o.name} exceeded its progress deadline (${deployment.spec?.progressDeadlineSeconds ?? 600} s)${extra ? `: ${extra.summary}` : ': new pods did not become ready in time.'}`,
                detail: progressing?.message,
                pod: extra?.pod,
                logs: extra?.logs,
                hint:
                  extra?.hint ??
                  'Check the readiness probe (/v2/health/ready) and the model load time; raise progressDeadlineSeconds if Triton needs longer to load the models.'
              },
              deployment,
              currentPods()
            )
          )
        }
        if (failFast) {
          const cause = await diagnose()
          if (cause) {
            timeline.add('failure', cause.kind)
            return finish(new RolloutError(cause, deployment, currentPods()))
          }
        }
      } while (again)
    } catch (e) {
      log.debug(`rollout evaluation: ${(e as Error).message}`)
    } finally {
      evaluating = false
    }
  }

  const startPods = (): void => {
    if (podLoop || !deployment) return
    podLoop = watchLoop<any>({
      client,
      path: `/api/v1/namespaces/${o.namespace}/pods`,
      labelSelector: labelSelectorText(deployment.spec.selector),
      stats,
      sleep: o.sleep,
      log,
      onSync: (items) => {
        pods.clear()
        for (const p of items) pods.set(p.metadata.name, p)
        void evaluate()
      },
      onEvent: (type, p) => {
        if (type === 'DELETED') pods.delete(p.metadata.name)
        else pods.set(p.metadata.name, p)
        void evaluate()
      }
    })
    podLoop.done.catch((e) => finish(e))
  }

  const depLoop = watchLoop<any>({
    client,
    path: deploymentPath(o.namespace),
    fieldSelector: `metadata.name=${o.name}`,
    stats,
    sleep: o.sleep,
    log,
    onSync: (items) => {
      if (items.length === 0)
        return finish(
          new GpushipError(`Deployment ${o.namespace}/${o.name} not found.`, {
            input: 'name',
            hint: 'Check the namespace and name inputs, or that the manifests define this Deployment.'
          })
        )
      deployment = items[0]
      startPods()
      void evaluate()
    },
    onEvent: (type, d) => {
      if (type === 'DELETED')
        return finish(
          new GpushipError(`Deployment ${o.namespace}/${o.name} was deleted during the rollout.`, {
            hint: 'Something else deleted it; check who (kubectl get events) and run the rollout again.'
          })
        )
      deployment = d
      startPods()
      void evaluate()
    }
  })
  depLoop.done.catch((e) => finish(e))
  const timer = setTimeout(() => {
    void (async () => {
      const cause = deployment && failFast ? await diagnose().catch(() => undefined) : undefined
      finish(
        new RolloutError(
          {
            kind: 'Timeout',
            summary: `Timed out after ${formatDuration(o.timeoutMs)} waiting for deployment ${o.name}: ${lastLine || 'no status yet'}${cause ? ` (${cause.summary})` : ''}`,
            detail: cause?.detail,
            pod: cause?.pod,
            logs: cause?.logs,
            hint: cause?.hint ?? 'Raise the timeout input, or check why the new pods are not ready (kubectl describe pods).'
          },
          deployment,
          currentPods()
        )
      )
    })()
  }, o.timeoutMs)
  try {
    await ended
  } finally {
    clearTimeout(timer)
    depLoop.stop()
    podLoop?.stop()
  }
  const rs = await newRs().catch(() => undefined)
  return {
    deployment,
    revision: deployment.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '',
    replicaSet: rs?.name,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
    pods: currentPods(),
    stats
  }
}

export async function lastLogs(client: KubeClient, namespace: string, pod: string, container?: string, lines = 20): Promise<string[] | undefined> {
  const c = container ? `&container=${encodeURIComponent(container)}` : ''
  for (const previous of [true, false]) {
    const res = await client.request('GET', `/api/v1/namespaces/${namespace}/pods/${pod}/log?tailLines=${lines}${c}${previous ? '&previous=true' : ''}`, {
      accept: 'text/plain'
    })
    if (res.status === 200) return res.body.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1)
  }
  return undefined
}
