import type { AwsHandler, AwsRequest, AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { jsonResponse, type AwsResponse } from './protocol.js'
import { ext, type AwsState, type Cluster } from './state.js'
import { registerEks } from './eks.js'

/** DescribeNodegroup's `nodegroup`, as the EKS API returns it (camelCase JSON, epoch-second dates). */
export interface Nodegroup {
  nodegroupName: string
  nodegroupArn?: string
  clusterName?: string
  version: string
  releaseVersion: string
  status: 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'CREATE_FAILED' | 'DELETE_FAILED' | 'DEGRADED'
  capacityType: 'ON_DEMAND' | 'SPOT'
  scalingConfig: { minSize: number; maxSize: number; desiredSize: number }
  instanceTypes: string[]
  subnets: string[]
  amiType: string
  nodeRole: string
  labels?: Record<string, string>
  taints?: { key: string; value?: string; effect: 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE' }[]
  resources: { autoScalingGroups: { name: string }[]; remoteAccessSecurityGroup?: string }
  health: { issues: { code: string; message: string; resourceIds: string[] }[] }
}

export interface Addon {
  addonName: string
  addonVersion: string
  status: 'CREATING' | 'ACTIVE' | 'CREATE_FAILED' | 'UPDATING' | 'DELETING' | 'DELETE_FAILED' | 'DEGRADED' | 'UPDATE_FAILED'
  serviceAccountRoleArn?: string
  health: { issues: { code: string; message: string; resourceIds: string[] }[] }
}

/** What DescribeCluster reports beyond the identity owner's Cluster: VPC, auth mode, health. */
export interface ClusterDetails {
  resourcesVpcConfig?: {
    subnetIds: string[]
    securityGroupIds: string[]
    clusterSecurityGroupId: string
    vpcId: string
    endpointPublicAccess: boolean
    endpointPrivateAccess: boolean
    publicAccessCidrs: string[]
  }
  accessConfig?: { authenticationMode: 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP' }
  health?: { issues: { code: string; message: string; resourceIds: string[] }[] }
  logging?: { clusterLogging: { types: string[]; enabled: boolean }[] }
}

export interface EksClusterWorld {
  details: ClusterDetails
  nodegroups: Map<string, Nodegroup>
  addons: Map<string, Addon>
  /** Access entry type and associated access policies, keyed by principal ARN (username/groups live on Cluster.accessEntries). */
  entries: Map<string, { type: 'STANDARD' | 'EC2_LINUX' | 'EC2_WINDOWS' | 'FARGATE_LINUX'; policies: string[] }>
}

export function eksClusterWorld(state: AwsState, region: string, cluster: string): EksClusterWorld {
  const all = ext(state, 'eks-nodegroups', () => new Map<string, EksClusterWorld>())
  const key = `${region}/${cluster}`
  if (!all.has(key)) all.set(key, { details: {}, nodegroups: new Map(), addons: new Map(), entries: new Map() })
  return all.get(key) as EksClusterWorld
}

const epoch = (d: Date) => d.getTime() / 1000

function notFound(what: string): AwsError {
  return new AwsError('ResourceNotFoundException', what, 404)
}

/** The node group, add-on and access-entry reads, as a pure function of the request and state. */
export function handleEksNodegroups(
  req: Pick<AwsRequest, 'method' | 'rawPath' | 'region' | 'caller'>,
  state: AwsState,
  cluster: Cluster
): AwsResponse | undefined {
  const seg = req.rawPath.split('/').slice(1).map(decodeURIComponent)
  if (seg[0] !== 'clusters' || seg.length < 3 || req.method !== 'GET') return undefined
  const w = eksClusterWorld(state, req.region, cluster.name)
  const [, , kind, item, sub] = seg
  const arn = (type: string, name: string) => `arn:${state.partition}:eks:${cluster.region}:${cluster.account}:${type}/${cluster.name}/${name}`
  if (kind === 'node-groups' && !item) return jsonResponse({ nodegroups: [...w.nodegroups.keys()].sort() })
  if (kind === 'node-groups') {
    const n = w.nodegroups.get(item)
    if (!n) throw notFound(`No node group found for name: ${item}.`)
    return jsonResponse({
      nodegroup: {
        nodegroupArn: arn('nodegroup', `${item}/00000000-0000-0000-0000-000000000000`),
        clusterName: cluster.name,
        createdAt: epoch(cluster.createdAt),
        modifiedAt: epoch(cluster.createdAt),
        diskSize: 20,
        ...n
      }
    })
  }
  if (kind === 'addons' && !item) return jsonResponse({ addons: [...w.addons.keys()].sort() })
  if (kind === 'addons') {
    const a = w.addons.get(item)
    if (!a) throw notFound(`No addon: ${item} found in cluster: ${cluster.name}`)
    return jsonResponse({
      addon: {
        clusterName: cluster.name,
        addonArn: arn('addon', `${item}/00000000`),
        createdAt: epoch(cluster.createdAt),
        modifiedAt: epoch(cluster.createdAt),
        ...a
      }
    })
  }
  if (kind === 'access-entries' && !item) return jsonResponse({ accessEntries: [...cluster.accessEntries.keys()].sort() })
  if (kind === 'access-entries') {
    const e = cluster.accessEntries.get(item)
    if (!e) throw notFound(`The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`)
    const extra = w.entries.get(item) ?? { type: 'STANDARD', policies: [] }
    if (sub === 'access-policies') {
      return jsonResponse({
        clusterName: cluster.name,
        principalArn: item,
        associatedAccessPolicies: extra.policies.map((policyArn) => ({
          policyArn,
          accessScope: { type: 'cluster', namespaces: [] },
          associatedAt: epoch(cluster.createdAt),
          modifiedAt: epoch(cluster.createdAt)
        }))
      })
    }
    if (sub) return undefined
    // EKS reports no groups for EC2_LINUX entries: the node identity comes from the type.
    return jsonResponse({
      accessEntry: {
        clusterName: cluster.name,
        principalArn: item,
        kubernetesGroups: extra.type === 'STANDARD' ? e.groups : [],
        accessEntryArn: arn('access-entry', item.split('/').pop() ?? item),
        createdAt: epoch(cluster.createdAt),
        modifiedAt: epoch(cluster.createdAt),
        tags: {},
        username: e.username,
        type: extra.type
      }
    })
  }
  return undefined
}

/**
 * Adds node groups, add-ons and access entries to the identity owner's EKS service, which owns
 * the `eks` signing name: its handler is captured and called for everything else, and its
 * DescribeCluster answer gains the VPC config, auth mode, health and logging this world records.
 */
export function registerEksNodegroups(sim: AwsSimulator): void {
  let base: AwsHandler | undefined
  const capture = new Proxy(sim, { get: (t, p) => (p === 'register' ? (_s: string, h: AwsHandler) => void (base = h) : Reflect.get(t, p)) })
  registerEks(capture)
  sim.register(
    'eks',
    async (req) => {
      const name = decodeURIComponent(req.rawPath.split('/')[2] ?? '')
      const cluster = name ? sim.getCluster(req.region, name) : undefined
      if (cluster && cluster.account === req.caller?.account) {
        const update = updateNodegroupConfig(req, sim.state, cluster)
        if (update) return update
        const mine = handleEksNodegroups(req, sim.state, cluster)
        if (mine) return mine
      }
      const res = await (base as AwsHandler)(req)
      if (cluster && req.method === 'GET' && /^\/clusters\/[^/]+$/.test(req.rawPath) && res.status === 200) {
        const body = JSON.parse(String(res.body)) as { cluster: Record<string, unknown> }
        const d = eksClusterWorld(sim.state, req.region, cluster.name).details
        body.cluster = {
          ...body.cluster,
          ...(d.resourcesVpcConfig && { resourcesVpcConfig: d.resourcesVpcConfig }),
          ...(d.accessConfig && { accessConfig: d.accessConfig }),
          ...(d.health && { health: d.health }),
          ...(d.logging && { logging: d.logging })
        }
        return { ...res, body: JSON.stringify(body) }
      }
      return res
    },
    { protocol: 'rest-json' }
  )
}

/**
 * UpdateNodegroupConfig (POST …/node-groups/NAME/update-config), the one write here: teardown
 * scales node groups to zero. The simulated node group takes the new size at once.
 */
export function updateNodegroupConfig(req: Pick<AwsRequest, 'method' | 'rawPath' | 'region' | 'json'>, state: AwsState, cluster: Cluster): AwsResponse | undefined {
  const seg = req.rawPath.split('/').slice(1).map(decodeURIComponent)
  if (req.method !== 'POST' || seg[0] !== 'clusters' || seg[2] !== 'node-groups' || seg[4] !== 'update-config') return undefined
  const n = eksClusterWorld(state, req.region, cluster.name).nodegroups.get(seg[3])
  if (!n) throw notFound(`No node group found for name: ${seg[3]}.`)
  const body = (req.json ?? {}) as { scalingConfig?: Partial<Nodegroup['scalingConfig']> }
  const next = { ...n.scalingConfig, ...body.scalingConfig }
  if (next.maxSize < 1 || next.minSize < 0 || next.desiredSize < next.minSize || next.desiredSize > next.maxSize) {
    throw new AwsError('InvalidParameterException', `Invalid scaling config: minSize ${next.minSize}, maxSize ${next.maxSize}, desiredSize ${next.desiredSize}. maxSize must be at least 1 and desiredSize between minSize and maxSize.`, 400)
  }
  n.scalingConfig = next
  return jsonResponse({
    update: {
      id: `upd-${seg[3]}-${next.desiredSize}`,
      status: 'InProgress',
      type: 'ConfigUpdate',
      params: Object.entries(body.scalingConfig ?? {}).map(([k, v]) => ({ type: k[0].toUpperCase() + k.slice(1), value: String(v) })),
      createdAt: Date.now() / 1000,
      errors: []
    }
  })
}
