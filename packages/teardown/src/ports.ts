/**
 * What teardown reads and changes, as narrow interfaces: the orchestration is tested over
 * in-memory ports, and the real ports (AWS SDK, Kubernetes client, terraform) are tested over
 * the simulators.
 */
export interface ClusterInfo {
  name: string
  status: string
  arn?: string
  oidcIssuer?: string
}

export interface KubeObjectRef {
  kind: 'Service' | 'Ingress' | 'NodePool'
  namespace?: string
  name: string
  /** The load balancer hostname a Service or Ingress reports, for the log. */
  hostname?: string
}

export interface LoadBalancer {
  arn: string
  name: string
  /** `app`, `net` or `gateway`, as in the ELB ENI description `ELB app/<name>/<id>`. */
  type: string
  dnsName?: string
}

export interface AwsTeardownPort {
  describeCluster(name: string): Promise<ClusterInfo | undefined>
  /** Load balancers the AWS Load Balancer Controller (or the in-tree provider) made for the cluster. */
  listClusterLoadBalancers(cluster: string): Promise<LoadBalancer[]>
  /** ENIs that still belong to the given load balancers (they outlive the LB for a while). */
  listLoadBalancerEnis(lbs: LoadBalancer[]): Promise<string[]>
  listNodegroups(cluster: string): Promise<string[]>
  scaleNodegroupToZero(cluster: string, nodegroup: string): Promise<void>
  /** Everything still tagged or named for the cluster, read-only. */
  findClusterResources(cluster: string): Promise<TaggedResource[]>
  deleteRepository(name: string): Promise<void>
}

export interface TaggedResource {
  arn: string
  tags: Record<string, string>
  /** Set when the resource was found by its name (EKS's log group) rather than a tag. */
  matchedBy?: string
}

export interface KubeTeardownPort {
  listLoadBalancerObjects(): Promise<KubeObjectRef[]>
  deleteObject(ref: KubeObjectRef): Promise<void>
  listNodePools(): Promise<KubeObjectRef[]>
  /** Nodes Karpenter launched (label karpenter.sh/nodepool); they are not in Terraform state. */
  countKarpenterNodes(): Promise<number>
}

export interface TerraformTeardownPort {
  /** `terraform state list` addresses. */
  stateList(): Promise<string[]>
  /** `terraform destroy -auto-approve -lock-timeout=…`; throws a GpushipError on failure. */
  destroy(): Promise<{ destroyed: number }>
  /** `terraform state rm ADDR…` */
  stateRemove(addresses: string[]): Promise<void>
}
