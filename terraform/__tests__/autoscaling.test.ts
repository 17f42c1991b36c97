// GPU capacity autoscaling (issue 11): Karpenter's interruption handling, the tainted and limited
// GPU NodePool, and the Auto Scaling group tags cluster-autoscaler needs for the managed groups.
import { describe, test, expect, beforeAll } from '@jest/globals'
import { unwrap, type Hcl, type TfDir } from '../tools/hcl.js'
import { evaluate, scopeFor } from '../tools/hcl-eval.js'
import { loadAll } from './lib/load.js'

let karpenter: TfDir
let eks: TfDir
beforeAll(async () => {
  const dirs = await loadAll()
  karpenter = dirs['modules/karpenter']
  eks = dirs['modules/eks']
})

const poolScope = (given: Record<string, unknown> = {}) => scopeFor(karpenter.variables, { cluster_name: 'gpu-prod', ...given }, karpenter.locals)

describe('Karpenter interruption handling', () => {
  const REQUIRED = {
    'EC2 Spot Instance Interruption Warning': 'aws.ec2',
    'EC2 Instance Rebalance Recommendation': 'aws.ec2',
    'EC2 Instance State-change Notification': 'aws.ec2',
    'AWS Health Event': 'aws.health'
  }

  test('an EventBridge rule exists for spot interruption, rebalance, state change and scheduled change', () => {
    const events = karpenter.locals.interruption_events as Record<string, { source: string[]; detail_type: string[] }>
    const seen = Object.values(events).flatMap((e) => e.detail_type.map((d) => [d, e.source[0]]))
    expect(Object.fromEntries(seen)).toEqual(REQUIRED)
  })

  test('the rules are built from those events and each targets the interruption queue', () => {
    const rule = karpenter.resources.aws_cloudwatch_event_rule.interruption
    const target = karpenter.resources.aws_cloudwatch_event_target.interruption
    expect(unwrap(rule.for_each)).toBe('local.interruption_events')
    expect(unwrap(target.for_each)).toBe('local.interruption_events')
    expect(unwrap(rule.event_pattern)).toMatch(/"detail-type"\s*=\s*each\.value\.detail_type/)
    expect(unwrap(target.arn)).toBe('aws_sqs_queue.interruption.arn')
  })

  test('the queue accepts EventBridge, refuses plain HTTP, and is the one the controller reads', () => {
    const policy = karpenter.data.aws_iam_policy_document.interruption_queue
    const principals = policy.statement.flatMap((s: Hcl) => (s.principals ?? []).flatMap((p: Hcl) => p.identifiers))
    expect(principals).toContain('events.amazonaws.com')
    expect(policy.statement.some((s: Hcl) => s.effect === 'Deny' && s.condition?.[0]?.variable === 'aws:SecureTransport')).toBe(true)
    const helm = karpenter.resources.helm_release.karpenter
    expect(JSON.stringify(helm.values)).toContain('interruptionQueue = aws_sqs_queue.interruption.name')
    const controller = karpenter.data.aws_iam_policy_document.controller
    const sqs = controller.statement.find((s: Hcl) => s.sid === 'InterruptionQueue')
    expect(sqs.actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']))
  })
})

describe('GPU NodePool', () => {
  test('is tainted nvidia.com/gpu:NoSchedule and labelled for the device plugin', async () => {
    const pool: Hcl = await evaluate(karpenter.locals.gpu_node_pool, poolScope())
    expect(pool.kind).toBe('NodePool')
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }])
    expect(pool.spec.template.metadata.labels['nvidia.com/gpu.present']).toBe('true')
  })

  test('launches only NVIDIA GPU families, on-demand and spot by default', async () => {
    const pool: Hcl = await evaluate(karpenter.locals.gpu_node_pool, poolScope())
    const req = Object.fromEntries(pool.spec.template.spec.requirements.map((r: Hcl) => [r.key, r.values]))
    expect(req['karpenter.k8s.aws/instance-family']).toEqual(['g5', 'g6', 'g6e'])
    expect(req['karpenter.k8s.aws/instance-gpu-manufacturer']).toEqual(['nvidia'])
    expect(req['karpenter.sh/capacity-type']).toEqual(['on-demand', 'spot'])
  })

  test('caps total GPUs and consolidates one node at a time', async () => {
    const pool: Hcl = await evaluate(karpenter.locals.gpu_node_pool, poolScope({ gpu_limit: 4, gpu_capacity_types: ['spot'] }))
    expect(pool.spec.limits).toEqual({ 'nvidia.com/gpu': '4' })
    expect(pool.spec.disruption.consolidationPolicy).toBe('WhenEmptyOrUnderutilized')
    expect(pool.spec.disruption.budgets).toEqual([{ nodes: '1' }])
    const capacity = pool.spec.template.spec.requirements.find((r: Hcl) => r.key === 'karpenter.sh/capacity-type')
    expect(capacity.values).toEqual(['spot'])
  })

  test('the CPU NodePool has no GPU taint and its own limit', async () => {
    const pool: Hcl = await evaluate(karpenter.locals.cpu_node_pool, poolScope())
    expect(pool.spec.template.spec.taints).toBeUndefined()
    expect(pool.spec.limits).toEqual({ cpu: '100' })
  })

  test('both pools and their node classes are applied after the Karpenter release', () => {
    const release = karpenter.resources.helm_release.node_pools
    expect(unwrap(release.values[0])).toMatch(/local\.gpu_node_class, local\.cpu_node_class, local\.gpu_node_pool, local\.cpu_node_pool/)
    expect(release.depends_on).toEqual(['${helm_release.karpenter}'])
  })

  test('validation of the capacity types refuses the managed-node-group spelling', () => {
    const v = karpenter.variables.gpu_capacity_types.validations[0]
    expect(v.condition).toContain('contains(["on-demand", "spot"], c)')
  })
})

describe('managed node groups for cluster-autoscaler', () => {
  test('the GPU group is tainted and its capacity type comes from the variable', () => {
    const group = eks.locals.gpu_node_group as string
    expect(group).toContain('taints         = { gpu = local.gpu_taint }')
    expect(group).toContain('capacity_type  = var.gpu_node_group.capacity_type')
    expect(eks.locals.gpu_taint).toEqual({ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' })
  })

  test('ASG tags advertise discovery, the GPU taint, the GPU count and the labels', () => {
    const tags = JSON.stringify(eks.locals.asg_tags_by_group)
    for (const key of [
      'k8s.io/cluster-autoscaler/enabled',
      'k8s.io/cluster-autoscaler/${var.cluster_name}',
      'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu',
      'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu',
      'k8s.io/cluster-autoscaler/node-template/label/${k}'
    ]) {
      expect(tags).toContain(key)
    }
    expect(unwrap(eks.resources.aws_autoscaling_group_tag.cluster_autoscaler.for_each)).toBe('var.enable_cluster_autoscaler_tags ? local.asg_tags : {}')
  })
})
