import type {
  AccessEntryEvidence,
  AddonEvidence,
  AwsAuthMapping,
  ClusterEvidence,
  EventEvidence,
  IngressEvidence,
  InstanceEvidence,
  LoadBalancerEvidence,
  NetworkInterfaceEvidence,
  NodeEvidence,
  NodegroupEvidence,
  OidcProviderEvidence,
  PodEvidence,
  RoleEvidence,
  RouteTableEvidence,
  ScalingActivityEvidence,
  SecurityGroupEvidence,
  ServiceAccountEvidence,
  ServiceEvidence,
  SubnetEvidence,
  VpcEndpointEvidence,
  WorkloadEvidence
} from './evidence.js'

/**
 * The AWS calls the doctor makes, every one a Describe*, List* or Get*. Implementations map the
 * API's answer to evidence; `createSdkAwsReader` is the real one.
 */
export interface AwsReader {
  readonly region: string
  describeCluster(name: string): Promise<ClusterEvidence>
  listNodegroups(cluster: string): Promise<string[]>
  describeNodegroup(cluster: string, name: string): Promise<NodegroupEvidence>
  listAddons(cluster: string): Promise<string[]>
  describeAddon(cluster: string, name: string): Promise<AddonEvidence>
  listAccessEntries(cluster: string): Promise<string[]>
  /** DescribeAccessEntry plus ListAssociatedAccessPolicies. */
  describeAccessEntry(cluster: string, principalArn: string): Promise<AccessEntryEvidence>
  /** GetRole plus ListAttachedRolePolicies; `exists: false` on NoSuchEntity. */
  getRole(arn: string): Promise<RoleEvidence>
  /** ListOpenIDConnectProviders plus GetOpenIDConnectProvider of each. */
  listOidcProviders(): Promise<OidcProviderEvidence[]>
  describeSubnets(vpcId: string): Promise<SubnetEvidence[]>
  describeRouteTables(vpcId: string): Promise<RouteTableEvidence[]>
  describeVpcAttributes(vpcId: string): Promise<{ enableDnsSupport: boolean; enableDnsHostnames: boolean }>
  describeVpcEndpoints(vpcId: string): Promise<VpcEndpointEvidence[]>
  /** Instances tagged for the cluster (`kubernetes.io/cluster/<name>` or `eks:cluster-name`). */
  describeClusterInstances(cluster: string): Promise<InstanceEvidence[]>
  describeSecurityGroups(ids: string[]): Promise<SecurityGroupEvidence[]>
  describeNetworkInterfaces(subnetIds: string[]): Promise<NetworkInterfaceEvidence[]>
  /** DescribeAutoScalingGroups (which exist) then DescribeScalingActivities of each. */
  describeScalingActivities(asgNames: string[]): Promise<ScalingActivityEvidence[]>
  describeLoadBalancers(vpcId: string): Promise<LoadBalancerEvidence[]>
  /** FilterLogEvents on /aws/eks/<cluster>/cluster, authenticator streams, "access denied" lines since `sinceMs`. */
  authenticatorDenials(cluster: string, sinceMs: number): Promise<{ timestamp: number; message: string }[]>
}

/** The Kubernetes reads: GET and LIST only. `namespaces` empty means all namespaces. */
export interface KubeReader {
  version(): Promise<string>
  nodes(): Promise<NodeEvidence[]>
  pods(namespaces: string[]): Promise<PodEvidence[]>
  events(namespaces: string[]): Promise<EventEvidence[]>
  workloads(): Promise<WorkloadEvidence[]>
  serviceAccounts(namespaces: string[]): Promise<ServiceAccountEvidence[]>
  ingresses(namespaces: string[]): Promise<IngressEvidence[]>
  services(namespaces: string[]): Promise<ServiceEvidence[]>
  /** kube-system/aws-auth mapRoles, undefined when the ConfigMap is absent. */
  awsAuth(): Promise<AwsAuthMapping[] | undefined>
}
