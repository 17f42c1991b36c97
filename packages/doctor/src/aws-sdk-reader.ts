import type { EKSClientConfig } from '@aws-sdk/client-eks'
import type { HealthIssue, PolicyDocument, Permission } from './evidence.js'
import type { AwsReader } from './readers.js'

export interface SdkReaderOptions {
  region: string
  /** Endpoint override for every service (the simulator); unset = the real regional endpoints. */
  endpoint?: string
  /** Unset = the SDK's default credential chain (env, profile, SSO, web identity, IMDS). */
  credentials?: EKSClientConfig['credentials']
  /** SDK attempts per call; the SDK's standard retry backs off with jitter on throttling and 5xx only. */
  maxAttempts?: number
  /** Per-request socket timeout. */
  requestTimeoutMs?: number
}

type Tag = { Key?: string; Value?: string }
const tags = (list: Tag[] | undefined): Record<string, string> => Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))
const issues = (list: { code?: string; message?: string; resourceIds?: string[] }[] | undefined): HealthIssue[] =>
  (list ?? []).map((i) => ({ code: String(i.code ?? ''), message: i.message ?? '', resourceIds: i.resourceIds ?? [] }))
const iso = (d: Date | string | undefined) => (d === undefined ? undefined : d instanceof Date ? d.toISOString() : new Date(d).toISOString())

function perms(
  list: { IpProtocol?: string; FromPort?: number; ToPort?: number; IpRanges?: { CidrIp?: string }[]; UserIdGroupPairs?: { GroupId?: string }[] }[] | undefined
): Permission[] {
  return (list ?? []).map((p) => ({
    protocol: p.IpProtocol ?? '-1',
    fromPort: p.FromPort,
    toPort: p.ToPort,
    cidrs: (p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter(Boolean),
    groupIds: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '').filter(Boolean)
  }))
}

/** Follows NextToken/Marker pages; `max` bounds a runaway listing. */
async function all<T>(page: (token?: string) => Promise<{ items: T[]; next?: string }>, max = 50): Promise<T[]> {
  const out: T[] = []
  let token: string | undefined
  for (let i = 0; i < max; i++) {
    const r = await page(token)
    out.push(...r.items)
    if (!r.next) break
    token = r.next
  }
  return out
}

function policyDoc(text: string | undefined): PolicyDocument | undefined {
  if (!text) return undefined
  for (const candidate of [text, decodeURIComponent(text)]) {
    try {
      return JSON.parse(candidate) as PolicyDocument
    } catch {
      // GetRole returns the document URL-encoded; try the decoded form next
    }
  }
  return undefined
}

/**
 * The real AwsReader over the AWS SDK v3 clients, each imported on first use so a run that fails
 * early never loads them. Only Describe*, List* and Get* commands are ever constructed here.
 */
export function createSdkAwsReader(opts: SdkReaderOptions): AwsReader {
  const config = () => {
    return {
      region: opts.region,
      endpoint: opts.endpoint,
      credentials: opts.credentials,
      maxAttempts: opts.maxAttempts ?? 4,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: opts.requestTimeoutMs ?? 15_000 }
    }
  }
  const lazy = <T>(make: () => Promise<T>) => {
    let p: Promise<T> | undefined
    return () => (p ??= make())
  }
  const eks = lazy(async () => {
    const m = await import('@aws-sdk/client-eks')
    return { m, c: new m.EKSClient(config()) }
  })
  const ec2 = lazy(async () => {
    const m = await import('@aws-sdk/client-ec2')
    return { m, c: new m.EC2Client(config()) }
  })
  const iam = lazy(async () => {
    const m = await import('@aws-sdk/client-iam')
    // IAM is global per partition: it signs for the partition's home region, not the cluster's.
    return { m, c: new m.IAMClient({ ...config(), region: opts.region.startsWith('cn-') ? 'cn-north-1' : opts.region.startsWith('us-gov-') ? 'us-gov-west-1' : 'us-east-1' }) }
  })
  const asg = lazy(async () => {
    const m = await import('@aws-sdk/client-auto-scaling')
    return { m, c: new m.AutoScalingClient(config()) }
  })
  const elb = lazy(async () => {
    const m = await import('@aws-sdk/client-elastic-load-balancing-v2')
    return { m, c: new m.ElasticLoadBalancingV2Client(config()) }
  })
  const logs = lazy(async () => {
    const m = await import('@aws-sdk/client-cloudwatch-logs')
    return { m, c: new m.CloudWatchLogsClient(config()) }
  })
  const vpcFilter = (vpcId: string) => [{ Name: 'vpc-id', Values: [vpcId] }]

  return {
    region: opts.region,
    async describeCluster(name) {
      const { m, c } = await eks()
      const r = (await c.send(new m.DescribeClusterCommand({ name }))).cluster ?? {}
      const v = r.resourcesVpcConfig ?? {}
      return {
        name: r.name ?? name,
        arn: r.arn,
        status: r.status ?? 'UNKNOWN',
        version: r.version ?? '',
        endpoint: r.endpoint,
        certificateAuthority: r.certificateAuthority?.data,
        roleArn: r.roleArn ?? '',
        vpcId: v.vpcId,
        subnetIds: v.subnetIds ?? [],
        securityGroupIds: v.securityGroupIds ?? [],
        clusterSecurityGroupId: v.clusterSecurityGroupId,
        endpointPublicAccess: v.endpointPublicAccess,
        endpointPrivateAccess: v.endpointPrivateAccess,
        oidcIssuer: r.identity?.oidc?.issuer,
        authenticationMode: r.accessConfig?.authenticationMode,
        logTypes: (r.logging?.clusterLogging ?? []).filter((l) => l.enabled).flatMap((l) => (l.types ?? []).map(String)),
        healthIssues: issues(r.health?.issues)
      }
    },
    async listNodegroups(cluster) {
      const { m, c } = await eks()
      return all(async (nextToken) => {
        const r = await c.send(new m.ListNodegroupsCommand({ clusterName: cluster, nextToken }))
        return { items: r.nodegroups ?? [], next: r.nextToken }
      })
    },
    async describeNodegroup(cluster, name) {
      const { m, c } = await eks()
      const n = (await c.send(new m.DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: name }))).nodegroup ?? {}
      return {
        name: n.nodegroupName ?? name,
        status: n.status ?? 'UNKNOWN',
        version: n.version,
        releaseVersion: n.releaseVersion,
        nodeRole: n.nodeRole ?? '',
        subnets: n.subnets ?? [],
        instanceTypes: n.instanceTypes ?? [],
        amiType: n.amiType,
        desiredSize: n.scalingConfig?.desiredSize,
        asgNames: (n.resources?.autoScalingGroups ?? []).map((g) => g.name ?? '').filter(Boolean),
        healthIssues: issues(n.health?.issues)
      }
    },
    async listAddons(cluster) {
      const { m, c } = await eks()
      return all(async (nextToken) => {
        const r = await c.send(new m.ListAddonsCommand({ clusterName: cluster, nextToken }))
        return { items: r.addons ?? [], next: r.nextToken }
      })
    },
    async describeAddon(cluster, name) {
      const { m, c } = await eks()
      const a = (await c.send(new m.DescribeAddonCommand({ clusterName: cluster, addonName: name }))).addon ?? {}
      return {
        name: a.addonName ?? name,
        version: a.addonVersion,
        status: a.status ?? 'UNKNOWN',
        healthIssues: issues(a.health?.issues),
        serviceAccountRoleArn: a.serviceAccountRoleArn
      }
    },
    async listAccessEntries(cluster) {
      const { m, c } = await eks()
      return all(async (nextToken) => {
        const r = await c.send(new m.ListAccessEntriesCommand({ clusterName: cluster, nextToken }))
        return { items: r.accessEntries ?? [], next: r.nextToken }
      })
    },
    async describeAccessEntry(cluster, principalArn) {
      const { m, c } = await eks()
      const [d, p] = await Promise.all([
        c.send(new m.DescribeAccessEntryCommand({ clusterName: cluster, principalArn })),
        c.send(new m.ListAssociatedAccessPoliciesCommand({ clusterName: cluster, principalArn }))
      ])
      const e = d.accessEntry ?? {}
      return {
        principalArn: e.principalArn ?? principalArn,
        type: e.type,
        username: e.username,
        kubernetesGroups: e.kubernetesGroups ?? [],
        policyArns: (p.associatedAccessPolicies ?? []).map((x) => x.policyArn ?? '')
      }
    },
    async getRole(arn) {
      const { m, c } = await iam()
      const name = arn.split('/').pop() ?? arn
      let role
      try {
        role = (await c.send(new m.GetRoleCommand({ RoleName: name }))).Role
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchEntityException') return { arn, name, exists: false, attachedPolicyArns: [] }
        throw err
      }
      const attached = await all(async (Marker) => {
        const r = await c.send(new m.ListAttachedRolePoliciesCommand({ RoleName: name, Marker }))
        return { items: (r.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''), next: r.IsTruncated ? r.Marker : undefined }
      })
      return { arn, name, exists: true, trustPolicy: policyDoc(role?.AssumeRolePolicyDocument), attachedPolicyArns: attached }
    },
    async listOidcProviders() {
      const { m, c } = await iam()
      const list = (await c.send(new m.ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []
      return Promise.all(
        list.map(async (p) => {
          const d = await c.send(new m.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: p.Arn }))
          return { arn: p.Arn ?? '', url: d.Url, clientIds: d.ClientIDList ?? [] }
        })
      )
    },
    async describeSubnets(vpcId) {
      const { m, c } = await ec2()
      return all(async (NextToken) => {
        const r = await c.send(new m.DescribeSubnetsCommand({ Filters: vpcFilter(vpcId), NextToken }))
        return {
          items: (r.Subnets ?? []).map((s) => ({
            id: s.SubnetId ?? '',
            vpcId: s.VpcId ?? '',
            cidr: s.CidrBlock ?? '',
            az: s.AvailabilityZone ?? '',
            availableIps: s.AvailableIpAddressCount ?? 0,
            tags: tags(s.Tags)
          })),
          next: r.NextToken
        }
      })
    },
    async describeRouteTables(vpcId) {
      const { m, c } = await ec2()
      return all(async (NextToken) => {
        const r = await c.send(new m.DescribeRouteTablesCommand({ Filters: vpcFilter(vpcId), NextToken }))
        return {
          items: (r.RouteTables ?? []).map((t) => ({
            id: t.RouteTableId ?? '',
            main: (t.Associations ?? []).some((a) => a.Main),
            subnetIds: (t.Associations ?? []).map((a) => a.SubnetId ?? '').filter(Boolean),
            routes: (t.Routes ?? []).map((x) => ({
              destination: x.DestinationCidrBlock ?? x.DestinationPrefixListId ?? x.DestinationIpv6CidrBlock ?? '',
              target: x.NatGatewayId ?? x.GatewayId ?? x.TransitGatewayId ?? x.NetworkInterfaceId ?? x.VpcPeeringConnectionId ?? x.InstanceId ?? '',
              state: x.State
            }))
          })),
          next: r.NextToken
        }
      })
    },
    async describeVpcAttributes(vpcId) {
      const { m, c } = await ec2()
      const [s, h] = await Promise.all([
        c.send(new m.DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' })),
        c.send(new m.DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }))
      ])
      return { enableDnsSupport: s.EnableDnsSupport?.Value === true, enableDnsHostnames: h.EnableDnsHostnames?.Value === true }
    },
    async describeVpcEndpoints(vpcId) {
      const { m, c } = await ec2()
      return all(async (NextToken) => {
        const r = await c.send(new m.DescribeVpcEndpointsCommand({ Filters: vpcFilter(vpcId), NextToken }))
        return {
          items: (r.VpcEndpoints ?? []).map((v) => ({
            id: v.VpcEndpointId ?? '',
            serviceName: v.ServiceName ?? '',
            type: String(v.VpcEndpointType ?? ''),
            state: String(v.State ?? ''),
            subnetIds: v.SubnetIds ?? [],
            routeTableIds: v.RouteTableIds ?? []
          })),
          next: r.NextToken
        }
      })
    },
    async describeClusterInstances(cluster) {
      const { m, c } = await ec2()
      const states = { Name: 'instance-state-name', Values: ['pending', 'running'] }
      const byFilter = (Filters: { Name: string; Values: string[] }[]) =>
        all(async (NextToken) => {
          const r = await c.send(new m.DescribeInstancesCommand({ Filters, NextToken }))
          return { items: (r.Reservations ?? []).flatMap((x) => x.Instances ?? []), next: r.NextToken }
        })
      const [a, b] = await Promise.all([
        byFilter([{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${cluster}`] }, states]),
        byFilter([{ Name: 'tag:eks:cluster-name', Values: [cluster] }, states])
      ])
      const seen = new Map<string, (typeof a)[number]>()
      for (const i of [...a, ...b]) seen.set(i.InstanceId ?? '', i)
      return [...seen.values()].map((i) => ({
        id: i.InstanceId ?? '',
        state: String(i.State?.Name ?? ''),
        instanceType: String(i.InstanceType ?? ''),
        privateDnsName: i.PrivateDnsName ?? '',
        privateIp: i.PrivateIpAddress,
        launchTime: iso(i.LaunchTime),
        subnetId: i.SubnetId,
        securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? ''),
        tags: tags(i.Tags)
      }))
    },
    async describeSecurityGroups(ids) {
      const { m, c } = await ec2()
      // A filter, not GroupIds: one deleted group (a node group health issue of its own) must not fail the whole read.
      const groups = await all(async (NextToken) => {
        const r = await c.send(new m.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: ids }], NextToken }))
        return { items: r.SecurityGroups ?? [], next: r.NextToken }
      })
      return groups.map((g) => ({ id: g.GroupId ?? '', name: g.GroupName ?? '', ingress: perms(g.IpPermissions), egress: perms(g.IpPermissionsEgress) }))
    },
    async describeNetworkInterfaces(subnetIds) {
      const { m, c } = await ec2()
      return all(async (NextToken) => {
        const r = await c.send(new m.DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: subnetIds }], NextToken }))
        return {
          items: (r.NetworkInterfaces ?? []).map((n) => ({
            id: n.NetworkInterfaceId ?? '',
            subnetId: n.SubnetId ?? '',
            status: String(n.Status ?? ''),
            privateIpCount: (n.PrivateIpAddresses ?? []).length,
            description: n.Description ?? ''
          })),
          next: r.NextToken
        }
      })
    },
    async describeScalingActivities(names) {
      if (names.length === 0) return []
      const { m, c } = await asg()
      const groups = (await c.send(new m.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }))).AutoScalingGroups ?? []
      const lists = await Promise.all(
        groups.map(async (g) => {
          const r = await c.send(new m.DescribeScalingActivitiesCommand({ AutoScalingGroupName: g.AutoScalingGroupName, MaxRecords: 10 }))
          return (r.Activities ?? []).map((a) => ({
            asgName: a.AutoScalingGroupName ?? g.AutoScalingGroupName ?? '',
            statusCode: String(a.StatusCode ?? ''),
            statusMessage: a.StatusMessage,
            description: a.Description ?? '',
            cause: a.Cause,
            startTime: iso(a.StartTime)
          }))
        })
      )
      return lists.flat()
    },
    async describeLoadBalancers(vpcId) {
      const { m, c } = await elb()
      const lbs = await all(async (Marker) => {
        const r = await c.send(new m.DescribeLoadBalancersCommand({ Marker }))
        return { items: r.LoadBalancers ?? [], next: r.NextMarker }
      })
      return lbs
        .filter((lb) => !lb.VpcId || lb.VpcId === vpcId)
        .map((lb) => ({
          arn: lb.LoadBalancerArn ?? '',
          name: lb.LoadBalancerName ?? '',
          dnsName: lb.DNSName ?? '',
          scheme: String(lb.Scheme ?? ''),
          state: String(lb.State?.Code ?? ''),
          stateReason: lb.State?.Reason,
          subnetIds: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? '')
        }))
    },
    async authenticatorDenials(cluster, sinceMs) {
      const { m, c } = await logs()
      const events = await all(async (nextToken) => {
        const r = await c.send(
          new m.FilterLogEventsCommand({
            logGroupName: `/aws/eks/${cluster}/cluster`,
            logStreamNamePrefix: 'authenticator-',
            filterPattern: '"access denied"',
            startTime: sinceMs,
            limit: 1000,
            nextToken
          })
        )
        return { items: r.events ?? [], next: r.nextToken }
      }, 5)
      return events.map((e) => ({ timestamp: e.timestamp ?? 0, message: e.message ?? '' }))
    }
  }
}
