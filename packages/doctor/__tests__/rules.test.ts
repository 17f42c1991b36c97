import { describe, test, expect } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { evaluate, RULES, type Evidence, type Rule } from '../src/index.js'
import { taintsIn } from '../src/rules/pods.js'
import { permits } from '../src/rules/node-network.js'
import { checkCertificate } from '../src/rules/control-plane.js'
import { groupDenials } from '../src/collect.js'
import { CA_B64, LEAF_B64, NODE_ROLE, gpuNode, healthyEvidence, node, pod } from './evidence-fixture.js'

// The rules as pure functions of evidence: the edges the scenarios do not reach.
const fired = (e: Evidence) => evaluate(e).findings.map((f) => `${f.rule}:${f.severity}:${f.resource}`)
const only = (e: Evidence, rule: string) => evaluate(e).findings.filter((f) => f.rule === rule)
const irsa = (sub: string, op = 'StringEquals') => ({
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { [op]: { 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': sub } }
    }
  ]
})

describe('the healthy evidence', () => {
  test('yields no finding', () => expect(fired(healthyEvidence())).toEqual([]))
  test('every rule has an id, a title, a category and what it reads', () => {
    for (const r of RULES)
      expect(r).toMatchObject({
        id: expect.stringMatching(/^[a-z0-9-]+$/),
        title: expect.any(String),
        reads: expect.arrayContaining([expect.stringMatching(/^(eks|ec2|iam|autoscaling|elasticloadbalancing):(Describe|List|Get|Filter)|^k8s:(GET|LIST) /)])
      })
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length)
  })
  test('the read-only IAM policy in the runbooks README allows every AWS call a rule reads', () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/runbooks/README.md'), 'utf8')
    const policy = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? '{}') as { Statement: { Action: string[] }[] }
    const allowed = new Set(policy.Statement.flatMap((s) => s.Action))
    const needed = [...new Set(RULES.flatMap((r) => r.reads).filter((c) => !c.startsWith('k8s:')))]
    expect(needed.filter((c) => !allowed.has(c))).toEqual([])
    expect([...allowed].filter((a) => !/:(Describe|List|Get|Filter)/.test(a))).toEqual([])
  })
  test.each(RULES.map((r) => [r.id, r]))('%s has a runbook page naming what it reads', (id, rule) => {
    const page = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/runbooks', `${id}.md`)
    expect(existsSync(page)).toBe(true)
    const text = readFileSync(page, 'utf8')
    expect(text.startsWith(`# ${id}:`)).toBe(true)
    for (const call of (rule as Rule).reads) expect(text).toContain(call)
  })
})

describe('control plane', () => {
  test.each([
    ['1.33', 'warning'],
    ['1.28', 'error'],
    ['1.31', 'warning']
  ])('node group at %s against a 1.32 control plane (behind/ahead) is a %s', (v, sev) => {
    const e = healthyEvidence()
    e.aws.nodegroups[0].version = v
    expect(only(e, 'version-skew').map((f) => f.severity)).toEqual([v === '1.33' ? 'error' : sev])
  })
  test('a self-managed node (no node group label) is judged on its kubelet version', () => {
    const e = healthyEvidence()
    e.kube!.nodes.push(node('ip-10-0-9-9.ec2.internal', { labels: {}, kubeletVersion: 'v1.27.9-eks-1' }))
    expect(only(e, 'version-skew')).toEqual([expect.objectContaining({ resource: 'node/ip-10-0-9-9.ec2.internal', severity: 'error' })])
  })
  test('CA: a valid CA passes, a leaf certificate and garbage fail with the reason', () => {
    expect(checkCertificate(CA_B64, '2026-12-04T00:00:00Z').ok).toBe(true)
    expect(checkCertificate(LEAF_B64, '2026-12-04T00:00:00Z')).toMatchObject({ ok: false, reason: expect.stringContaining('not a CA') })
    expect(checkCertificate(CA_B64, '2060-01-01T00:00:00Z')).toMatchObject({ ok: false, reason: expect.stringContaining('expired') })
    expect(checkCertificate(Buffer.from('junk').toString('base64'), '2026-12-04T00:00:00Z').ok).toBe(false)
  })
  test('the cluster role must trust eks.amazonaws.com', () => {
    const e = healthyEvidence()
    e.aws.roles['arn:aws:iam::123456789012:role/gpu-prod-cluster'].trustPolicy = {
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } }]
    }
    expect(only(e, 'cluster-role')[0].message).toContain('does not allow eks.amazonaws.com')
  })
})

describe('nodes', () => {
  test('the CNI policy is not needed on the node role when vpc-cni runs on IRSA', () => {
    const e = healthyEvidence()
    e.aws.roles[NODE_ROLE].attachedPolicyArns = e.aws.roles[NODE_ROLE].attachedPolicyArns.filter((p) => !p.endsWith('CNI_Policy'))
    expect(only(e, 'node-role-policies')).toHaveLength(1)
    e.aws.addons[0].serviceAccountRoleArn = 'arn:aws:iam::123456789012:role/vpc-cni'
    expect(only(e, 'node-role-policies')).toHaveLength(0)
  })
  test('a deleted node role is reported with all three policies to attach', () => {
    const e = healthyEvidence()
    e.aws.roles[NODE_ROLE] = { arn: NODE_ROLE, name: 'gpu-prod-node', exists: false, attachedPolicyArns: [] }
    expect(only(e, 'node-role-policies')[0].evidence).toMatchObject({
      exists: false,
      missing: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']
    })
  })
  test('CONFIG_MAP mode: aws-auth must map the role ARN without its path to system:nodes', () => {
    const e = healthyEvidence()
    const pathRole = 'arn:aws:iam::123456789012:role/eks/gpu-prod-node'
    e.aws.nodegroups[0].nodeRole = pathRole
    e.aws.roles[pathRole] = { ...e.aws.roles[NODE_ROLE], arn: pathRole }
    e.aws.cluster.authenticationMode = 'CONFIG_MAP'
    e.aws.accessEntries = undefined
    e.kube!.awsAuth = [{ rolearn: pathRole, groups: ['system:bootstrappers', 'system:nodes'] }]
    expect(only(e, 'node-role-no-access')).toHaveLength(1)
    e.kube!.awsAuth = [{ rolearn: 'arn:aws:iam::123456789012:role/gpu-prod-node', groups: ['system:bootstrappers', 'system:nodes'] }]
    expect(only(e, 'node-role-no-access')).toHaveLength(0)
  })
  test('an instance younger than the join grace period is not reported', () => {
    const e = healthyEvidence()
    e.aws.instances.push({ ...e.aws.instances[0], id: 'i-new', privateDnsName: 'ip-10-0-1-99.ec2.internal', launchTime: '2026-12-04T18:55:00.000Z' })
    expect(only(e, 'instances-not-joined')).toHaveLength(0)
    e.aws.instances[1].launchTime = '2026-12-04T18:40:00.000Z'
    expect(only(e, 'instances-not-joined')[0].message).toContain('has run 20 min')
  })
  test('private subnets: every interface endpoint plus the S3 gateway on the table is enough', () => {
    const e = healthyEvidence()
    e.aws.routeTables[0].routes = e.aws.routeTables[0].routes.filter((r) => r.destination !== '0.0.0.0/0')
    expect(only(e, 'private-subnet-egress')[0].evidence).toMatchObject({ missing: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts'] })
    e.aws.vpcEndpoints = ['ec2', 'ecr.api', 'ecr.dkr', 'sts'].map((s) => ({
      id: `vpce-${s}`,
      serviceName: `com.amazonaws.us-east-1.${s}`,
      type: 'Interface',
      state: 'available',
      subnetIds: ['subnet-a'],
      routeTableIds: []
    }))
    e.aws.vpcEndpoints.push({
      id: 'vpce-s3',
      serviceName: 'com.amazonaws.us-east-1.s3',
      type: 'Gateway',
      state: 'available',
      subnetIds: [],
      routeTableIds: ['rtb-other']
    })
    expect(only(e, 'private-subnet-egress')[0].evidence).toMatchObject({ missing: ['s3'] })
    e.aws.vpcEndpoints[4].routeTableIds = ['rtb-1']
    expect(only(e, 'private-subnet-egress')).toHaveLength(0)
  })
  test('security groups: CIDR rules covering the node count as allowing', () => {
    const groups = [{ id: 'sg-c', name: 'c', ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['10.0.0.0/16'], groupIds: [] }], egress: [] }]
    expect(permits(groups, 'ingress', 443, ['sg-n'], '10.0.7.7')).toBe(true)
    expect(permits(groups, 'ingress', 443, ['sg-n'], '192.168.1.1')).toBe(false)
    expect(permits(groups, 'ingress', 10250, ['sg-n'], '10.0.7.7')).toBe(false)
  })
  test('node group health codes carry their meaning', () => {
    const e = healthyEvidence()
    e.aws.nodegroups[0].healthIssues = [{ code: 'NodeCreationFailure', message: 'Instances failed to join the kubernetes cluster', resourceIds: ['i-1'] }]
    const f = only(e, 'nodegroup-health')[0]
    expect(f.message).toContain('did not register')
    expect(f.fix.text).toContain('access entry')
  })
})

describe('pods', () => {
  const pending = (e: Evidence, message: string, extra = {}) => {
    e.kube!.pods.push(pod('triton-1', { phase: 'Pending', nodeName: undefined, gpuRequest: 1, ...extra }))
    e.kube!.events.push({ namespace: 'inference', type: 'Warning', reason: 'FailedScheduling', message, kind: 'Pod', name: 'triton-1', count: 1 })
  }
  test('Insufficient GPU only on the CPU nodes is a taint problem, not a capacity one', () => {
    const e = healthyEvidence()
    e.kube!.nodes.push(node('cpu-1'))
    pending(e, '0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {nvidia.com/gpu: true}. preemption: ...')
    expect(fired(e).map((x) => x.split(':')[0])).toEqual(['pending-untolerated-taint'])
  })
  test('Insufficient GPU on the GPU node is capacity, with the counts as evidence', () => {
    const e = healthyEvidence()
    e.kube!.nodes.push(node('cpu-1'))
    pending(e, '0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.')
    const f = only(e, 'pending-insufficient-gpu')
    expect(f[0].evidence).toMatchObject({ gpuAllocatable: 1, gpuRequested: 1, gpuRequest: 1 })
    expect(f[0].fix.command).toContain('desiredSize=2')
  })
  test('a not-ready taint points at node readiness, not at a toleration', () => {
    const e = healthyEvidence()
    pending(e, '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.')
    expect(only(e, 'pending-untolerated-taint')[0].message).toContain('not ready')
  })
  test('taintsIn reads both wordings of the scheduler', () => {
    expect(taintsIn("1 node(s) had untolerated taint {nvidia.com/gpu: true}, 2 node(s) had taint {dedicated: infer}, that the pod didn't tolerate")).toEqual([
      'nvidia.com/gpu: true',
      'dedicated: infer'
    ])
  })
  test('a selector names the label values the nodes do have', () => {
    const e = healthyEvidence()
    pending(e, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.", {
      nodeSelector: { 'node.kubernetes.io/instance-type': 'p5.48xlarge' }
    })
    expect(only(e, 'pending-node-selector')[0].message).toContain('node.kubernetes.io/instance-type ∈ {g5.xlarge}')
  })
  test('a device plugin present but unready is named with its counts', () => {
    const e = healthyEvidence()
    e.kube!.nodes = [gpuNode('ip-10-0-2-20.ec2.internal', 0)]
    e.kube!.workloads[3] = { ...e.kube!.workloads[3], ready: 0 }
    expect(only(e, 'gpu-not-allocatable')[0].message).toContain('0/1 pods ready')
  })
})

describe('networking and add-ons', () => {
  test('few free IPs warn; none is an error; IPAMD failures with free subnets point at the node', () => {
    const e = healthyEvidence()
    e.aws.subnets[0].availableIps = 10
    expect(only(e, 'ip-exhaustion').map((f) => f.severity)).toEqual(['warning'])
    e.aws.subnets[0].availableIps = 0
    expect(only(e, 'ip-exhaustion').map((f) => f.severity)).toEqual(['error'])
    e.aws.subnets[0].availableIps = 200
    e.kube!.events.push({
      namespace: 'inference',
      type: 'Warning',
      reason: 'FailedCreatePodSandBox',
      message: 'add cmd: failed to assign an IP address to container',
      kind: 'Pod',
      name: 'triton-2',
      count: 4
    })
    expect(only(e, 'ip-exhaustion')[0]).toMatchObject({ resource: 'pod/inference/triton-2', severity: 'error' })
  })
  test('a missing CoreDNS says to install the add-on', () => {
    const e = healthyEvidence()
    e.kube!.workloads = e.kube!.workloads.filter((w) => w.name !== 'coredns')
    expect(only(e, 'networking-components')[0].fix.command).toContain('create-addon --cluster-name gpu-prod --addon-name coredns')
  })
})

describe('IAM', () => {
  const withSa = (trust: object | undefined, exists = true) => {
    const e = healthyEvidence()
    const arn = 'arn:aws:iam::123456789012:role/triton'
    e.kube!.serviceAccounts = [{ namespace: 'inference', name: 'triton', roleArn: arn }]
    e.aws.roles[arn] = { arn, name: 'triton', exists, trustPolicy: trust as never, attachedPolicyArns: [] }
    return e
  }
  test.each([
    [irsa('system:serviceaccount:inference:triton'), 0],
    [irsa('system:serviceaccount:inference:*', 'StringLike'), 0],
    [irsa('system:serviceaccount:default:*', 'StringLike'), 1],
    [irsa('system:serviceaccount:inference:other'), 1],
    [{ Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 1]
  ])('trust %j -> %i finding(s)', (trust, n) => expect(only(withSa(trust), 'irsa-role')).toHaveLength(n))
  test('a role that does not exist', () => expect(only(withSa(undefined, false), 'irsa-role')[0].message).toContain('the role does not exist'))
  test('an OIDC provider without the sts audience', () => {
    const e = withSa(irsa('system:serviceaccount:inference:triton'))
    e.aws.oidcProviders![0].clientIds = []
    expect(only(e, 'oidc-provider-missing')[0].message).toContain('client ID')
  })
  test('access denied: principal and action read from the message', () => {
    const e = healthyEvidence()
    e.kube!.pods[0].waiting = [
      {
        container: 'init',
        reason: 'CreateContainerConfigError',
        message:
          'User: arn:aws:sts::123456789012:assumed-role/triton/s3 is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::models/x because no identity-based policy allows it'
      }
    ]
    const f = only(e, 'access-denied')[0]
    expect(f.evidence).toMatchObject({
      principal: 'arn:aws:sts::123456789012:assumed-role/triton/s3',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::models/x'
    })
    expect(f.fix.command).toContain('--role-name triton')
  })
})

describe('authenticator log', () => {
  test('denials grouped by ARN, newest line kept; a node role gets an EC2_LINUX fix', () => {
    const line = (arn: string, t: number) => ({
      timestamp: t,
      message: `time="x" level=warning msg="access denied" arn="${arn}" client="127.0.0.1:1" error="ARN is not mapped" method=POST path=/authenticate`
    })
    const d = groupDenials([
      line(NODE_ROLE, 1000),
      line(NODE_ROLE, 3000),
      line('arn:aws:iam::123456789012:role/ci', 2000),
      { timestamp: 4000, message: 'msg="access granted"' }
    ])
    expect(d.map((x) => [x.arn, x.count, x.lastSeen])).toEqual([
      [NODE_ROLE, 2, new Date(3000).toISOString()],
      ['arn:aws:iam::123456789012:role/ci', 1, new Date(2000).toISOString()]
    ])
    const e = healthyEvidence()
    e.aws.authenticatorDenials = d
    const f = only(e, 'authenticator-denied')
    expect(f.find((x) => x.resource === 'principal/gpu-prod-node')?.fix.command).toContain(`--principal-arn ${NODE_ROLE} --type EC2_LINUX`)
    expect(f.find((x) => x.resource === 'principal/ci')?.fix.command).toContain('associate-access-policy')
  })
})

describe('load balancers', () => {
  test('internal load balancers need private subnets tagged internal-elb in two zones', () => {
    const e = healthyEvidence()
    e.kube!.services = [{ namespace: 'inference', name: 'triton', type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb', hostnames: [] }]
    e.kube!.workloads.push({ namespace: 'kube-system', name: 'aws-load-balancer-controller', kind: 'Deployment', desired: 1, ready: 1, images: [] })
    expect(only(e, 'lb-subnet-tags')[0].evidence).toMatchObject({ tag: 'kubernetes.io/role/internal-elb', scheme: 'internal' })
    e.aws.subnets.push({
      id: 'subnet-b',
      vpcId: 'vpc-1',
      cidr: '10.0.2.0/24',
      az: 'us-east-1b',
      availableIps: 200,
      tags: { 'kubernetes.io/role/internal-elb': '1' }
    })
    e.aws.subnets[0].tags['kubernetes.io/role/internal-elb'] = '1'
    expect(only(e, 'lb-subnet-tags')).toHaveLength(0)
  })
  test('in-tree load balancer Services do not need the controller', () => {
    const e = healthyEvidence()
    e.kube!.services = [{ namespace: 'inference', name: 'triton', type: 'LoadBalancer', hostnames: [] }]
    expect(fired(e)).toEqual([])
  })
})

describe('evaluate', () => {
  test('a rule that throws becomes an info finding, the others still run', () => {
    const boom: Rule = {
      id: 'boom',
      title: 'b',
      category: 'nodes',
      reads: ['eks:DescribeCluster'],
      check: () => {
        throw new Error('bad evidence')
      }
    }
    const r = evaluate(healthyEvidence(), [boom, ...RULES])
    expect(r.findings).toEqual([expect.objectContaining({ rule: 'boom', severity: 'info', message: expect.stringContaining('bad evidence') })])
  })
  test('an unreachable API server leaves only endpoint-unreachable (and AWS-only rules)', () => {
    const e = healthyEvidence()
    e.kube = undefined
    e.kubeError = 'connect ETIMEDOUT 10.0.0.1:443'
    expect(fired(e)).toEqual(['endpoint-unreachable:error:cluster/gpu-prod'])
  })
})
