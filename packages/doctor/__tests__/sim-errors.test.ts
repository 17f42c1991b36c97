import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { applyScenario, createAwsSimulator, type AppliedScenario, type AwsSimulator } from '@gpuship/testkit'
import { createSdkAwsReader } from '../src/index.js'

// Error answers of the doctor's simulator services, as the real SDK clients parse them: the reader
// turns IAM's NoSuchEntity into "role does not exist" and lets the others through with their codes.
let aws: AwsSimulator
let s: AppliedScenario
beforeAll(async () => {
  aws = await createAwsSimulator()
  s = await applyScenario('healthy', { aws })
})
afterAll(() => aws.close())

const sdk = async () => {
  const [ec2, iam, eks, asg, elb] = await Promise.all([
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-eks'),
    import('@aws-sdk/client-auto-scaling'),
    import('@aws-sdk/client-elastic-load-balancing-v2')
  ])
  const cfg = { region: s.region, endpoint: aws.endpoint, credentials: s.credentials, maxAttempts: 1 }
  return { ec2, iam, eks, asg, elb, cfg }
}
const nameOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: { name: string }) => e.name
  )

describe('simulator errors through the SDK', () => {
  test('each protocol carries its error code to the SDK', async () => {
    const { ec2, iam, eks, asg, elb, cfg } = await sdk()
    expect(await nameOf(new ec2.EC2Client(cfg).send(new ec2.DescribeSecurityGroupsCommand({ GroupIds: ['sg-0nope'] })))).toBe('InvalidGroup.NotFound')
    expect(await nameOf(new ec2.EC2Client(cfg).send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })))).toBe(
      'InvalidParameterValue'
    )
    expect(await nameOf(new ec2.EC2Client(cfg).send(new ec2.DescribeVpcAttributeCommand({ VpcId: 'vpc-0nope', Attribute: 'enableDnsSupport' })))).toBe(
      'InvalidVpcID.NotFound'
    )
    expect(await nameOf(new iam.IAMClient(cfg).send(new iam.GetRoleCommand({ RoleName: 'nope' })))).toBe('NoSuchEntityException')
    expect(await nameOf(new eks.EKSClient(cfg).send(new eks.DescribeAddonCommand({ clusterName: 'gpu-prod', addonName: 'nope' })))).toBe(
      'ResourceNotFoundException'
    )
    expect(await nameOf(new asg.AutoScalingClient(cfg).send(new asg.DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'nope' })))).toBe(
      'ValidationError'
    )
    expect(await nameOf(new elb.ElasticLoadBalancingV2Client(cfg).send(new elb.DescribeLoadBalancersCommand({ Names: ['nope'] })))).toBe(
      'LoadBalancerNotFoundException'
    )
  })
  test('the reader maps a missing role to exists: false and reads a role with its URL-encoded trust policy', async () => {
    const r = createSdkAwsReader({ region: s.region, endpoint: aws.endpoint, credentials: s.credentials, maxAttempts: 1 })
    expect(await r.getRole('arn:aws:iam::123456789012:role/deleted')).toEqual({
      arn: 'arn:aws:iam::123456789012:role/deleted',
      name: 'deleted',
      exists: false,
      attachedPolicyArns: []
    })
    const role = await r.getRole('arn:aws:iam::123456789012:role/triton-models')
    expect(role.trustPolicy?.Statement).toEqual([expect.objectContaining({ Action: 'sts:AssumeRoleWithWebIdentity' })])
    expect(role.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'])
  })
  test('throttling is retried by the SDK (standard retry), then the read succeeds', async () => {
    const before = aws.calls.length
    aws.faults.add({ kind: 'throttle', service: 'ec2', action: 'DescribeSubnets', times: 1 })
    const r = createSdkAwsReader({ region: s.region, endpoint: aws.endpoint, credentials: s.credentials, maxAttempts: 3 })
    expect(await r.describeSubnets('vpc-0gpuprod')).toHaveLength(4)
    expect(
      aws.calls
        .slice(before)
        .filter((c) => c.action === 'DescribeSubnets')
        .map((c) => c.status)
    ).toEqual([400, 200])
  })
})
