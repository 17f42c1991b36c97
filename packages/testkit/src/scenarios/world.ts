import type { Ec2Instance, Ec2NetworkInterface, Ec2RouteTable, Ec2SecurityGroup, Ec2Subnet, Ec2Vpc, Ec2VpcEndpoint } from '../aws/ec2-state.js'
import type { Addon, ClusterDetails, Nodegroup } from '../aws/eks-nodegroups.js'
import type { AsgActivity, AsgGroup } from '../aws/autoscaling.js'
import type { LoadBalancer } from '../aws/elb.js'
import type { PolicyDocument } from '../aws/state.js'
import type { NodeSpec } from '../kube/scenario.js'
import type { KObject } from '../kube/store.js'

/**
 * One EKS GPU cluster as data: the AWS side in each service's wire shapes, the Kubernetes side
 * as objects. `healthyWorld()` is a cluster the doctor finds nothing wrong with; each named
 * scenario changes exactly one thing in it.
 */
export interface RoleSpec {
  name: string
  trustPolicy: PolicyDocument
  attached: string[]
}

export interface KubeWorld {
  nodes: (NodeSpec & { nodegroup: string })[]
  devicePlugin: boolean
  /** Objects created as they are (plural -> objects); controllers then run them. */
  objects: { plural: string; obj: KObject }[]
  /** Images whose containers never become ready (kube simulator fault). */
  neverReady: string[]
  /** The API answers 503 to everything (an endpoint the caller cannot reach). */
  unreachable: boolean
  /** Pods expected to stay Pending (settling waits for their FailedScheduling event). */
  expectPending: string[]
}

export interface AwsWorld {
  account: string
  region: string
  cluster: {
    name: string
    version: string
    status: 'ACTIVE' | 'FAILED' | 'UPDATING' | 'CREATING'
    roleName: string
    certificateAuthority?: string
    details: ClusterDetails
  }
  roles: RoleSpec[]
  oidc: boolean
  oidcClientIds: string[]
  nodegroups: Nodegroup[]
  addons: Addon[]
  accessEntries: { principalName: string; type: 'STANDARD' | 'EC2_LINUX'; username: string; groups: string[]; policies: string[] }[]
  vpc: Ec2Vpc
  subnets: Ec2Subnet[]
  routeTables: Ec2RouteTable[]
  vpcEndpoints: Ec2VpcEndpoint[]
  /** Instances; `launchedMinutesAgo` becomes launchTime when applied. */
  instances: (Omit<Ec2Instance, 'launchTime'> & { launchedMinutesAgo: number })[]
  securityGroups: Ec2SecurityGroup[]
  networkInterfaces: Ec2NetworkInterface[]
  asgs: AsgGroup[]
  activities: (Omit<AsgActivity, 'StartTime'> & { minutesAgo: number })[]
  loadBalancers: Omit<LoadBalancer, 'CreatedTime'>[]
  /** Control-plane log lines by stream of /aws/eks/<cluster>/cluster; `minutesAgo` becomes the timestamp. */
  controlPlaneLogs: Record<string, { minutesAgo: number; message: string }[]>
}

export interface World {
  aws: AwsWorld
  kube: KubeWorld
}

export const ACCOUNT = '123456789012'
export const REGION = 'us-east-1'
export const CLUSTER = 'gpu-prod'
export const OIDC_ID = 'B0A1C2D3E4F5A6B7C8D9E0F1A2B3C4D5'
export const OIDC_HOST = `oidc.eks.${REGION}.amazonaws.com/id/${OIDC_ID}`
export const CNI_IMAGE = `602401143452.dkr.ecr.${REGION}.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1`
export const LB_HOSTNAME = `k8s-inferenc-tritonpu-0a1b2c3d4e-0123456789abcdef.elb.${REGION}.amazonaws.com`

const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`
const tags = (t: Record<string, string>) => Object.entries(t).map(([key, value]) => ({ key, value }))
const ec2Trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]
}
const eksTrust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]
}

export function irsaTrust(namespace: string, sa: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${OIDC_HOST}:sub`]: `system:serviceaccount:${namespace}:${sa}`, [`${OIDC_HOST}:aud`]: 'sts.amazonaws.com' } }
      }
    ]
  }
}

const NODES = [
  { name: 'ip-10-0-1-10.ec2.internal', id: 'i-0a1b2c3d4e5f60001', ip: '10.0.1.10', subnet: 'subnet-0private1a', ng: 'system', type: 'm5.large' },
  { name: 'ip-10-0-2-20.ec2.internal', id: 'i-0a1b2c3d4e5f60002', ip: '10.0.2.20', subnet: 'subnet-0private1b', ng: 'gpu', type: 'g5.xlarge' }
]

export function instanceFor(
  n: { name: string; id: string; ip: string; subnet: string; ng: string; type: string },
  minutesAgo = 120
): AwsWorld['instances'][number] {
  return {
    instanceId: n.id,
    imageId: 'ami-0eks0optimized0001',
    instanceState: { code: 16, name: 'running' },
    privateDnsName: n.name,
    privateIpAddress: n.ip,
    instanceType: n.type,
    launchedMinutesAgo: minutesAgo,
    subnetId: n.subnet,
    vpcId: 'vpc-0gpuprod',
    groupSet: [{ groupId: 'sg-0cluster', groupName: `eks-cluster-sg-${CLUSTER}` }],
    tagSet: tags({
      [`kubernetes.io/cluster/${CLUSTER}`]: 'owned',
      'eks:cluster-name': CLUSTER,
      'eks:nodegroup-name': n.ng,
      'aws:autoscaling:groupName': `eks-${n.ng}-asg`
    })
  }
}

function nodegroup(name: string, type: string, subnets: string[], extra: Partial<Nodegroup> = {}): Nodegroup {
  return {
    nodegroupName: name,
    version: '1.32',
    releaseVersion: '1.32.3-20250519',
    status: 'ACTIVE',
    capacityType: 'ON_DEMAND',
    scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 },
    instanceTypes: [type],
    subnets,
    amiType: type.startsWith('g') ? 'AL2023_x86_64_NVIDIA' : 'AL2023_x86_64_STANDARD',
    nodeRole: `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-node`,
    resources: { autoScalingGroups: [{ name: `eks-${name}-asg` }] },
    health: { issues: [] },
    ...extra
  }
}

const labels = (app: string) => ({ 'k8s-app': app })
function daemonSet(name: string, app: string, image: string): KObject {
  return {
    metadata: { name, namespace: 'kube-system', labels: labels(app) },
    spec: {
      selector: { matchLabels: labels(app) },
      template: { metadata: { labels: labels(app) }, spec: { tolerations: [{ operator: 'Exists' }], containers: [{ name, image, resources: {} }] } }
    }
  }
}
function deployment(
  ns: string,
  name: string,
  labelSet: Record<string, string>,
  image: string,
  replicas: number,
  spec: Record<string, unknown> = {},
  resources: Record<string, unknown> = {}
): KObject {
  return {
    metadata: { name, namespace: ns, labels: labelSet },
    spec: {
      replicas,
      selector: { matchLabels: labelSet },
      template: { metadata: { labels: labelSet }, spec: { containers: [{ name, image, resources }], ...spec } }
    }
  }
}

export const GPU_TOLERATION = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]

export function gpuPod(name: string, spec: Record<string, unknown> = {}): KObject {
  return {
    metadata: { name, namespace: 'inference', labels: { app: name } },
    spec: { containers: [{ name: 'triton', image: 'nvcr.io/nvidia/tritonserver:24.08-py3', resources: { limits: { 'nvidia.com/gpu': '1' } } }], ...spec }
  }
}

export function healthyWorld(): World {
  const privateSubnets = ['subnet-0private1a', 'subnet-0private1b']
  const subnet = (id: string, cidr: string, az: string, t: Record<string, string>): Ec2Subnet => ({
    subnetId: id,
    vpcId: 'vpc-0gpuprod',
    cidrBlock: cidr,
    availabilityZone: az,
    availableIpAddressCount: 230,
    tagSet: tags(t)
  })
  const aws: AwsWorld = {
    account: ACCOUNT,
    region: REGION,
    cluster: {
      name: CLUSTER,
      version: '1.32',
      status: 'ACTIVE',
      roleName: `${CLUSTER}-cluster`,
      details: {
        resourcesVpcConfig: {
          subnetIds: privateSubnets,
          securityGroupIds: [],
          clusterSecurityGroupId: 'sg-0cluster',
          vpcId: 'vpc-0gpuprod',
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['0.0.0.0/0']
        },
        accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
        logging: {
          clusterLogging: [
            { types: ['api', 'audit', 'authenticator'], enabled: true },
            { types: ['controllerManager', 'scheduler'], enabled: false }
          ]
        }
      }
    },
    roles: [
      { name: `${CLUSTER}-cluster`, trustPolicy: eksTrust, attached: [managed('AmazonEKSClusterPolicy')] },
      {
        name: `${CLUSTER}-node`,
        trustPolicy: ec2Trust,
        attached: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map(managed)
      },
      { name: 'triton-models', trustPolicy: irsaTrust('inference', 'triton'), attached: [managed('AmazonS3ReadOnlyAccess')] },
      {
        name: 'aws-load-balancer-controller',
        trustPolicy: irsaTrust('kube-system', 'aws-load-balancer-controller'),
        attached: [`arn:aws:iam::${ACCOUNT}:policy/AWSLoadBalancerControllerIAMPolicy`]
      }
    ],
    oidc: true,
    oidcClientIds: ['sts.amazonaws.com'],
    nodegroups: [
      nodegroup('system', 'm5.large', privateSubnets),
      nodegroup('gpu', 'g5.xlarge', privateSubnets, { taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }] })
    ],
    addons: ['vpc-cni:v1.19.2-eksbuild.1', 'kube-proxy:v1.32.0-eksbuild.2', 'coredns:v1.11.4-eksbuild.2'].map((s) => ({
      addonName: s.split(':')[0],
      addonVersion: s.split(':')[1],
      status: 'ACTIVE' as const,
      health: { issues: [] }
    })),
    accessEntries: [
      { principalName: `${CLUSTER}-node`, type: 'EC2_LINUX', username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:nodes'], policies: [] },
      {
        principalName: 'deploy',
        type: 'STANDARD',
        username: 'deploy',
        groups: [],
        policies: ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']
      }
    ],
    vpc: { vpcId: 'vpc-0gpuprod', cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true },
    subnets: [
      subnet('subnet-0private1a', '10.0.1.0/24', 'us-east-1a', { 'kubernetes.io/role/internal-elb': '1', Name: 'private-a' }),
      subnet('subnet-0private1b', '10.0.2.0/24', 'us-east-1b', { 'kubernetes.io/role/internal-elb': '1', Name: 'private-b' }),
      subnet('subnet-0public1a', '10.0.101.0/24', 'us-east-1a', { 'kubernetes.io/role/elb': '1', Name: 'public-a' }),
      subnet('subnet-0public1b', '10.0.102.0/24', 'us-east-1b', { 'kubernetes.io/role/elb': '1', Name: 'public-b' })
    ],
    routeTables: [
      {
        routeTableId: 'rtb-0main',
        vpcId: 'vpc-0gpuprod',
        associationSet: [{ routeTableAssociationId: 'rtbassoc-0main', routeTableId: 'rtb-0main', main: true }],
        routeSet: [{ destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local' }],
        tagSet: []
      },
      {
        routeTableId: 'rtb-0private',
        vpcId: 'vpc-0gpuprod',
        associationSet: privateSubnets.map((s, i) => ({
          routeTableAssociationId: `rtbassoc-0priv${i}`,
          routeTableId: 'rtb-0private',
          subnetId: s,
          main: false
        })),
        routeSet: [
          { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local' },
          { destinationCidrBlock: '0.0.0.0/0', natGatewayId: 'nat-0gpuprod' }
        ],
        tagSet: []
      },
      {
        routeTableId: 'rtb-0public',
        vpcId: 'vpc-0gpuprod',
        associationSet: ['subnet-0public1a', 'subnet-0public1b'].map((s, i) => ({
          routeTableAssociationId: `rtbassoc-0pub${i}`,
          routeTableId: 'rtb-0public',
          subnetId: s,
          main: false
        })),
        routeSet: [
          { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local' },
          { destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-0gpuprod' }
        ],
        tagSet: []
      }
    ],
    vpcEndpoints: [],
    instances: NODES.map((n) => instanceFor(n)),
    securityGroups: [
      {
        groupId: 'sg-0cluster',
        groupName: `eks-cluster-sg-${CLUSTER}`,
        groupDescription: 'EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.',
        vpcId: 'vpc-0gpuprod',
        ownerId: ACCOUNT,
        ipPermissions: [{ ipProtocol: '-1', groups: [{ groupId: 'sg-0cluster', userId: ACCOUNT }], ipRanges: [] }],
        ipPermissionsEgress: [{ ipProtocol: '-1', groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0' }] }],
        tagSet: []
      }
    ],
    networkInterfaces: NODES.map((n, i) => ({
      networkInterfaceId: `eni-0node${i}`,
      subnetId: n.subnet,
      vpcId: 'vpc-0gpuprod',
      status: 'in-use',
      description: '',
      privateIpAddress: n.ip,
      privateIpAddressesSet: [0, 1, 2, 3, 4].map((k) => ({ privateIpAddress: `${n.ip.split('.').slice(0, 3).join('.')}.${100 + k}`, primary: k === 0 })),
      tagSet: []
    })),
    asgs: ['system', 'gpu'].map((ng, i) => ({
      AutoScalingGroupName: `eks-${ng}-asg`,
      MinSize: 1,
      MaxSize: 3,
      DesiredCapacity: 1,
      AvailabilityZones: ['us-east-1a', 'us-east-1b'],
      VPCZoneIdentifier: privateSubnets.join(','),
      Instances: [
        {
          InstanceId: NODES[i].id,
          LifecycleState: 'InService',
          HealthStatus: 'Healthy',
          AvailabilityZone: i ? 'us-east-1b' : 'us-east-1a',
          ProtectedFromScaleIn: false
        }
      ],
      Tags: [{ Key: 'eks:nodegroup-name', Value: ng, ResourceId: `eks-${ng}-asg`, ResourceType: 'auto-scaling-group', PropagateAtLaunch: true }]
    })),
    activities: ['system', 'gpu'].map((ng, i) => ({
      ActivityId: `0000000${i}-aaaa-bbbb-cccc-000000000000`,
      AutoScalingGroupName: `eks-${ng}-asg`,
      Description: `Launching a new EC2 instance: ${NODES[i].id}`,
      Cause:
        'At 2026-12-04T17:00:00Z a user request update of AutoScalingGroup constraints to min: 1, max: 3, desired: 1 changing the desired capacity from 0 to 1.',
      StatusCode: 'Successful',
      Progress: 100,
      minutesAgo: 120
    })),
    controlPlaneLogs: {
      'authenticator-0a1b2c3d4e5f': [
        {
          minutesAgo: 20,
          message: `time="2026-12-04T18:40:00Z" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-node" client="127.0.0.1:41234" groups="[system:nodes]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROAEXAMPLE" username="system:node:ip-10-0-2-20.ec2.internal"`
        }
      ],
      'kube-apiserver-audit-0a1b2c3d4e5f': []
    },
    loadBalancers: [
      {
        LoadBalancerArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/k8s-inferenc-tritonpu-0a1b2c3d4e/0123456789abcdef`,
        LoadBalancerName: 'k8s-inferenc-tritonpu-0a1b2c3d4e',
        DNSName: LB_HOSTNAME,
        Scheme: 'internet-facing',
        VpcId: 'vpc-0gpuprod',
        Type: 'network',
        State: { Code: 'active' },
        AvailabilityZones: [
          { ZoneName: 'us-east-1a', SubnetId: 'subnet-0public1a' },
          { ZoneName: 'us-east-1b', SubnetId: 'subnet-0public1b' }
        ]
      }
    ]
  }
  const kube: KubeWorld = {
    nodes: [
      {
        name: NODES[0].name,
        nodegroup: 'system',
        instanceType: 'm5.large',
        labels: { 'eks.amazonaws.com/nodegroup': 'system', 'topology.kubernetes.io/zone': 'us-east-1a' }
      },
      {
        name: NODES[1].name,
        nodegroup: 'gpu',
        instanceType: 'g5.xlarge',
        gpus: 1,
        labels: { 'eks.amazonaws.com/nodegroup': 'gpu', 'topology.kubernetes.io/zone': 'us-east-1b' },
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]
      }
    ],
    devicePlugin: true,
    neverReady: [],
    unreachable: false,
    expectPending: [],
    objects: [
      { plural: 'daemonsets', obj: daemonSet('aws-node', 'aws-node', CNI_IMAGE) },
      {
        plural: 'daemonsets',
        obj: daemonSet('kube-proxy', 'kube-proxy', `602401143452.dkr.ecr.${REGION}.amazonaws.com/eks/kube-proxy:v1.32.0-minimal-eksbuild.2`)
      },
      {
        plural: 'deployments',
        obj: deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, `602401143452.dkr.ecr.${REGION}.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2`, 2)
      },
      {
        plural: 'serviceaccounts',
        obj: {
          metadata: {
            name: 'aws-load-balancer-controller',
            namespace: 'kube-system',
            annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/aws-load-balancer-controller` }
          }
        }
      },
      {
        plural: 'deployments',
        obj: deployment(
          'kube-system',
          'aws-load-balancer-controller',
          { 'app.kubernetes.io/name': 'aws-load-balancer-controller' },
          'public.ecr.aws/eks/aws-load-balancer-controller:v2.11.0',
          1,
          { serviceAccountName: 'aws-load-balancer-controller' }
        )
      },
      {
        plural: 'namespaces',
        obj: {
          metadata: { name: 'inference', labels: { 'kubernetes.io/metadata.name': 'inference' } },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' }
        }
      },
      {
        plural: 'serviceaccounts',
        obj: {
          metadata: { name: 'triton', namespace: 'inference', annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/triton-models` } }
        }
      },
      {
        plural: 'deployments',
        obj: deployment(
          'inference',
          'triton',
          { app: 'triton' },
          'nvcr.io/nvidia/tritonserver:24.08-py3',
          1,
          { serviceAccountName: 'triton', tolerations: GPU_TOLERATION },
          { limits: { 'nvidia.com/gpu': '1' } }
        )
      },
      {
        plural: 'services',
        obj: {
          metadata: {
            name: 'triton-public',
            namespace: 'inference',
            annotations: {
              'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
              'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
              'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip'
            }
          },
          spec: { type: 'LoadBalancer', selector: { app: 'triton' }, ports: [{ name: 'http', port: 8000, targetPort: 8000, protocol: 'TCP' }] },
          status: { loadBalancer: { ingress: [{ hostname: LB_HOSTNAME }] } }
        }
      }
    ]
  }
  return { aws, kube }
}
