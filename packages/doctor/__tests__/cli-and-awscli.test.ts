import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { applyScenario, createAwsSimulator, startKubeSimulator, type AppliedScenario, type AwsSimulator, type KubeSimulator } from '@gpuship/testkit'

// Two real clients against the simulators: awscli (botocore's parsers, a second implementation
// of each protocol) reads what the doctor's simulator services answer, and `gpuship doctor`
// runs as a process with credentials from the environment and the kubeconfig from KUBECONFIG.
jest.setTimeout(90_000)
const exec = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
let aws: AwsSimulator
let kube: KubeSimulator
let s: AppliedScenario
let env: Record<string, string>

beforeAll(async () => {
  aws = await createAwsSimulator()
  kube = await startKubeSimulator({ clusterName: 'gpu-prod' })
  s = await applyScenario('private-subnet-no-egress', { aws, kube })
  const home = mkdtempSync(join(tmpdir(), 'doctor-cli-'))
  writeFileSync(join(home, 'kubeconfig'), kube.kubeconfig())
  env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    KUBECONFIG: join(home, 'kubeconfig'),
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    ...aws.env(s.credentials, s.region)
  }
})
afterAll(async () => {
  await Promise.all([aws?.close(), kube?.close()])
})

const awscli = async (args: string[]) =>
  JSON.parse((await exec('aws', [...args, '--endpoint-url', aws.endpoint, '--region', s.region, '--output', 'json'], { env })).stdout)

describe('awscli against the doctor services', () => {
  test('ec2 describe-subnets with a filter', async () => {
    const r = await awscli(['ec2', 'describe-subnets', '--filters', 'Name=vpc-id,Values=vpc-0gpuprod', 'Name=tag:Name,Values=private-*'])
    expect(r.Subnets.map((x: { SubnetId: string }) => x.SubnetId).sort()).toEqual(['subnet-0private1a', 'subnet-0private1b'])
    expect(r.Subnets[0]).toMatchObject({
      VpcId: 'vpc-0gpuprod',
      AvailableIpAddressCount: 230,
      Tags: expect.arrayContaining([{ Key: 'kubernetes.io/role/internal-elb', Value: '1' }])
    })
  })
  test('ec2 describe-route-tables, describe-vpc-attribute, describe-vpc-endpoints, describe-instances, describe-security-groups', async () => {
    const rt = await awscli(['ec2', 'describe-route-tables', '--filters', 'Name=vpc-id,Values=vpc-0gpuprod'])
    expect(rt.RouteTables.find((t: { RouteTableId: string }) => t.RouteTableId === 'rtb-0private').Routes).toEqual([
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRoute', State: 'active' }
    ])
    expect(await awscli(['ec2', 'describe-vpc-attribute', '--vpc-id', 'vpc-0gpuprod', '--attribute', 'enableDnsHostnames'])).toEqual({
      VpcId: 'vpc-0gpuprod',
      EnableDnsHostnames: { Value: true }
    })
    const ep = await awscli(['ec2', 'describe-vpc-endpoints'])
    expect(ep.VpcEndpoints[0]).toMatchObject({ ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0private'] })
    const inst = await awscli(['ec2', 'describe-instances', '--filters', 'Name=tag:eks:nodegroup-name,Values=gpu', 'Name=instance-state-name,Values=running'])
    expect(inst.Reservations[0].Instances[0]).toMatchObject({
      InstanceId: 'i-0a1b2c3d4e5f60002',
      InstanceType: 'g5.xlarge',
      State: { Code: 16, Name: 'running' },
      SecurityGroups: [{ GroupId: 'sg-0cluster', GroupName: 'eks-cluster-sg-gpu-prod' }]
    })
    const sg = await awscli(['ec2', 'describe-security-groups', '--group-ids', 'sg-0cluster'])
    expect(sg.SecurityGroups[0].IpPermissions[0]).toMatchObject({ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-0cluster', UserId: '123456789012' }] })
    const bad = await exec('aws', ['ec2', 'describe-security-groups', '--group-ids', 'sg-0nope', '--endpoint-url', aws.endpoint, '--region', s.region], {
      env
    }).catch((e: { stderr: string }) => e)
    expect((bad as { stderr: string }).stderr).toContain('InvalidGroup.NotFound')
  })
  test('eks describe-nodegroup, list-addons, describe-access-entry', async () => {
    const ng = await awscli(['eks', 'describe-nodegroup', '--cluster-name', 'gpu-prod', '--nodegroup-name', 'gpu'])
    expect(ng.nodegroup).toMatchObject({
      nodegroupName: 'gpu',
      status: 'ACTIVE',
      instanceTypes: ['g5.xlarge'],
      resources: { autoScalingGroups: [{ name: 'eks-gpu-asg' }] },
      nodeRole: 'arn:aws:iam::123456789012:role/gpu-prod-node'
    })
    expect((await awscli(['eks', 'list-addons', '--cluster-name', 'gpu-prod'])).addons).toEqual(['coredns', 'kube-proxy', 'vpc-cni'])
    const entry = await awscli([
      'eks',
      'describe-access-entry',
      '--cluster-name',
      'gpu-prod',
      '--principal-arn',
      'arn:aws:iam::123456789012:role/gpu-prod-node'
    ])
    expect(entry.accessEntry).toMatchObject({ type: 'EC2_LINUX', username: 'system:node:{{EC2PrivateDNSName}}' })
    const missing = await exec(
      'aws',
      ['eks', 'describe-nodegroup', '--cluster-name', 'gpu-prod', '--nodegroup-name', 'nope', '--endpoint-url', aws.endpoint, '--region', s.region],
      { env }
    ).catch((e: { stderr: string }) => e)
    expect((missing as { stderr: string }).stderr).toContain('ResourceNotFoundException')
  })
  test('iam get-role and list-attached-role-policies, autoscaling describe-scaling-activities, logs filter-log-events, elbv2 describe-load-balancers', async () => {
    const role = await awscli(['iam', 'get-role', '--role-name', 'triton-models'])
    expect(role.Role.AssumeRolePolicyDocument.Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity')
    expect((await awscli(['iam', 'list-attached-role-policies', '--role-name', 'gpu-prod-node'])).AttachedPolicies).toHaveLength(3)
    const acts = await awscli(['autoscaling', 'describe-scaling-activities', '--auto-scaling-group-name', 'eks-gpu-asg'])
    expect(acts.Activities[0]).toMatchObject({ StatusCode: 'Successful', AutoScalingGroupName: 'eks-gpu-asg' })
    const logs = await awscli(['logs', 'filter-log-events', '--log-group-name', '/aws/eks/gpu-prod/cluster', '--log-stream-name-prefix', 'authenticator-', '--filter-pattern', '"access granted"'])
    expect(logs.events).toEqual([expect.objectContaining({ logStreamName: 'authenticator-0a1b2c3d4e5f', message: expect.stringContaining('msg="access granted"') })])
    const lbs = await awscli(['elbv2', 'describe-load-balancers'])
    expect(lbs.LoadBalancers[0]).toMatchObject({ Scheme: 'internet-facing', State: { Code: 'active' }, Type: 'network' })
  })
})

// Debian's awscli v2 (its own botocore fork) when installed, for the two commands the brief names.
const V2 = '/usr/bin/aws'
;(existsSync(V2) ? describe : describe.skip)('awscli v2 (/usr/bin/aws)', () => {
  const v2 = async (args: string[]) =>
    JSON.parse((await exec(V2, [...args, '--endpoint-url', aws.endpoint, '--region', s.region, '--output', 'json'], { env })).stdout)
  test('ec2 describe-subnets and eks describe-nodegroup', async () => {
    expect((await v2(['ec2', 'describe-subnets', '--filters', 'Name=vpc-id,Values=vpc-0gpuprod'])).Subnets).toHaveLength(4)
    expect((await v2(['eks', 'describe-nodegroup', '--cluster-name', 'gpu-prod', '--nodegroup-name', 'system'])).nodegroup).toMatchObject({
      nodegroupName: 'system',
      scalingConfig: { desiredSize: 1 },
      health: { issues: [] }
    })
  })
})

describe('gpuship doctor (a process, standard credential chain, KUBECONFIG)', () => {
  const gpuship = (args: string[]) =>
    exec(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'packages/cli/src/bin.ts'), 'doctor', ...args], { cwd: root, env }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e
    )
  test('text report with the finding, its fix, and exit 1 under --fail-on error', async () => {
    const r = await gpuship(['--cluster-name', 'gpu-prod', '--region', 'us-east-1'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('[error] private-subnet-egress subnet/subnet-0private1a')
    expect(r.stdout).toContain('runbook: docs/runbooks/private-subnet-egress.md')
    expect(r.stdout).toContain('$ aws ec2 create-vpc-endpoint --vpc-id vpc-0gpuprod --service-name com.amazonaws.us-east-1.ecr.dkr')
  })
  test('--json and --fail-on never', async () => {
    const r = await gpuship(['--cluster-name', 'gpu-prod', '--json', '--fail-on', 'never'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual(['private-subnet-egress', 'private-subnet-egress'])
    expect(report.findings[0].evidence.missing).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts'])
  })
  test('a bad flag names itself', async () => {
    const r = await gpuship(['--cluster-name', 'gpu-prod', '--fail-on', 'maybe'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--fail-on')
  })
})
