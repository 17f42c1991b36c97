/**
 * Steps 5-7: `eks-kubeconfig` (DescribeCluster + in-process token), `triton-rollout` (apply by
 * digest, watch, gates, rollback) and, after a failure, `eks-doctor`.
 */
import type { JobState, SandboxStep } from '../step.js'
import type { KubeHandle } from '../world/kube.js'
import type { RegistryHandle } from '../world/registry.js'
import type { AwsHandle } from '../world/identity.js'
import { firstError, runRepoAction } from './run-action.js'

export const kubeconfigStep: SandboxStep = {
  id: 'kubeconfig',
  action: 'eks-kubeconfig',
  title: 'kubeconfig for the cluster',
  after: ['oidc'],
  needs: ['aws', 'kube'],
  async run(job) {
    const aws = job.world.pieces.aws.handle as AwsHandle
    const names = job.world.names
    const result = await runRepoAction(job, 'eks-kubeconfig', { inputs: { 'cluster-name': names.cluster, 'aws-region': names.region, namespace: names.namespace }, env: aws.env })
    const o = result.outputs
    const note = result.exitCode === 0 ? `kubeconfig for ${names.cluster}${o.endpoint ? ` at ${o.endpoint}` : ''}` : `failed: ${firstError(result)}`
    return { result, note }
  }
}

/** The rollout's inputs, with gate windows short enough for a local run. */
function rolloutInputs(job: JobState, image: string): Record<string, string> {
  const names = job.world.names
  return { image, namespace: names.namespace, name: names.deployment, timeout: '3m', 'scheduling-grace': '5s', 'rollback-on-failure': 'true', 'gate-samples': '3', 'gate-interval': '2s' }
}

/**
 * The xid story needs a release to roll back to: the release before this one is pushed to the
 * registry (testkit's OCI writer, over the registry protocol) and rolled out by triton-rollout
 * first, printed as setup. Then the fault is armed: every GPU reports XID 79 (fallen off the bus).
 */
async function previousRelease(job: JobState): Promise<void> {
  const tk = await import('@gpuship/testkit')
  const reg = job.world.pieces.registry.handle as RegistryHandle
  const repo = job.world.names.ecrRepository
  const image = tk.writeOciImage({ 'models/add_sub/config.pbtxt': 'name: "add_sub"\nbackend: "python"\n', 'release.txt': 'previous\n' })
  const digest: string = await tk.pushOciImage(reg.registry.url, repo, 'previous-release', image, { username: reg.registry.username, password: reg.registry.password })
  const ref = `${reg.registry.host}/${repo}@${digest}`
  job.progress.line(`         setup: rolling out the previous release ${ref} (revision to roll back to)`)
  const seed = await runRepoAction(job, 'triton-rollout', { inputs: { ...rolloutInputs(job, ref), gates: 'false' } })
  if (seed.exitCode !== 0) throw new Error(`the previous release did not roll out: ${firstError(seed)}`)
  ;(job.world.pieces.kube.handle as KubeHandle).armXid(79)
  job.progress.line('         scenario: GPU 0 on the GPU node now reports XID 79 (GPU has fallen off the bus)')
}

export const rolloutStep: SandboxStep = {
  id: 'rollout',
  action: 'triton-rollout',
  title: 'roll Triton out and gate it (health, inference, DCGM)',
  after: ['image', 'kubeconfig'],
  needs: ['aws', 'kube'],
  async run(job) {
    if (job.scenario.name === 'xid') await previousRelease(job)
    const image = job.outputs.image?.image ?? ''
    const result = await runRepoAction(job, 'triton-rollout', { inputs: rolloutInputs(job, image), env: (job.world.pieces.aws.handle as AwsHandle).env })
    const o = result.outputs
    const note =
      result.exitCode === 0
        ? `revision ${o.revision ?? '?'} ready (${o['ready-replicas'] ?? '?'} replicas), gates passed`
        : `failed: ${firstError(result)}${o['rolled-back'] === 'true' ? `; rolled back to revision ${o['previous-revision'] ?? '?'}` : ''}`
    return { result, note }
  }
}

export const doctorStep: SandboxStep = {
  id: 'doctor',
  action: 'eks-doctor',
  title: 'diagnose the cluster after the failure',
  after: ['kubeconfig'],
  onFailure: true,
  needs: ['aws', 'kube'],
  async run(job) {
    const names = job.world.names
    const result = await runRepoAction(job, 'eks-doctor', {
      inputs: { 'cluster-name': names.cluster, 'aws-region': names.region, 'fail-on': 'error' },
      env: (job.world.pieces.aws.handle as AwsHandle).env
    })
    const o = result.outputs
    const note = `${o['findings-count'] ?? o.findings ?? '?'} finding(s)${result.errors.length ? `: ${firstError(result)}` : ''}`
    return { result, note }
  }
}
