import { parseArn } from '@gpuship/core'
import type { TaggedResource } from './ports.js'

export type OrphanKind =
  | 'load-balancer'
  | 'target-group'
  | 'network-interface'
  | 'security-group'
  | 'volume'
  | 'instance'
  | 'ecr-repository'
  | 'iam-role'
  | 'oidc-provider'
  | 'log-group'
  | 'other'

export interface Orphan {
  kind: OrphanKind
  arn: string
  id: string
  /** Why it counts as the cluster's: the tag or name that matched. */
  matchedBy: string
  /** The command that deletes it; printed, never run by teardown. */
  deleteCommand: string
  /** True for what teardown keeps on purpose (images unless delete-images). */
  kept?: boolean
}

/** The tags that mark a resource as the cluster's: what EKS, its controllers and our modules set. */
export function clusterTagKeys(cluster: string): { key: string; value?: string }[] {
  return [
    { key: `kubernetes.io/cluster/${cluster}` },
    { key: 'eks:cluster-name', value: cluster },
    { key: 'elbv2.k8s.aws/cluster', value: cluster },
    { key: 'cluster.k8s.amazonaws.com/name', value: cluster },
    { key: 'karpenter.sh/discovery', value: cluster },
    { key: 'gpuship.io/cluster', value: cluster }
  ]
}

export function matchedTag(tags: Record<string, string>, cluster: string): string | undefined {
  for (const { key, value } of clusterTagKeys(cluster)) {
    if (key in tags && (value === undefined || tags[key] === value)) return value === undefined ? key : `${key}=${value}`
  }
  return undefined
}

/** Single-quotes a shell word unless it is plainly safe, so a printed command can be pasted as is. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

export function classify(resource: TaggedResource, matchedBy: string, region: string): Orphan {
  const { arn } = resource
  const parsed = parseArn(arn)
  const res = parsed?.resource ?? arn
  const r = `--region ${shellWord(parsed?.region || region)}`
  const tail = (prefix: string) => res.slice(prefix.length)
  if (res.startsWith('loadbalancer/')) return o('load-balancer', tail('loadbalancer/'), `aws elbv2 delete-load-balancer --load-balancer-arn ${shellWord(arn)} ${r}`)
  if (res.startsWith('targetgroup/')) return o('target-group', tail('targetgroup/'), `aws elbv2 delete-target-group --target-group-arn ${shellWord(arn)} ${r}`)
  if (res.startsWith('network-interface/')) return o('network-interface', tail('network-interface/'), `aws ec2 delete-network-interface --network-interface-id ${shellWord(tail('network-interface/'))} ${r}`)
  if (res.startsWith('security-group/')) return o('security-group', tail('security-group/'), `aws ec2 delete-security-group --group-id ${shellWord(tail('security-group/'))} ${r}`)
  if (res.startsWith('volume/')) return o('volume', tail('volume/'), `aws ec2 delete-volume --volume-id ${shellWord(tail('volume/'))} ${r}`)
  if (res.startsWith('instance/')) return o('instance', tail('instance/'), `aws ec2 terminate-instances --instance-ids ${shellWord(tail('instance/'))} ${r}`)
  if (parsed?.service === 'ecr' && res.startsWith('repository/')) return o('ecr-repository', tail('repository/'), `aws ecr delete-repository --repository-name ${shellWord(tail('repository/'))} --force ${r}`)
  if (parsed?.service === 'iam' && res.startsWith('role/')) {
    const name = res.split('/').pop() ?? res
    return o('iam-role', name, `aws iam list-attached-role-policies --role-name ${shellWord(name)}  # detach each, then: aws iam delete-role --role-name ${shellWord(name)}`)
  }
  if (parsed?.service === 'iam' && res.startsWith('oidc-provider/')) return o('oidc-provider', tail('oidc-provider/'), `aws iam delete-open-id-connect-provider --open-id-connect-provider-arn ${shellWord(arn)}`)
  if (parsed?.service === 'logs' && res.startsWith('log-group:')) {
    const name = tail('log-group:').replace(/:\*$/, '')
    return o('log-group', name, `aws logs delete-log-group --log-group-name ${shellWord(name)} ${r}`)
  }
  return o('other', res, `aws resourcegroupstaggingapi get-resources --resource-arn-list ${shellWord(arn)} ${r}  # then delete it with its service's CLI`)

  function o(kind: OrphanKind, id: string, deleteCommand: string): Orphan {
    return { kind, arn, id, matchedBy, deleteCommand }
  }
}

/** Turns what the scan found into orphans, keeping ECR repositories unless images are to go. */
export function toOrphans(resources: TaggedResource[], cluster: string, region: string, deleteImages: boolean): Orphan[] {
  const seen = new Set<string>()
  const out: Orphan[] = []
  for (const r of resources) {
    if (seen.has(r.arn)) continue
    seen.add(r.arn)
    const matched = matchedTag(r.tags, cluster) ?? r.matchedBy
    if (!matched) continue // never report, let alone touch, what the cluster's tags or names do not claim
    const orphan = classify(r, matched, region)
    if (orphan.kind === 'ecr-repository' && !deleteImages) orphan.kept = true
    out.push(orphan)
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
}
