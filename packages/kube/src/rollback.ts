import { GpushipError } from '@gpuship/core'
import { apiError, type KubeClient } from './kube-client.js'
import { deploymentPath } from './resource-paths.js'
import { labelSelectorText } from './rollout-status.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

const REV = 'deployment.kubernetes.io/revision'
// kubectl's annotationsToSkip: kept from the Deployment, never copied from the ReplicaSet.
const SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REV,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to'
])

export interface RollbackResult {
  /** false when the current template already is the target revision's. */
  rolledBack: boolean
  fromRevision: string
  toRevision: string
  image?: string
}

function withoutHash(t: any): any {
  const c = structuredClone(t)
  if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash']
  return c
}

const canon = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canon).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .filter((k) => (v as any)[k] !== undefined && (v as any)[k] !== null)
          .map((k) => `${k}:${canon((v as any)[k])}`)
          .join(',')}}`
      : JSON.stringify(v)

/** The ReplicaSets a Deployment controls: selected by its selector and owned by its uid (kubectl's filter). */
export async function ownedReplicaSets(client: KubeClient, deployment: any): Promise<any[]> {
  const ns = deployment.metadata.namespace
  const q = new URLSearchParams({ labelSelector: labelSelectorText(deployment.spec.selector) })
  const list = await client.json<any>('GET', `/apis/apps/v1/namespaces/${ns}/replicasets?${q}`)
  return list.items.filter((rs: any) => (rs.metadata.ownerReferences ?? []).some((r: any) => r.controller && r.uid === deployment.metadata.uid))
}

/**
 * kubectl rollout undo, request for request: the target ReplicaSet's pod template (minus
 * pod-template-hash) and the annotations kubectl computes, as one JSON patch. The controller then
 * makes that ReplicaSet the newest revision.
 */
export async function rollbackDeployment(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: { toRevision?: number; fieldManager?: string } = {}
): Promise<RollbackResult> {
  const d = await client.json<any>('GET', deploymentPath(namespace, name))
  if (d.spec?.paused)
    throw new GpushipError(`Cannot roll back deployment ${name}: it is paused.`, {
      hint: `Resume it first: kubectl rollout resume deployment/${name} -n ${namespace}.`
    })
  const current = Number(d.metadata.annotations?.[REV] ?? 0)
  const sets = await ownedReplicaSets(client, d)
  const byRev = sets.map((rs) => ({ rs, rev: Number(rs.metadata.annotations?.[REV] ?? 0) }))
  const target = opts.toRevision ? byRev.find((x) => x.rev === opts.toRevision) : byRev.filter((x) => x.rev < current).sort((a, b) => b.rev - a.rev)[0]
  if (!target) {
    throw new GpushipError(
      opts.toRevision
        ? `Unable to find revision ${opts.toRevision} in the history of deployment ${name}.`
        : `No earlier revision of deployment ${name} to roll back to.`,
      {
        code: 'NoRolloutHistory',
        hint: 'This was the first rollout (or the history was pruned by revisionHistoryLimit); fix the image or manifests and roll out again.'
      }
    )
  }
  const template = withoutHash(target.rs.spec.template)
  const image = template.spec?.containers?.[0]?.image
  if (canon(template) === canon(withoutHash(d.spec.template)))
    return { rolledBack: false, fromRevision: String(current), toRevision: String(target.rev), image }
  const annotations: Record<string, string> = {}
  for (const k of SKIP) if (d.metadata.annotations?.[k] !== undefined) annotations[k] = d.metadata.annotations[k]
  for (const [k, v] of Object.entries(target.rs.metadata.annotations ?? {})) if (!SKIP.has(k)) annotations[k] = v as string
  const patch = [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations }
  ]
  const q = opts.fieldManager ? `?fieldManager=${encodeURIComponent(opts.fieldManager)}` : ''
  const res = await client.request('PATCH', `${deploymentPath(namespace, name)}${q}`, {
    body: JSON.stringify(patch),
    contentType: 'application/json-patch+json'
  })
  if (res.status !== 200) throw apiError('PATCH', deploymentPath(namespace, name), res)
  return { rolledBack: true, fromRevision: String(current), toRevision: String(target.rev), image }
}
