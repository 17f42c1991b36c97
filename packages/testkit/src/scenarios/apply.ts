import type { AwsSimulator } from '../aws/server.js'
import type { AccessKey } from '../aws/state.js'
import { ec2World } from '../aws/ec2-state.js'
import { attachedPolicies } from '../aws/iam.js'
import { autoScalingWorld } from '../aws/autoscaling.js'
import { loadBalancers } from '../aws/elb.js'
import { eksClusterWorld } from '../aws/eks-nodegroups.js'
import { logsWorld } from '../aws/logs.js'
import type { KubeSimulator } from '../kube/simulator.js'
import type { KObject } from '../kube/store.js'
import { OIDC_HOST, type World } from './world.js'
import { scenarioWorld } from './catalog.js'

export interface AppliedScenario {
  name: string
  world: World
  clusterName: string
  region: string
  account: string
  /** An IAM user of the account, for SDK clients and awscli (`aws.env(credentials)`). */
  credentials: AccessKey
}

/** Writes a world's AWS side into the simulator's state. */
export function applyAwsWorld(aws: AwsSimulator, w: World['aws'], opts: { endpoint?: string; caData?: string } = {}): AccessKey {
  const now = aws.now().getTime()
  for (const r of w.roles) {
    const role = aws.createRole({ account: w.account, name: r.name, trustPolicy: r.trustPolicy })
    attachedPolicies(aws.state).set(role.arn, [...r.attached])
  }
  if (w.oidc) aws.addOidcProvider({ account: w.account, issuer: `https://${OIDC_HOST}`, clientIds: w.oidcClientIds, jwksUri: `https://${OIDC_HOST}/keys` })
  const c = w.cluster
  const cluster = aws.createCluster({
    name: c.name,
    account: w.account,
    region: w.region,
    version: c.version,
    status: c.status,
    roleArn: `arn:aws:iam::${w.account}:role/${c.roleName}`,
    oidcIssuer: `https://${OIDC_HOST}`,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...((c.certificateAuthority ?? opts.caData) ? { certificateAuthority: c.certificateAuthority ?? opts.caData } : {})
  })
  const eks = eksClusterWorld(aws.state, w.region, c.name)
  eks.details = c.details
  for (const n of w.nodegroups) eks.nodegroups.set(n.nodegroupName, n)
  for (const a of w.addons) eks.addons.set(a.addonName, a)
  for (const e of w.accessEntries) {
    const arn = `arn:aws:iam::${w.account}:role/${e.principalName}`
    cluster.accessEntries.set(arn, { username: e.username, groups: e.groups })
    eks.entries.set(arn, { type: e.type, policies: e.policies })
  }
  const ec2 = ec2World(aws.state)
  ec2.vpcs.set(w.vpc.vpcId, w.vpc)
  ec2.subnets.push(...w.subnets)
  ec2.routeTables.push(...w.routeTables)
  ec2.vpcEndpoints.push(...w.vpcEndpoints)
  ec2.instances.push(...w.instances.map(({ launchedMinutesAgo, ...i }) => ({ ...i, launchTime: new Date(now - launchedMinutesAgo * 60_000).toISOString() })))
  ec2.securityGroups.push(...w.securityGroups)
  ec2.networkInterfaces.push(...w.networkInterfaces)
  const asg = autoScalingWorld(aws.state)
  for (const g of w.asgs) asg.groups.set(g.AutoScalingGroupName, g)
  asg.activities.push(
    ...w.activities.map(({ minutesAgo, ...a }) => ({
      ...a,
      StartTime: new Date(now - minutesAgo * 60_000),
      EndTime: new Date(now - minutesAgo * 60_000 + 30_000)
    }))
  )
  const group = new Map(
    Object.entries(w.controlPlaneLogs).map(([stream, lines]) => [stream, lines.map((l) => ({ timestamp: now - l.minutesAgo * 60_000, message: l.message }))])
  )
  logsWorld(aws.state).set(`/aws/eks/${c.name}/cluster`, group)
  loadBalancers(aws.state).push(...w.loadBalancers.map((lb) => ({ ...lb, CreatedTime: new Date(now - 3_600_000) })))
  return aws.createUser({ account: w.account, name: 'doctor' })
}

/** Writes a world's Kubernetes side into the simulator; the simulator's controllers then run it. */
export function applyKubeWorld(kube: KubeSimulator, w: World['kube']): void {
  for (const image of w.neverReady) kube.scenario.neverReady(image)
  for (const n of w.nodes) kube.scenario.addNode(n)
  for (const { plural, obj } of w.objects) {
    if (plural === 'namespaces' && kube.store.get('namespaces', undefined, obj.metadata.name)) continue
    kube.store.create(plural, structuredClone(obj))
  }
  kube.scenario.devicePlugin(w.devicePlugin)
  if (w.unreachable) kube.faults.failNext({ path: /.*/, status: 503, count: 1_000_000, message: 'the server is currently unable to handle the request' })
}

/** Waits until the controllers have settled the world: workloads rolled out, expected pods reported unschedulable. */
export async function settleKube(kube: KubeSimulator, w: World['kube'], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const ready = (): boolean => {
    const pods = kube.store.list('pods')
    const events = kube.store.list('events')
    for (const want of w.expectPending) {
      const [ns, prefix] = want.split('/')
      const pod = pods.find((p) => p.metadata.namespace === ns && p.metadata.name.startsWith(prefix))
      if (!pod || !events.some((e) => e.reason === 'FailedScheduling' && e.involvedObject?.name === pod.metadata.name)) return false
    }
    const pendingOk = (p: KObject) => w.expectPending.some((x) => `${p.metadata.namespace}/${p.metadata.name}`.startsWith(x))
    if (
      pods.some(
        (p) => p.status?.phase !== 'Running' && !pendingOk(p) && !(p.spec?.containers ?? []).some((c: { image: string }) => w.neverReady.includes(c.image))
      )
    )
      return false
    for (const d of kube.store.list('daemonsets')) {
      const s = d.status ?? {}
      const stuck = (d.spec?.template?.spec?.containers ?? []).some((c: { image: string }) => w.neverReady.includes(c.image))
      if (s.desiredNumberScheduled === undefined || (!stuck && s.numberReady !== s.desiredNumberScheduled)) return false
    }
    for (const d of kube.store.list('deployments')) {
      const blocked = pods.some((p) => pendingOk(p) && p.metadata.name.startsWith(`${d.metadata.name}-`))
      if (!blocked && (d.status?.readyReplicas ?? 0) < (d.spec?.replicas ?? 1)) return false
    }
    if (w.devicePlugin) {
      const gpuNodes = kube.store.list('nodes').filter((n) => n.metadata.labels?.['nvidia.com/gpu.present'] === 'true')
      if (gpuNodes.some((n) => !n.status?.allocatable?.['nvidia.com/gpu'])) return false
    }
    return true
  }
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`Kubernetes simulator did not settle in ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/**
 * Puts a named broken-cluster scenario into the simulators, for the doctor's tests and the
 * sandbox: `await applyScenario('node-role-missing-cni', { aws, kube })`. Without `kube`, only
 * the AWS side is written. The cluster's endpoint and CA are the Kubernetes simulator's.
 */
export async function applyScenario(name: string, sims: { aws: AwsSimulator; kube?: KubeSimulator; settleTimeoutMs?: number }): Promise<AppliedScenario> {
  const world = scenarioWorld(name)
  const credentials = applyAwsWorld(sims.aws, world.aws, sims.kube ? { endpoint: sims.kube.url, caData: sims.kube.caData } : {})
  if (sims.kube) {
    applyKubeWorld(sims.kube, world.kube)
    if (!world.kube.unreachable) await settleKube(sims.kube, world.kube, sims.settleTimeoutMs)
  }
  return { name, world, clusterName: world.aws.cluster.name, region: world.aws.region, account: world.aws.account, credentials }
}
