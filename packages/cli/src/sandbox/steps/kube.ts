/**
 * Steps 5-7: `eks-kubeconfig` (DescribeCluster + in-process token), `triton-rollout` (apply by
 * digest, watch, gates, rollback) and, after a failure, `eks-doctor`.
 */
import type { SandboxStep } from '../step.js'
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

export const rolloutStep: SandboxStep = {
  id: 'rollout',
  action: 'triton-rollout',
  title: 'roll Triton out and gate it (health, inference, DCGM)',
  after: ['image', 'kubeconfig'],
  needs: ['aws', 'kube'],
  async run(job) {
    const names = job.world.names
    const image = job.outputs.image?.image ?? ''
    const result = await runRepoAction(job, 'triton-rollout', {
      inputs: { image, namespace: names.namespace, name: names.deployment, timeout: '2m', 'rollback-on-failure': 'true' },
      env: (job.world.pieces.aws.handle as AwsHandle).env
    })
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
