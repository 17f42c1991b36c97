import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '@gpuship/core'
import {
  createAwsSimulator,
  ec2World,
  eksClusterWorld,
  iamTags,
  loadBalancers,
  loadBalancerTags,
  logsWorld,
  startKubeSimulator,
  tagResource,
  type AwsSimulator,
  type KubeSimulator
} from '@gpuship/testkit'
import { createAwsTeardownPort, createKubeTeardownPort, teardown, type TerraformTeardownPort } from '../src/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const CLUSTER = 'gpu-prod'
const LB_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/k8s-inference-triton/0f1e2d3c`

let aws: AwsSimulator
let kube: KubeSimulator
let kubeconfig: string
let controller: NodeJS.Timeout
const savedEnv = { ...process.env }

beforeAll(async () => {
  aws = await createAwsSimulator()
  const user = aws.createUser({ account: ACCOUNT, name: 'teardown' })
  Object.assign(process.env, aws.env(user, REGION))
  aws.createCluster({ account: ACCOUNT, name: CLUSTER, region: REGION })
  // What the AWS Load Balancer Controller made for the Triton Service, outside Terraform.
  loadBalancers(aws.state).push({
    LoadBalancerArn: LB_ARN,
    LoadBalancerName: 'k8s-inference-triton',
    DNSName: 'k8s-inference-triton.elb.us-east-1.amazonaws.com',
    Scheme: 'internet-facing',
    VpcId: 'vpc-1',
    Type: 'network',
    State: { Code: 'active' },
    AvailabilityZones: [],
    CreatedTime: new Date(0)
  })
  loadBalancerTags(aws.state).set(LB_ARN, { 'elbv2.k8s.aws/cluster': CLUSTER, 'service.k8s.aws/stack': 'inference/triton' })
  ec2World(aws.state).networkInterfaces.push({ networkInterfaceId: 'eni-0lb', subnetId: 'subnet-1', vpcId: 'vpc-1', status: 'in-use', description: 'ELB net/k8s-inference-triton/0f1e2d3c', privateIpAddress: '10.0.0.9', privateIpAddressesSet: [], tagSet: [] })
  eksClusterWorld(aws.state, REGION, CLUSTER).nodegroups.set('gpu', {
    nodegroupName: 'gpu',
    version: '1.32',
    releaseVersion: '1.32.0-20251101',
    status: 'ACTIVE',
    capacityType: 'ON_DEMAND',
    scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 2 },
    instanceTypes: ['g5.xlarge'],
    subnets: ['subnet-1'],
    amiType: 'AL2023_x86_64_NVIDIA',
    nodeRole: `arn:aws:iam::${ACCOUNT}:role/gpu-prod-node`,
    resources: { autoScalingGroups: [{ name: 'eks-gpu' }] },
    health: { issues: [] }
  })
  // Leftovers a destroy does not know about, and one resource of another cluster.
  tagResource(aws, `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0pvc`, { 'kubernetes.io/cluster/gpu-prod': 'owned', 'kubernetes.io/created-for/pvc/name': 'model-cache' })
  tagResource(aws, `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/triton`, { 'gpuship.io/cluster': CLUSTER })
  tagResource(aws, `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0other`, { 'kubernetes.io/cluster/staging': 'owned' })
  logsWorld(aws.state).set(`/aws/eks/${CLUSTER}/cluster`, new Map())
  logsWorld(aws.state).set('/aws/eks/staging/cluster', new Map())
  const role = aws.createRole({ account: ACCOUNT, name: 'gpu-prod-karpenter', trustPolicy: { Statement: [] } })
  iamTags(aws.state).set(role.arn, { 'gpuship.io/cluster': CLUSTER })
  aws.createRole({ account: ACCOUNT, name: 'gpu-prod-unrelated-but-untagged', trustPolicy: { Statement: [] } })

  kube = await startKubeSimulator()
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'teardown-')), 'kubeconfig')
  writeFileSync(kubeconfig, kube.kubeconfig())
  kube.store.create('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'triton', namespace: 'inference' },
    spec: { type: 'LoadBalancer', ports: [{ port: 8000 }], selector: { app: 'triton' } }
  })
  kube.store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'triton-internal', namespace: 'inference' }, spec: { type: 'ClusterIP', ports: [{ port: 8002 }] } })
  // The load balancer controller's part: once the Service is gone, its LB and ENI go too.
  controller = setInterval(() => {
    if (!kube.store.get('services', 'inference', 'triton')) {
      const lbs = loadBalancers(aws.state)
      if (lbs.length) lbs.splice(0, lbs.length)
      const w = ec2World(aws.state)
      w.networkInterfaces = w.networkInterfaces.filter((e) => e.networkInterfaceId !== 'eni-0lb')
    }
  }, 20)
})

afterAll(async () => {
  clearInterval(controller)
  process.env = savedEnv
  await Promise.all([aws?.close(), kube?.close()])
})

describe('teardown over the AWS and Kubernetes simulators', () => {
  test('releases the load balancer through Kubernetes, scales GPU capacity down, destroys, and reports only the cluster\'s leftovers', async () => {
    const order: string[] = []
    const terraform: TerraformTeardownPort = {
      stateList: async () => ['module.eks.aws_eks_cluster.this[0]'],
      destroy: async () => {
        order.push(`destroy (load balancers left: ${loadBalancers(aws.state).length})`)
        return { destroyed: 42 }
      },
      stateRemove: async () => {}
    }
    const report = await teardown({
      clusterName: CLUSTER,
      region: REGION,
      confirm: CLUSTER,
      aws: createAwsTeardownPort({ region: REGION, endpoint: aws.endpoint }),
      kube: await createKubeTeardownPort(kubeconfig),
      terraform,
      log: silentLogger,
      pollMs: 50,
      loadBalancerTimeoutMs: 20_000
    })

    expect(report.error).toBeUndefined()
    expect(report.outcome).toBe('leftovers')
    expect(order).toEqual(['destroy (load balancers left: 0)'])
    expect(kube.store.get('services', 'inference', 'triton')).toBeUndefined()
    expect(kube.store.get('services', 'inference', 'triton-internal')).toBeDefined()
    expect(eksClusterWorld(aws.state, REGION, CLUSTER).nodegroups.get('gpu')?.scalingConfig).toEqual({ minSize: 0, maxSize: 4, desiredSize: 0 })
    expect(report.deleted).toEqual(['Service inference/triton', 'node group gpu scaled to 0'])
    expect(report.leftovers.map((o) => [o.kind, o.id, o.matchedBy, o.deleteCommand])).toEqual([
      ['iam-role', 'gpu-prod-karpenter', 'gpuship.io/cluster=gpu-prod', 'aws iam list-attached-role-policies --role-name gpu-prod-karpenter  # detach each, then: aws iam delete-role --role-name gpu-prod-karpenter'],
      ['log-group', '/aws/eks/gpu-prod/cluster', 'name /aws/eks/gpu-prod/', 'aws logs delete-log-group --log-group-name /aws/eks/gpu-prod/cluster --region us-east-1'],
      ['volume', 'vol-0pvc', 'kubernetes.io/cluster/gpu-prod', 'aws ec2 delete-volume --volume-id vol-0pvc --region us-east-1']
    ])
    expect(report.kept.map((o) => o.id)).toEqual(['triton'])

    // Every AWS call but the node-group scale-down was a read.
    const writes = aws.calls.filter((c) => !/^(Describe|List|Get)/.test(c.action) && !c.action.startsWith('GET '))
    expect(writes.map((c) => c.action)).toEqual([expect.stringMatching(/update-config$/)])
  })
})
