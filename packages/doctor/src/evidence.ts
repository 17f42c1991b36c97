/**
 * What the doctor read, normalised from the AWS and Kubernetes APIs. Rules are pure functions
 * over this object, so they are unit-tested on evidence alone and the readers are tested apart.
 * Absent means "not read" (the call failed or was not allowed), which rules treat as unknown.
 */

export interface HealthIssue {
  code: string
  message: string
  resourceIds: string[]
}

export interface ClusterEvidence {
  name: string
  arn?: string
  status: string
  version: string
  endpoint?: string
  /** Base64 PEM as DescribeCluster returns it. */
  certificateAuthority?: string
  roleArn: string
  vpcId?: string
  subnetIds: string[]
  securityGroupIds: string[]
  clusterSecurityGroupId?: string
  endpointPublicAccess?: boolean
  endpointPrivateAccess?: boolean
  oidcIssuer?: string
  authenticationMode?: string
  /** Control-plane log types enabled (api, audit, authenticator, …). */
  logTypes?: string[]
  healthIssues: HealthIssue[]
}

/** "access denied" lines of the EKS authenticator log, grouped by the ARN they name. */
export interface AuthenticatorDenial {
  arn: string
  error: string
  count: number
  lastSeen: string
  sample: string
}

export interface NodegroupEvidence {
  name: string
  status: string
  version?: string
  releaseVersion?: string
  nodeRole: string
  subnets: string[]
  instanceTypes: string[]
  amiType?: string
  desiredSize?: number
  asgNames: string[]
  healthIssues: HealthIssue[]
}

export interface AddonEvidence {
  name: string
  version?: string
  status: string
  healthIssues: HealthIssue[]
  serviceAccountRoleArn?: string
}

export interface AccessEntryEvidence {
  principalArn: string
  type?: string
  username?: string
  kubernetesGroups: string[]
  policyArns: string[]
}

export interface RoleEvidence {
  arn: string
  name: string
  exists: boolean
  /** The trust policy as a parsed JSON document (GetRole returns it URL-encoded). */
  trustPolicy?: PolicyDocument
  attachedPolicyArns: string[]
}

export interface PolicyStatement {
  Effect?: string
  Action?: string | string[]
  Principal?: string | Record<string, string | string[]>
  Condition?: Record<string, Record<string, string | string[]>>
}

export interface PolicyDocument {
  Version?: string
  Statement?: PolicyStatement | PolicyStatement[]
}

export interface OidcProviderEvidence {
  arn: string
  url?: string
  clientIds: string[]
}

export interface SubnetEvidence {
  id: string
  vpcId: string
  cidr: string
  az: string
  availableIps: number
  tags: Record<string, string>
}

export interface RouteEvidence {
  destination: string
  target: string
  state?: string
}

export interface RouteTableEvidence {
  id: string
  main: boolean
  subnetIds: string[]
  routes: RouteEvidence[]
}

export interface VpcEndpointEvidence {
  id: string
  serviceName: string
  type: string
  state: string
  subnetIds: string[]
  routeTableIds: string[]
}

export interface InstanceEvidence {
  id: string
  state: string
  instanceType: string
  privateDnsName: string
  privateIp?: string
  launchTime?: string
  subnetId?: string
  securityGroupIds: string[]
  tags: Record<string, string>
}

export interface Permission {
  protocol: string
  fromPort?: number
  toPort?: number
  cidrs: string[]
  groupIds: string[]
}

export interface SecurityGroupEvidence {
  id: string
  name: string
  ingress: Permission[]
  egress: Permission[]
}

export interface NetworkInterfaceEvidence {
  id: string
  subnetId: string
  status: string
  privateIpCount: number
  description: string
}

export interface ScalingActivityEvidence {
  asgName: string
  statusCode: string
  statusMessage?: string
  description: string
  cause?: string
  startTime?: string
}

export interface LoadBalancerEvidence {
  arn: string
  name: string
  dnsName: string
  scheme: string
  state: string
  stateReason?: string
  subnetIds: string[]
}

export interface AwsEvidence {
  cluster: ClusterEvidence
  nodegroups: NodegroupEvidence[]
  addons: AddonEvidence[]
  accessEntries?: AccessEntryEvidence[]
  /** Keyed by role ARN: the cluster role, node roles and IRSA roles. */
  roles: Record<string, RoleEvidence>
  oidcProviders?: OidcProviderEvidence[]
  subnets: SubnetEvidence[]
  routeTables: RouteTableEvidence[]
  vpcAttributes?: { enableDnsSupport: boolean; enableDnsHostnames: boolean }
  vpcEndpoints: VpcEndpointEvidence[]
  instances: InstanceEvidence[]
  securityGroups: SecurityGroupEvidence[]
  networkInterfaces: NetworkInterfaceEvidence[]
  scalingActivities: ScalingActivityEvidence[]
  loadBalancers: LoadBalancerEvidence[]
  /** Undefined when authenticator logging is off (nothing to read) or the read failed. */
  authenticatorDenials?: AuthenticatorDenial[]
  region: string
}

export interface Taint {
  key: string
  value?: string
  effect: string
}

export interface NodeEvidence {
  name: string
  labels: Record<string, string>
  taints: Taint[]
  ready: boolean
  readyMessage?: string
  kubeletVersion: string
  providerId?: string
  internalIp?: string
  allocatable: Record<string, string>
  capacity: Record<string, string>
}

export interface PodEvidence {
  namespace: string
  name: string
  phase: string
  nodeName?: string
  serviceAccount?: string
  gpuRequest: number
  nodeSelector: Record<string, string>
  unschedulableMessage?: string
  waiting: { container: string; reason: string; message?: string }[]
  labels: Record<string, string>
}

export interface EventEvidence {
  namespace: string
  type: string
  reason: string
  message: string
  kind: string
  name: string
  count: number
  lastTimestamp?: string
}

export interface WorkloadEvidence {
  namespace: string
  name: string
  kind: 'DaemonSet' | 'Deployment'
  desired: number
  ready: number
  images: string[]
}

export interface ServiceAccountEvidence {
  namespace: string
  name: string
  roleArn?: string
}

export interface IngressEvidence {
  namespace: string
  name: string
  className?: string
  scheme?: string
  hostnames: string[]
}

export interface ServiceEvidence {
  namespace: string
  name: string
  type: string
  loadBalancerClass?: string
  scheme?: string
  awsLoadBalancerType?: string
  hostnames: string[]
}

export interface AwsAuthMapping {
  rolearn: string
  username?: string
  groups: string[]
}

export interface KubeEvidence {
  serverVersion?: string
  nodes: NodeEvidence[]
  pods: PodEvidence[]
  events: EventEvidence[]
  workloads: WorkloadEvidence[]
  serviceAccounts: ServiceAccountEvidence[]
  ingresses: IngressEvidence[]
  services: ServiceEvidence[]
  /** kube-system/aws-auth mapRoles; undefined when the ConfigMap does not exist. */
  awsAuth?: AwsAuthMapping[]
}

export interface Evidence {
  /** ISO time the evidence was read; rules judge ages against it, never the wall clock. */
  readAt: string
  aws: AwsEvidence
  /** Undefined when the API server could not be reached; `kubeError` says why. */
  kube?: KubeEvidence
  kubeError?: string
  /** Every API call made, `service:Operation` or `k8s:GET /path`, for the read-only audit. */
  calls: string[]
  /** Reads that failed (AccessDenied, throttling past retries): the report names them, rules see absence. */
  readErrors: { call: string; error: string }[]
}
