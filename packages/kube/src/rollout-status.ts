/* eslint-disable @typescript-eslint/no-explicit-any */

export interface RolloutState {
  done: boolean
  /** Set when the rollout can never finish (progress deadline exceeded). */
  failed?: string
  /** kubectl's line for this state. */
  message: string
}

/** kubectl rollout status's rules for a Deployment, line for line (see KUBECTL-WIRE.md §4). */
export function deploymentRolloutState(d: any): RolloutState {
  const name = d.metadata.name
  const st = d.status ?? {}
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) return { done: false, message: 'Waiting for deployment spec update to be observed...' }
  const prog = (st.conditions ?? []).find((c: any) => c.type === 'Progressing')
  if (prog?.reason === 'ProgressDeadlineExceeded')
    return { done: false, failed: `deployment "${name}" exceeded its progress deadline`, message: `deployment "${name}" exceeded its progress deadline` }
  const replicas = d.spec?.replicas ?? 1
  const updated = st.updatedReplicas ?? 0
  if (updated < replicas)
    return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...` }
  if ((st.replicas ?? 0) > updated)
    return {
      done: false,
      message: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...`
    }
  if ((st.availableReplicas ?? 0) < updated)
    return {
      done: false,
      message: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...`
    }
  return { done: true, message: `deployment "${name}" successfully rolled out` }
}

export interface PodInfo {
  name: string
  node: string
  status: string
  ready: boolean
  restarts: number
  image: string
  revisionHash?: string
}

export function podInfo(p: any): PodInfo {
  const cs = p.status?.containerStatuses?.[0]
  const waiting = cs?.state?.waiting?.reason
  const unsched = (p.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled' && c.status === 'False')
  return {
    name: p.metadata.name,
    node: p.spec?.nodeName ?? '',
    status: waiting ?? (unsched ? 'Unschedulable' : (p.status?.phase ?? 'Pending')),
    ready: (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    restarts: (p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0),
    image: p.spec?.containers?.[0]?.image ?? '',
    revisionHash: p.metadata.labels?.['pod-template-hash']
  }
}

export function labelSelectorText(sel: any): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`)
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${e.values.join(',')})`)
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${e.values.join(',')})`)
    else if (e.operator === 'Exists') parts.push(e.key)
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`)
  }
  return parts.join(',')
}
