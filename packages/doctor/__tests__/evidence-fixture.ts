import type { Evidence, NodeEvidence, PodEvidence } from '../src/index.js'

// Test certificates (public, generated for these tests): a CA valid until 2056 and a CA:FALSE leaf.
export const CA_B64 =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJnRENDQVNlZ0F3SUJBZ0lVQ3BxRGJIcDg1V2IyWGFua1pBblVzMytJbkdFd0NnWUlLb1pJemowRUF3SXcKRlRFVE1CRUdBMVVFQXd3S2EzVmlaWEp1WlhSbGN6QWdGdzB5TmpFeU1EUXhPVE0xTVRKYUdBOHlNRFUyTVRFeQpOakU1TXpVeE1sb3dGVEVUTUJFR0ExVUVBd3dLYTNWaVpYSnVaWFJsY3pCWk1CTUdCeXFHU000OUFnRUdDQ3FHClNNNDlBd0VIQTBJQUJEcEFpcnJkRWc0MkttYWE4ZmsrTSsvaCt5NDRaVjV2WEdsQ2h5cFVRY2JqdTRheUQvT2gKS2J1UWRQblBuSEhLMzNHK2NKMGw1L05vYUl0WllRZ2VhZVdqVXpCUk1CMEdBMVVkRGdRV0JCUVE4SmtQbGNHZApmVFAwVUFlTThRb1kxNndEdURBZkJnTlZIU01FR0RBV2dCUVE4SmtQbGNHZGZUUDBVQWVNOFFvWTE2d0R1REFQCkJnTlZIUk1CQWY4RUJUQURBUUgvTUFvR0NDcUdTTTQ5QkFNQ0EwY0FNRVFDSUF6cUtNNjVBZEswU0V0Sjh6NTcKdmJDK010dnFYS0Z6dkJ1NDFQUmYxTE5VQWlCR2kwd2NSWllCUmpaaTRJc1ltSXp1WUZpbE56V1VtazdlSC9hNAphY1lOd2c9PQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg=='
export const LEAF_B64 =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJiekNDQVJhZ0F3SUJBZ0lVTUZ4SEdrZFlvaDBpazVEUjMxcFFCbXpReWkwd0NnWUlLb1pJemowRUF3SXcKRHpFTk1Bc0dBMVVFQXd3RWJHVmhaakFlRncweU5qRXlNRFF4T1RNMU1USmFGdzB6TmpFeU1ERXhPVE0xTVRKYQpNQTh4RFRBTEJnTlZCQU1NQkd4bFlXWXdXVEFUQmdjcWhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBVE9HYUNsCkM5d2dIOFpsQnc1S2Z2ODVyb09DQU5MQ0pNTk96ZnFHWnJYd2RDWEZLUllTVGE3U3BTRkkxZllZeEo4ODJsajYKS1l6bllsYzhaVTdKYVV1Mm8xQXdUakFkQmdOVkhRNEVGZ1FVVXdLeXlnNEJlc0tNdDFaZDY0aVlqd0daRG5FdwpId1lEVlIwakJCZ3dGb0FVVXdLeXlnNEJlc0tNdDFaZDY0aVlqd0daRG5Fd0RBWURWUjBUQVFIL0JBSXdBREFLCkJnZ3Foa2pPUFFRREFnTkhBREJFQWlBVVRCdC8rOW12bmpJZDM5WkFFOWJmUTJ3RGwvVkVUNlo0OHcyWW5pTGEKT1FJZ0xHVTlNeDlCWW5BL0pONllpd0M1dkhvNXc4dlpZWlRVWTYrTVZ6eUY0UkU9Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K'

export const NODE_ROLE = 'arn:aws:iam::123456789012:role/gpu-prod-node'
const managed = (n: string) => `arn:aws:iam::aws:policy/${n}`

export function node(name: string, extra: Partial<NodeEvidence> = {}): NodeEvidence {
  return {
    name,
    labels: { 'node.kubernetes.io/instance-type': 'm5.large', 'eks.amazonaws.com/nodegroup': 'system' },
    taints: [],
    ready: true,
    kubeletVersion: 'v1.32.4-eks-1234567',
    allocatable: { cpu: '4' },
    capacity: { cpu: '4' },
    ...extra
  }
}

export function gpuNode(name: string, gpus = 1, extra: Partial<NodeEvidence> = {}): NodeEvidence {
  return node(name, {
    labels: { 'node.kubernetes.io/instance-type': 'g5.xlarge', 'eks.amazonaws.com/nodegroup': 'gpu', 'nvidia.com/gpu.present': 'true' },
    taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
    allocatable: gpus ? { cpu: '4', 'nvidia.com/gpu': String(gpus) } : { cpu: '4' },
    ...extra
  })
}

export function pod(name: string, extra: Partial<PodEvidence> = {}): PodEvidence {
  return {
    namespace: 'inference',
    name,
    phase: 'Running',
    nodeName: 'ip-10-0-2-20.ec2.internal',
    gpuRequest: 0,
    nodeSelector: {},
    waiting: [],
    labels: {},
    ...extra
  }
}

/** A healthy cluster as evidence, independent of the simulators. */
export function healthyEvidence(): Evidence {
  const sg = {
    id: 'sg-0cluster',
    name: 'eks-cluster-sg',
    ingress: [{ protocol: '-1', cidrs: [], groupIds: ['sg-0cluster'] }],
    egress: [{ protocol: '-1', cidrs: ['0.0.0.0/0'], groupIds: [] }]
  }
  return {
    readAt: '2026-12-04T19:00:00.000Z',
    calls: [],
    readErrors: [],
    aws: {
      region: 'us-east-1',
      cluster: {
        name: 'gpu-prod',
        status: 'ACTIVE',
        version: '1.32',
        endpoint: 'https://ABC.gr7.us-east-1.eks.amazonaws.com',
        certificateAuthority: CA_B64,
        roleArn: 'arn:aws:iam::123456789012:role/gpu-prod-cluster',
        vpcId: 'vpc-1',
        subnetIds: ['subnet-a'],
        securityGroupIds: [],
        clusterSecurityGroupId: 'sg-0cluster',
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
        oidcIssuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
        authenticationMode: 'API_AND_CONFIG_MAP',
        healthIssues: []
      },
      nodegroups: [
        {
          name: 'gpu',
          status: 'ACTIVE',
          version: '1.32',
          nodeRole: NODE_ROLE,
          subnets: ['subnet-a'],
          instanceTypes: ['g5.xlarge'],
          desiredSize: 1,
          asgNames: ['eks-gpu-asg'],
          healthIssues: []
        }
      ],
      addons: [{ name: 'vpc-cni', status: 'ACTIVE', healthIssues: [] }],
      accessEntries: [{ principalArn: NODE_ROLE, type: 'EC2_LINUX', kubernetesGroups: [], policyArns: [] }],
      roles: {
        'arn:aws:iam::123456789012:role/gpu-prod-cluster': {
          arn: 'arn:aws:iam::123456789012:role/gpu-prod-cluster',
          name: 'gpu-prod-cluster',
          exists: true,
          trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          attachedPolicyArns: [managed('AmazonEKSClusterPolicy')]
        },
        [NODE_ROLE]: {
          arn: NODE_ROLE,
          name: 'gpu-prod-node',
          exists: true,
          attachedPolicyArns: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map(managed)
        }
      },
      oidcProviders: [{ arn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC', clientIds: ['sts.amazonaws.com'] }],
      subnets: [{ id: 'subnet-a', vpcId: 'vpc-1', cidr: '10.0.1.0/24', az: 'us-east-1a', availableIps: 200, tags: {} }],
      routeTables: [
        {
          id: 'rtb-1',
          main: false,
          subnetIds: ['subnet-a'],
          routes: [
            { destination: '10.0.0.0/16', target: 'local' },
            { destination: '0.0.0.0/0', target: 'nat-1' }
          ]
        }
      ],
      vpcAttributes: { enableDnsSupport: true, enableDnsHostnames: true },
      vpcEndpoints: [],
      instances: [
        {
          id: 'i-1',
          state: 'running',
          instanceType: 'g5.xlarge',
          privateDnsName: 'ip-10-0-2-20.ec2.internal',
          privateIp: '10.0.1.20',
          launchTime: '2026-12-04T17:00:00.000Z',
          subnetId: 'subnet-a',
          securityGroupIds: ['sg-0cluster'],
          tags: {}
        }
      ],
      securityGroups: [sg],
      networkInterfaces: [],
      scalingActivities: [],
      loadBalancers: []
    },
    kube: {
      serverVersion: 'v1.32.4',
      nodes: [gpuNode('ip-10-0-2-20.ec2.internal')],
      pods: [pod('triton-0', { gpuRequest: 1 })],
      events: [],
      workloads: [
        { namespace: 'kube-system', name: 'aws-node', kind: 'DaemonSet', desired: 1, ready: 1, images: [] },
        { namespace: 'kube-system', name: 'kube-proxy', kind: 'DaemonSet', desired: 1, ready: 1, images: [] },
        { namespace: 'kube-system', name: 'coredns', kind: 'Deployment', desired: 2, ready: 2, images: [] },
        { namespace: 'kube-system', name: 'nvidia-device-plugin-daemonset', kind: 'DaemonSet', desired: 1, ready: 1, images: [] }
      ],
      serviceAccounts: [],
      ingresses: [],
      services: []
    }
  }
}
