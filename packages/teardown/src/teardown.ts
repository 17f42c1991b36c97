import { defaultSleep, formatDuration, GpushipError, progressTicker, type Logger } from '@gpuship/core'
import { toOrphans, type Orphan } from './orphans.js'
import type { AwsTeardownPort, KubeObjectRef, KubeTeardownPort, LoadBalancer, TerraformTeardownPort } from './ports.js'
import { planStateRecovery, type StateRecovery } from './state-recovery.js'

export interface TeardownOptions {
  clusterName: string
  region: string
  /** Must repeat the cluster name exactly: a typed confirmation, as GitHub asks before deleting a repository. */
  confirm: string
  deleteImages?: boolean
  /** Forget the cluster's addresses (state rm) when the cluster was deleted by hand, then go on. */
  forgetUnreachable?: boolean
  loadBalancerTimeoutMs?: number
  nodeTimeoutMs?: number
  pollMs?: number
  aws: AwsTeardownPort
  /** Absent when no kubeconfig can be had (the cluster is gone). */
  kube?: KubeTeardownPort
  terraform: TerraformTeardownPort
  log: Logger
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export type StepStatus = 'done' | 'skipped' | 'failed'

export interface StepRecord {
  id: 'load-balancers' | 'node-capacity' | 'destroy' | 'orphan-scan' | 'state-recovery'
  title: string
  status: StepStatus
  durationMs: number
  details: string[]
}

export interface TeardownReport {
  cluster: string
  region: string
  outcome: 'clean' | 'leftovers' | 'recovery-needed' | 'failed'
  steps: StepRecord[]
  /** Kubernetes objects deleted and node groups scaled, in order. */
  deleted: string[]
  leftovers: Orphan[]
  kept: Orphan[]
  recovery?: StateRecovery
  error?: string
}

export function checkConfirmation(clusterName: string, confirm: string): void {
  if (confirm !== clusterName) {
    throw new GpushipError(
      confirm.trim() === ''
        ? `Refusing to tear down cluster '${clusterName}': input confirm is empty.`
        : `Refusing to tear down cluster '${clusterName}': input confirm is '${confirm}', which is not the cluster name.`,
      { input: 'confirm', hint: `Type the cluster name exactly to confirm: confirm: ${clusterName}` }
    )
  }
}

/**
 * Tears a cluster down in the order that leaves nothing behind. Load balancers go first because
 * their ENIs and security groups sit in the VPC's subnets and block its deletion; Karpenter's
 * nodes go before destroy because they are not in state and would outlive their controller.
 */
export async function teardown(opts: TeardownOptions): Promise<TeardownReport> {
  checkConfirmation(opts.clusterName, opts.confirm)
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? defaultSleep
  const pollMs = opts.pollMs ?? 5000
  const report: TeardownReport = { cluster: opts.clusterName, region: opts.region, outcome: 'clean', steps: [], deleted: [], leftovers: [], kept: [] }
  const { log } = opts

  async function step(id: StepRecord['id'], title: string, fn: (details: string[]) => Promise<StepStatus>): Promise<StepStatus> {
    const started = now()
    const details: string[] = []
    log.startGroup(title)
    try {
      const status = await fn(details)
      report.steps.push({ id, title, status, durationMs: now() - started, details })
      return status
    } catch (err) {
      report.steps.push({ id, title, status: 'failed', durationMs: now() - started, details: [...details, err instanceof Error ? err.message : String(err)] })
      throw err
    } finally {
      log.info(`${title}: ${formatDuration(now() - started)}`)
      log.endGroup()
    }
  }

  try {
    const cluster = await opts.aws.describeCluster(opts.clusterName)
    if (!cluster) {
      const addresses = await opts.terraform.stateList()
      const recovery = planStateRecovery(addresses)
      if (recovery.unreachable.length) {
        report.recovery = recovery
        const status = await step('state-recovery', 'Cluster deleted outside Terraform', async (details) => {
          details.push(`Cluster '${opts.clusterName}' does not exist in ${opts.region}, but state still holds ${recovery.unreachable.length} address(es) that live in it.`)
          if (!opts.forgetUnreachable) return 'skipped'
          await opts.terraform.stateRemove(recovery.unreachable)
          details.push(`Removed from state: ${recovery.unreachable.join(', ')}`)
          return 'done'
        })
        if (status === 'skipped') {
          report.outcome = 'recovery-needed'
          return report
        }
      }
    } else {
      await step('load-balancers', 'Delete load balancers (Services and Ingresses)', (d) => deleteLoadBalancers(opts, report, d, { now, sleep, pollMs }))
      await step('node-capacity', 'Scale GPU capacity to zero', (d) => scaleToZero(opts, report, d, { now, sleep, pollMs }))
    }

    await step('destroy', 'terraform destroy', async (details) => {
      const { destroyed } = await opts.terraform.destroy()
      details.push(`${destroyed} resource(s) destroyed`)
      return 'done'
    })

    await step('orphan-scan', 'Scan for leftovers', async (details) => {
      const found = toOrphans(await opts.aws.findClusterResources(opts.clusterName), opts.clusterName, opts.region, opts.deleteImages ?? false)
      for (const o of found) {
        if (o.kind === 'ecr-repository' && opts.deleteImages) {
          await opts.aws.deleteRepository(o.id)
          report.deleted.push(`ECR repository ${o.id}`)
          details.push(`deleted ECR repository ${o.id} (delete-images: true)`)
        } else if (o.kept) report.kept.push(o)
        else report.leftovers.push(o)
      }
      details.push(`${report.leftovers.length} leftover(s), ${report.kept.length} kept`)
      return 'done'
    })
    report.outcome = report.leftovers.length ? 'leftovers' : 'clean'
  } catch (err) {
    report.outcome = 'failed'
    report.error = err instanceof Error ? err.message : String(err)
    if (err instanceof GpushipError && err.hint) report.error += `\nFix: ${err.hint}`
  }
  return report
}

interface Clock {
  now: () => number
  sleep: (ms: number) => Promise<void>
  pollMs: number
}

async function deleteLoadBalancers(opts: TeardownOptions, report: TeardownReport, details: string[], clock: Clock): Promise<StepStatus> {
  const before = await opts.aws.listClusterLoadBalancers(opts.clusterName)
  const objects = opts.kube ? await opts.kube.listLoadBalancerObjects() : []
  if (!opts.kube) details.push('No Kubernetes access: load balancers can only be waited for, not released.')
  for (const ref of objects) {
    await opts.kube!.deleteObject(ref)
    const name = `${ref.kind} ${ref.namespace}/${ref.name}`
    report.deleted.push(name)
    details.push(`deleted ${name}${ref.hostname ? ` (${ref.hostname})` : ''}`)
  }
  if (objects.length === 0 && before.length === 0) return 'skipped'
  const deadline = clock.now() + (opts.loadBalancerTimeoutMs ?? 10 * 60_000)
  const tick = progressTicker(opts.log, 15_000, clock.now)
  // Poll soon at first (a controller often deletes within seconds), then settle at pollMs.
  let poll = Math.min(1000, clock.pollMs)
  const nextPoll = () => {
    const p = poll
    poll = Math.min(clock.pollMs, poll * 2)
    return p
  }
  for (;;) {
    const lbs = await opts.aws.listClusterLoadBalancers(opts.clusterName)
    const enis = await opts.aws.listLoadBalancerEnis([...before, ...lbs])
    if (lbs.length === 0 && enis.length === 0) {
      details.push(`${before.length} load balancer(s) and their network interfaces are gone`)
      return 'done'
    }
    if (clock.now() >= deadline) throw stillThere(lbs, enis, opts.region)
    tick(`waiting for ${lbs.length} load balancer(s) and ${enis.length} network interface(s) to go: ${lbs.map((l) => l.name).join(', ')}`)
    await clock.sleep(nextPoll())
  }
}

function stillThere(lbs: LoadBalancer[], enis: string[], region: string): GpushipError {
  const cmds = [
    ...lbs.map((l) => `aws elbv2 delete-load-balancer --load-balancer-arn ${l.arn} --region ${region}`),
    ...enis.map((e) => `aws ec2 delete-network-interface --network-interface-id ${e} --region ${region}`)
  ]
  return new GpushipError(
    `Load balancers of the cluster are still there after their Services and Ingresses were deleted: ${lbs.map((l) => l.name).join(', ') || 'none'}; network interfaces: ${enis.join(', ') || 'none'}. terraform destroy was not run, because the VPC cannot be deleted while they exist.`,
    { hint: `Check that the AWS Load Balancer Controller is running (it deletes them), or delete them by hand:\n${cmds.join('\n')}` }
  )
}

async function scaleToZero(opts: TeardownOptions, report: TeardownReport, details: string[], clock: Clock): Promise<StepStatus> {
  let acted = false
  const pools: KubeObjectRef[] = opts.kube ? await opts.kube.listNodePools() : []
  for (const pool of pools) {
    await opts.kube!.deleteObject(pool)
    report.deleted.push(`NodePool ${pool.name}`)
    details.push(`deleted NodePool ${pool.name}`)
    acted = true
  }
  for (const ng of await opts.aws.listNodegroups(opts.clusterName)) {
    await opts.aws.scaleNodegroupToZero(opts.clusterName, ng)
    report.deleted.push(`node group ${ng} scaled to 0`)
    details.push(`scaled node group ${ng} to 0`)
    acted = true
  }
  if (opts.kube && pools.length) {
    const deadline = clock.now() + (opts.nodeTimeoutMs ?? 10 * 60_000)
    const tick = progressTicker(opts.log, 15_000, clock.now)
    for (;;) {
      const left = await opts.kube.countKarpenterNodes()
      if (left === 0) break
      if (clock.now() >= deadline) {
        throw new GpushipError(`${left} Karpenter node(s) are still running after their NodePools were deleted; destroying the controller now would leave them running and billing.`, {
          hint: 'Check the Karpenter controller logs (kubectl logs -n karpenter deploy/karpenter), or terminate the instances tagged karpenter.sh/nodepool by hand, then run teardown again.'
        })
      }
      tick(`waiting for ${left} Karpenter node(s) to terminate`)
      await clock.sleep(clock.pollMs)
    }
    details.push('Karpenter nodes terminated')
  }
  return acted ? 'done' : 'skipped'
}
