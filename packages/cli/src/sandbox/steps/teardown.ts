/**
 * The clean-slate step: `eks-teardown` after the deploy. Load balancers go through Kubernetes,
 * GPU capacity to zero, destroy through the stand-in, then the orphan scan. The orphan story seeds
 * a load balancer no Service owns (its controller is long gone), so nothing releases it: teardown
 * must stop before destroy and name it with its delete command.
 */
import type { AwsSimulator } from '@gpuship/testkit'
import type { JobState, SandboxStep, StepRun } from '../step.js'
import type { AwsHandle } from '../world/identity.js'
import type { TerraformHandle } from '../world/terraform.js'
import { firstError, runRepoAction } from './run-action.js'

/**
 * The AWS provider's part of a destroy that the stand-in cannot play: when the destroy is applied
 * (the stand-in's state goes empty), the cluster's control-plane log group, which the eks module
 * manages, is gone. Watching the control file reacts as soon as the stand-in writes it, before
 * the orphan scan that follows.
 */
async function playProviderDestroy(job: JobState, sim: AwsSimulator, tf: TerraformHandle): Promise<() => void> {
  const { watch } = await import('node:fs')
  const { logsWorld } = await import('@gpuship/testkit')
  const applied = tf.standIn.read().applied?.length ?? 0
  const check = () => {
    const c = tf.standIn.read()
    if ((c.applied?.length ?? 0) > applied && (c.state ?? []).length === 0) {
      for (const g of [...logsWorld(sim.state).keys()]) if (g.startsWith(`/aws/eks/${job.world.names.cluster}/`)) logsWorld(sim.state).delete(g)
    }
  }
  const watcher = watch(tf.standIn.controlFile, () => {
    try {
      check()
    } catch {
      // a write in progress; the next event reads it whole
    }
  })
  return () => watcher.close()
}

async function seedSurvivor(job: JobState, sim: AwsSimulator): Promise<string> {
  const { loadBalancers, loadBalancerTags } = await import('@gpuship/testkit')
  const { account, region, cluster } = job.world.names
  const arn = `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/k8s-monitoring-grafana/5a6b7c8d9e0f1a2b`
  loadBalancers(sim.state).push({
    LoadBalancerArn: arn,
    LoadBalancerName: 'k8s-monitoring-grafana',
    DNSName: 'k8s-monitoring-grafana.us-east-1.elb.amazonaws.com',
    Scheme: 'internet-facing',
    VpcId: 'vpc-0sandbox',
    Type: 'application',
    State: { Code: 'active' },
    AvailabilityZones: [],
    CreatedTime: new Date()
  })
  loadBalancerTags(sim.state).set(arn, { 'elbv2.k8s.aws/cluster': cluster, 'ingress.k8s.aws/stack': 'monitoring/grafana' })
  return arn
}

export const teardownStep: SandboxStep = {
  id: 'teardown',
  action: 'eks-teardown',
  title: 'clean-slate teardown (load balancers, GPU capacity, destroy, orphan scan)',
  after: ['kubeconfig', 'apply'],
  needs: ['aws', 'kube', 'terraform'],
  async run(job): Promise<StepRun> {
    const aws = job.world.pieces.aws.handle as AwsHandle
    const tf = job.world.pieces.terraform.handle as TerraformHandle
    const { cluster, region } = job.world.names
    if (job.scenario.name === 'orphan') {
      await seedSurvivor(job, aws.sim)
      job.progress.line('         scenario: a load balancer of a deleted Ingress controller survives in the account')
    }
    const stopProvider = await playProviderDestroy(job, aws.sim, tf)
    const result = await runRepoAction(job, 'eks-teardown', {
      inputs: {
        'cluster-name': cluster,
        'aws-region': region,
        confirm: cluster,
        'working-directory': 'terraform',
        'load-balancer-timeout': '3s',
        'node-timeout': '10s',
        'lock-timeout': '2s'
      },
      env: { ...aws.env, ...tf.env }
    }).finally(stopProvider)
    const o = result.outputs
    const note =
      result.exitCode === 0 ? `torn down: ${o.outcome}; deleted ${JSON.parse(o.deleted ?? '[]').length} object(s), ${o.leftovers ?? 0} leftover(s)` : `stopped: ${firstError(result)}`
    return { result, note }
  }
}
