import type { Logger } from '@gpuship/core'
import { silentLogger } from '@gpuship/core'
import type { AuthenticatorDenial, AwsEvidence, Evidence, KubeEvidence, RoleEvidence } from './evidence.js'
import type { AwsReader, KubeReader } from './readers.js'

export interface CollectOptions {
  aws: AwsReader
  kube: KubeReader
  clusterName: string
  /** Namespaces whose pods, events, service accounts and ingresses are read; empty = all. */
  namespaces?: string[]
  now?: () => Date
  log?: Logger
}

function message(err: unknown): string {
  const e = err as { name?: string; message?: string; Code?: string }
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}`
}

/**
 * Reads everything the rules need. DescribeCluster must succeed (nothing is known without it);
 * every other read that fails is recorded in readErrors and leaves its evidence empty, so one
 * missing permission costs one rule, not the report.
 */
export async function collectEvidence(opts: CollectOptions): Promise<Evidence> {
  const log = opts.log ?? silentLogger
  const now = opts.now ?? (() => new Date())
  const readErrors: Evidence['readErrors'] = []
  const calls: string[] = []
  const namespaces = opts.namespaces ?? []
  async function read<T>(call: string, fn: () => Promise<T>, fallback: T): Promise<T> {
    calls.push(call)
    try {
      return await fn()
    } catch (err) {
      log.debug(`${call} failed: ${message(err)}`)
      readErrors.push({ call, error: message(err) })
      return fallback
    }
  }
  const a = opts.aws
  const name = opts.clusterName
  calls.push('eks:DescribeCluster')
  const cluster = await a.describeCluster(name)
  const vpc = cluster.vpcId ?? ''

  const [ngNames, addonNames, entryArns, subnets, routeTables, vpcAttributes, vpcEndpoints, instances, oidcProviders, loadBalancers] = await Promise.all([
    read('eks:ListNodegroups', () => a.listNodegroups(name), [] as string[]),
    read('eks:ListAddons', () => a.listAddons(name), [] as string[]),
    cluster.authenticationMode === 'CONFIG_MAP'
      ? Promise.resolve(undefined)
      : read('eks:ListAccessEntries', () => a.listAccessEntries(name), undefined as string[] | undefined),
    vpc ? read('ec2:DescribeSubnets', () => a.describeSubnets(vpc), []) : [],
    vpc ? read('ec2:DescribeRouteTables', () => a.describeRouteTables(vpc), []) : [],
    vpc ? read('ec2:DescribeVpcAttribute', () => a.describeVpcAttributes(vpc), undefined) : undefined,
    vpc ? read('ec2:DescribeVpcEndpoints', () => a.describeVpcEndpoints(vpc), []) : [],
    read('ec2:DescribeInstances', () => a.describeClusterInstances(name), []),
    read('iam:ListOpenIDConnectProviders', () => a.listOidcProviders(), undefined),
    vpc ? read('elasticloadbalancing:DescribeLoadBalancers', () => a.describeLoadBalancers(vpc), []) : []
  ])
  const [nodegroups, addons, accessEntries] = await Promise.all([
    Promise.all(ngNames.map((n) => read('eks:DescribeNodegroup', () => a.describeNodegroup(name, n), undefined))),
    Promise.all(addonNames.map((n) => read('eks:DescribeAddon', () => a.describeAddon(name, n), undefined))),
    entryArns ? Promise.all(entryArns.map((p) => read('eks:DescribeAccessEntry', () => a.describeAccessEntry(name, p), undefined))) : undefined
  ])
  const ngs = nodegroups.filter((x) => x !== undefined)

  const kube = await collectKube(opts.kube, namespaces, read)
  const kubeError = kube instanceof Error ? kube.message : undefined
  const k = kube instanceof Error ? undefined : kube

  const sgIds = [
    ...new Set(
      [cluster.clusterSecurityGroupId, ...cluster.securityGroupIds, ...instances.flatMap((i) => i.securityGroupIds)].filter((x): x is string => Boolean(x))
    )
  ]
  const nodeSubnets = [...new Set(ngs.flatMap((n) => n.subnets).concat(ngs.length ? [] : cluster.subnetIds))]
  const roleArns = new Set<string>([
    cluster.roleArn,
    ...ngs.map((n) => n.nodeRole),
    ...(k?.serviceAccounts ?? []).map((s) => s.roleArn).filter((x): x is string => Boolean(x))
  ])
  const [securityGroups, networkInterfaces, scalingActivities, roles] = await Promise.all([
    sgIds.length ? read('ec2:DescribeSecurityGroups', () => a.describeSecurityGroups(sgIds), []) : [],
    nodeSubnets.length ? read('ec2:DescribeNetworkInterfaces', () => a.describeNetworkInterfaces(nodeSubnets), []) : [],
    read('autoscaling:DescribeScalingActivities', () => a.describeScalingActivities([...new Set(ngs.flatMap((n) => n.asgNames))]), []),
    Promise.all([...roleArns].filter(Boolean).map((arn) => read('iam:GetRole', () => a.getRole(arn), undefined)))
  ])
  const authenticatorDenials = cluster.logTypes?.includes('authenticator')
    ? await read('logs:FilterLogEvents', async () => groupDenials(await a.authenticatorDenials(name, now().getTime() - AUTHENTICATOR_WINDOW_MS)), undefined)
    : undefined
  const roleMap: Record<string, RoleEvidence> = {}
  for (const r of roles) if (r) roleMap[r.arn] = r

  const aws: AwsEvidence = {
    cluster,
    region: a.region,
    nodegroups: ngs,
    addons: addons.filter((x) => x !== undefined),
    accessEntries: accessEntries?.filter((x) => x !== undefined),
    roles: roleMap,
    oidcProviders,
    subnets,
    routeTables,
    vpcAttributes,
    vpcEndpoints,
    instances,
    securityGroups,
    networkInterfaces,
    scalingActivities,
    loadBalancers,
    authenticatorDenials
  }
  return { readAt: now().toISOString(), aws, kube: k, kubeError, calls, readErrors }
}

/** How far back the authenticator log is read: recent enough to be the current state. */
export const AUTHENTICATOR_WINDOW_MS = 60 * 60_000

/** aws-iam-authenticator lines: `level=warning msg="access denied" arn="…" … error="ARN is not mapped"`. */
export function groupDenials(lines: { timestamp: number; message: string }[]): AuthenticatorDenial[] {
  const by = new Map<string, AuthenticatorDenial>()
  for (const l of lines) {
    if (!/access denied/.test(l.message)) continue
    const arn = /\barn="([^"]+)"/.exec(l.message)?.[1] ?? '(no arn)'
    const error = /\berror="([^"]+)"/.exec(l.message)?.[1] ?? ''
    const at = new Date(l.timestamp).toISOString()
    const d = by.get(arn) ?? { arn, error, count: 0, lastSeen: at, sample: l.message.slice(0, 500) }
    d.count++
    if (at >= d.lastSeen) Object.assign(d, { lastSeen: at, error: error || d.error, sample: l.message.slice(0, 500) })
    by.set(arn, d)
  }
  return [...by.values()].sort((x, y) => y.count - x.count)
}

type Read = <T>(call: string, fn: () => Promise<T>, fallback: T) => Promise<T>

async function collectKube(r: KubeReader, namespaces: string[], read: Read): Promise<KubeEvidence | Error> {
  let serverVersion: string
  try {
    serverVersion = await r.version()
  } catch (err) {
    return new Error(message(err))
  }
  // kube-system always: the networking trinity, the device plugin and aws-auth live there.
  const ns = namespaces.length ? [...new Set([...namespaces, 'kube-system'])] : []
  const [nodes, pods, events, workloads, serviceAccounts, ingresses, services, awsAuth] = await Promise.all([
    read('k8s:LIST nodes', () => r.nodes(), []),
    read('k8s:LIST pods', () => r.pods(ns), []),
    read('k8s:LIST events', () => r.events(ns), []),
    read('k8s:LIST daemonsets,deployments', () => r.workloads(), []),
    read('k8s:LIST serviceaccounts', () => r.serviceAccounts(ns), []),
    read('k8s:LIST ingresses', () => r.ingresses(ns), []),
    read('k8s:LIST services', () => r.services(ns), []),
    read('k8s:GET configmaps/aws-auth', () => r.awsAuth(), undefined)
  ])
  return { serverVersion, nodes, pods, events, workloads, serviceAccounts, ingresses, services, awsAuth }
}
