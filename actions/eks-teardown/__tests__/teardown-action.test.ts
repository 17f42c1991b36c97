import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createAwsSimulator,
  createTerraformStandIn,
  ec2World,
  loadBalancers,
  loadBalancerTags,
  runAction,
  startKubeSimulator,
  tagResource,
  type AccessKey,
  type AwsSimulator,
  type KubeSimulator
} from '@gpuship/testkit'

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const STATE = ['module.vpc.aws_vpc.this[0]', 'module.vpc.aws_subnet.private[0]', 'module.eks.aws_eks_cluster.this[0]', 'module.eks.aws_eks_node_group.gpu["a"]', 'module.monitoring.helm_release.dcgm_exporter']

let aws: AwsSimulator
let user: AccessKey
let kube: KubeSimulator
let kubeconfig: string
let controller: NodeJS.Timeout

beforeAll(async () => {
  aws = await createAwsSimulator()
  user = aws.createUser({ account: ACCOUNT, name: 'teardown' })
  kube = await startKubeSimulator()
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'teardown-action-')), 'kubeconfig')
  writeFileSync(kubeconfig, kube.kubeconfig())
  // The AWS Load Balancer Controller's part: a LoadBalancer Service's NLB exists while the Service does.
  controller = setInterval(() => {
    const lbs = loadBalancers(aws.state)
    const svc = kube.store.get('services', 'inference', 'triton')
    if (!svc && lbs.length) {
      lbs.splice(0, lbs.length)
      ec2World(aws.state).networkInterfaces = []
    }
  }, 20)
})

afterAll(async () => {
  clearInterval(controller)
  await Promise.all([aws?.close(), kube?.close()])
})

function seedCluster(name: string) {
  aws.createCluster({ account: ACCOUNT, name, region: REGION })
  const arn = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/k8s-inference-triton/${name}`
  loadBalancers(aws.state).push({ LoadBalancerArn: arn, LoadBalancerName: 'k8s-inference-triton', DNSName: 'x.elb.amazonaws.com', Scheme: 'internet-facing', VpcId: 'vpc-1', Type: 'network', State: { Code: 'active' }, AvailabilityZones: [], CreatedTime: new Date(0) })
  loadBalancerTags(aws.state).set(arn, { 'elbv2.k8s.aws/cluster': name })
  kube.store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'triton', namespace: 'inference' }, spec: { type: 'LoadBalancer', ports: [{ port: 8000 }] } })
}

function inputs(cluster: string, tfBin: string, extra: Record<string, string> = {}) {
  return {
    'cluster-name': cluster,
    'aws-region': REGION,
    confirm: cluster,
    'working-directory': mkdtempSync(join(tmpdir(), 'tf-root-')),
    'terraform-binary': tfBin,
    kubeconfig,
    'load-balancer-timeout': '30s',
    ...extra
  }
}

describe('eks-teardown (bundle) over the simulators and the terraform stand-in', () => {
  test('orders the teardown, destroys under the lock timeout, and fails on a leftover with its delete command', async () => {
    seedCluster('gpu-prod')
    tagResource(aws, `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0pvc`, { 'kubernetes.io/cluster/gpu-prod': 'owned' })
    const tf = createTerraformStandIn({ state: [...STATE] })
    const r = await runAction({ actionDir, inputs: inputs('gpu-prod', join(tf.binDir, 'terraform'), { 'lock-timeout': '2m' }), env: { ...aws.env(user, REGION), ...tf.env } })

    expect(r.exitCode).toBe(1)
    expect(r.outputs.outcome).toBe('leftovers')
    expect(r.outputs.leftovers).toBe('1')
    expect(JSON.parse(r.outputs['leftovers-json'])[0]).toMatchObject({ kind: 'volume', id: 'vol-0pvc', deleteCommand: 'aws ec2 delete-volume --volume-id vol-0pvc --region us-east-1' })
    expect(JSON.parse(r.outputs.deleted)).toEqual(['Service inference/triton'])
    expect(r.errors[0]).toContain('Teardown left 1 resource(s) tagged or named for the cluster: volume vol-0pvc.')
    // terraform: init, a destroy plan with the lock timeout, then apply of that saved plan.
    const verbs = tf.calls().map((c) => c.argv.filter((a) => !a.startsWith('-no-color')).join(' '))
    expect(verbs.some((v) => v.startsWith('plan') && v.includes('-destroy') && v.includes('-lock-timeout=120s'))).toBe(true)
    expect(verbs.some((v) => v.startsWith('apply') && v.includes('-lock-timeout=120s'))).toBe(true)
    expect(tf.read().state).toEqual([])
    // The summary shows the steps in order, the leftover and its delete command.
    const steps = ['| 1 | Delete load balancers', '| 2 | Scale GPU capacity to zero', '| 3 | terraform destroy | done', '| 4 | Scan for leftovers | done'].map((s) => r.summary.indexOf(s))
    expect(steps.every((i, n) => i > 0 && (n === 0 || i > steps[n - 1]))).toBe(true)
    expect(r.summary).toContain('aws ec2 delete-volume --volume-id vol-0pvc --region us-east-1')
    expect(r.leaks).toEqual([])
  })

  test('a cluster deleted by hand: no destroy, the removed blocks in the summary; forget-unreachable repairs state and destroys the rest', async () => {
    const tf = createTerraformStandIn({ state: [...STATE] })
    const env = { ...aws.env(user, REGION), ...tf.env }
    const first = await runAction({ actionDir, inputs: inputs('gpu-gone', join(tf.binDir, 'terraform')), env })
    expect(first.exitCode).toBe(1)
    expect(first.outputs.outcome).toBe('recovery-needed')
    expect(JSON.parse(first.outputs['unreachable-addresses'])).toEqual(['module.eks.aws_eks_cluster.this[0]', 'module.eks.aws_eks_node_group.gpu["a"]', 'module.monitoring.helm_release.dcgm_exporter'])
    expect(first.summary).toContain('removed {\n  from = module.eks.aws_eks_cluster.this')
    expect(first.errors[0]).toContain("Cluster 'gpu-gone' no longer exists")
    expect(tf.calls().some((c) => c.argv[0] === 'apply')).toBe(false)

    const second = await runAction({ actionDir, inputs: inputs('gpu-gone', join(tf.binDir, 'terraform'), { 'forget-unreachable': 'true' }), env })
    expect(second.exitCode).toBe(0)
    expect(second.outputs.outcome).toBe('clean')
    expect(tf.read().state).toEqual([])
    expect(tf.calls().filter((c) => c.argv[0] === 'state' && c.argv[1] === 'rm')).toHaveLength(1)
  })
})
