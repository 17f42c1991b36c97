import { describe, expect, test } from '@jest/globals'
import { silentLogger } from '@gpuship/core'
import {
  checkConfirmation,
  planStateRecovery,
  renderTeardownReport,
  teardown,
  toOrphans,
  type AwsTeardownPort,
  type KubeObjectRef,
  type KubeTeardownPort,
  type LoadBalancer,
  type TaggedResource,
  type TerraformTeardownPort
} from '../src/index.js'

const CLUSTER = 'gpu-prod'

/** An in-memory account and cluster that record every call in order. */
function world(opts: { clusterGone?: boolean; lbSurvives?: boolean; karpenterStuck?: boolean; leftovers?: TaggedResource[] } = {}) {
  const calls: string[] = []
  let lbs: LoadBalancer[] = [{ arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/k8s-inference-triton/abc', name: 'k8s-inference-triton', type: 'net' }]
  let enis = ['eni-0lb']
  let objects: KubeObjectRef[] = [
    { kind: 'Service', namespace: 'inference', name: 'triton', hostname: 'k8s-inference-triton.elb.amazonaws.com' },
    { kind: 'Ingress', namespace: 'monitoring', name: 'grafana' }
  ]
  let pools: KubeObjectRef[] = [{ kind: 'NodePool', name: 'gpu' }]
  let karpenterNodes = 2
  let state = ['module.vpc.aws_vpc.this[0]', 'module.eks.aws_eks_cluster.this[0]', 'module.eks.aws_eks_node_group.gpu["a"]', 'module.monitoring.helm_release.dcgm', 'module.eks.data.aws_caller_identity.current']
  const aws: AwsTeardownPort = {
    async describeCluster(name) {
      calls.push(`aws:describeCluster ${name}`)
      return opts.clusterGone ? undefined : { name, status: 'ACTIVE' }
    },
    async listClusterLoadBalancers() {
      calls.push('aws:listLoadBalancers')
      return lbs
    },
    async listLoadBalancerEnis() {
      return lbs.length ? enis : (enis = [])
    },
    async listNodegroups() {
      return ['gpu-a']
    },
    async scaleNodegroupToZero(_c, ng) {
      calls.push(`aws:scale ${ng}`)
    },
    async findClusterResources() {
      calls.push('aws:scan')
      return opts.leftovers ?? []
    },
    async deleteRepository(name) {
      calls.push(`aws:deleteRepository ${name}`)
    }
  }
  const kube: KubeTeardownPort = {
    async listLoadBalancerObjects() {
      return objects
    },
    async deleteObject(ref) {
      calls.push(`kube:delete ${ref.kind} ${ref.name}`)
      if (ref.kind === 'NodePool') {
        pools = pools.filter((p) => p.name !== ref.name)
        if (!opts.karpenterStuck) karpenterNodes = 0
      } else {
        objects = objects.filter((o) => o.name !== ref.name)
        if (!opts.lbSurvives && objects.length === 0) lbs = []
      }
    },
    async listNodePools() {
      return pools
    },
    async countKarpenterNodes() {
      return karpenterNodes
    }
  }
  const terraform: TerraformTeardownPort = {
    async stateList() {
      calls.push('tf:state list')
      return state
    },
    async destroy() {
      calls.push('tf:destroy')
      return { destroyed: state.length }
    },
    async stateRemove(addresses) {
      calls.push(`tf:state rm ${addresses.length}`)
      state = state.filter((a) => !addresses.includes(a))
    }
  }
  let t = 0
  return { calls, aws, kube, terraform, now: () => t, sleep: async (ms: number) => void (t += ms) }
}

const base = (w: ReturnType<typeof world>) => ({
  clusterName: CLUSTER,
  region: 'us-east-1',
  confirm: CLUSTER,
  aws: w.aws,
  kube: w.kube,
  terraform: w.terraform,
  log: silentLogger,
  now: w.now,
  sleep: w.sleep,
  pollMs: 1000,
  loadBalancerTimeoutMs: 60_000,
  nodeTimeoutMs: 60_000
})

describe('teardown', () => {
  test.each(['', 'gpu-pro', 'GPU-PROD', ' gpu-prod'])('refuses unless confirm repeats the cluster name exactly (%p), before any call', async (confirm) => {
    const w = world()
    await expect(teardown({ ...base(w), confirm })).rejects.toMatchObject({ input: 'confirm', hint: 'Type the cluster name exactly to confirm: confirm: gpu-prod' })
    expect(w.calls).toEqual([])
    expect(() => checkConfirmation(CLUSTER, CLUSTER)).not.toThrow()
  })

  test('deletes load balancers and waits for them before scaling nodes and destroying', async () => {
    const w = world()
    const r = await teardown(base(w))
    expect(r.outcome).toBe('clean')
    const order = w.calls.filter((c) => /kube:delete|aws:scale|tf:destroy|aws:scan/.test(c))
    expect(order).toEqual(['kube:delete Service triton', 'kube:delete Ingress grafana', 'kube:delete NodePool gpu', 'aws:scale gpu-a', 'tf:destroy', 'aws:scan'])
    // the last load-balancer listing (empty) comes before anything else is touched
    expect(w.calls.lastIndexOf('aws:listLoadBalancers')).toBeLessThan(w.calls.indexOf('kube:delete NodePool gpu'))
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([
      ['load-balancers', 'done'],
      ['node-capacity', 'done'],
      ['destroy', 'done'],
      ['orphan-scan', 'done']
    ])
  })

  test('a load balancer that survives stops teardown before destroy, with the delete command', async () => {
    const w = world({ lbSurvives: true })
    const r = await teardown(base(w))
    expect(r.outcome).toBe('failed')
    expect(w.calls).not.toContain('tf:destroy')
    expect(r.error).toContain('k8s-inference-triton')
    expect(r.error).toContain('aws elbv2 delete-load-balancer --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/k8s-inference-triton/abc')
    expect(r.steps.find((s) => s.id === 'load-balancers')?.status).toBe('failed')
  })

  test('Karpenter nodes that do not terminate stop teardown before destroy', async () => {
    const w = world({ karpenterStuck: true })
    const r = await teardown(base(w))
    expect(r.outcome).toBe('failed')
    expect(r.error).toContain('2 Karpenter node(s) are still running')
    expect(w.calls).not.toContain('tf:destroy')
  })

  test('an orphan is reported with its delete command; ECR repositories are kept unless delete-images', async () => {
    const leftovers: TaggedResource[] = [
      { arn: 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0pvc', tags: { 'kubernetes.io/cluster/gpu-prod': 'owned' } },
      { arn: 'arn:aws:ecr:us-east-1:123456789012:repository/triton', tags: { 'gpuship.io/cluster': 'gpu-prod' } },
      { arn: 'arn:aws:ec2:us-east-1:123456789012:volume/vol-other', tags: { 'kubernetes.io/cluster/other': 'owned' } }
    ]
    const w = world({ leftovers })
    const r = await teardown(base(w))
    expect(r.outcome).toBe('leftovers')
    expect(r.leftovers.map((o) => [o.kind, o.id, o.deleteCommand])).toEqual([['volume', 'vol-0pvc', 'aws ec2 delete-volume --volume-id vol-0pvc --region us-east-1']])
    expect(r.kept.map((o) => o.id)).toEqual(['triton'])
    expect(w.calls.some((c) => c.startsWith('aws:deleteRepository'))).toBe(false)

    const w2 = world({ leftovers })
    const r2 = await teardown({ ...base(w2), deleteImages: true })
    expect(w2.calls).toContain('aws:deleteRepository triton')
    expect(r2.kept).toEqual([])
    const md = renderTeardownReport(r2)
    expect(md).toContain('aws ec2 delete-volume --volume-id vol-0pvc')
    expect(md).not.toContain('vol-other')
  })

  test('a cluster deleted by hand but still in state: offers removed blocks instead of a failing destroy', async () => {
    const w = world({ clusterGone: true })
    const r = await teardown(base(w))
    expect(r.outcome).toBe('recovery-needed')
    expect(w.calls).not.toContain('tf:destroy')
    expect(r.recovery?.unreachable).toEqual(['module.eks.aws_eks_cluster.this[0]', 'module.eks.aws_eks_node_group.gpu["a"]', 'module.monitoring.helm_release.dcgm'])
    expect(r.recovery?.removedBlocks).toContain('removed {\n  from = module.eks.aws_eks_cluster.this\n  lifecycle {\n    destroy = false\n  }\n}')
    expect(r.recovery?.stateRmCommand).toBe(`terraform state rm 'module.eks.aws_eks_cluster.this[0]' 'module.eks.aws_eks_node_group.gpu["a"]' 'module.monitoring.helm_release.dcgm'`)
    expect(renderTeardownReport(r)).toContain('```hcl')
  })

  test('with forget-unreachable the state is repaired and the rest is destroyed', async () => {
    const w = world({ clusterGone: true })
    const r = await teardown({ ...base(w), forgetUnreachable: true })
    expect(r.outcome).toBe('clean')
    expect(w.calls.filter((c) => c.startsWith('tf:'))).toEqual(['tf:state list', 'tf:state rm 3', 'tf:destroy'])
  })
})

describe('orphans', () => {
  test.each([
    ['arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-x/1', 'target-group', 'aws elbv2 delete-target-group'],
    ['arn:aws:ec2:us-east-1:123456789012:network-interface/eni-1', 'network-interface', 'aws ec2 delete-network-interface --network-interface-id eni-1'],
    ['arn:aws:ec2:us-east-1:123456789012:security-group/sg-1', 'security-group', 'aws ec2 delete-security-group --group-id sg-1'],
    ['arn:aws:ec2:us-east-1:123456789012:instance/i-1', 'instance', 'aws ec2 terminate-instances --instance-ids i-1'],
    ['arn:aws:iam::123456789012:role/gpu-prod-node', 'iam-role', 'aws iam delete-role --role-name gpu-prod-node'],
    ['arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC', 'oidc-provider', 'aws iam delete-open-id-connect-provider'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/gpu-prod/cluster:*', 'log-group', 'aws logs delete-log-group --log-group-name /aws/eks/gpu-prod/cluster']
  ])('%s is a %s', (arn, kind, command) => {
    const [o] = toOrphans([{ arn, tags: { 'eks:cluster-name': CLUSTER } }], CLUSTER, 'us-east-1', false)
    expect(o.kind).toBe(kind)
    expect(o.deleteCommand).toContain(command)
  })

  test('nothing without the cluster tag or a name match is reported', () => {
    expect(toOrphans([{ arn: 'arn:aws:ec2:us-east-1:123456789012:volume/vol-1', tags: { 'eks:cluster-name': 'staging' } }], CLUSTER, 'us-east-1', false)).toEqual([])
  })

  test('odd characters in ids are shell-quoted', () => {
    const [o] = toOrphans([{ arn: "arn:aws:logs:us-east-1:123456789012:log-group:/x y';rm -rf ~:*", tags: {}, matchedBy: 'name' }], CLUSTER, 'us-east-1', false)
    expect(o.deleteCommand).toBe(`aws logs delete-log-group --log-group-name '/x y'\\'';rm -rf ~' --region us-east-1`)
  })

  test('state recovery ignores data sources and resources outside the cluster', () => {
    expect(planStateRecovery(['module.vpc.aws_subnet.private[0]', 'data.aws_eks_cluster.this', 'kubernetes_namespace.inference']).unreachable).toEqual(['kubernetes_namespace.inference'])
    expect(planStateRecovery(['aws_s3_bucket.x']).stateRmCommand).toBe('')
  })
})
