import { GpushipError, retry } from '@gpuship/core'
import { clusterTagKeys, matchedTag } from './orphans.js'
import type { AwsTeardownPort, LoadBalancer, TaggedResource } from './ports.js'

export interface AwsPortOptions {
  region: string
  /** One endpoint for every service (the simulator); otherwise the SDK's own resolution (AWS_ENDPOINT_URL_* honoured). */
  endpoint?: string
  maxAttempts?: number
}

const RETRYABLE = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalFailure'])

function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown }
  return RETRYABLE.has(e.name ?? '') || (e.$metadata?.httpStatusCode ?? 0) >= 500 || e.$retryable !== undefined
}

/**
 * The AWS side of teardown over the SDK. SDK clients are imported when first used, so an action
 * that refuses on its confirmation never loads them.
 */
export function createAwsTeardownPort(opts: AwsPortOptions): AwsTeardownPort {
  const cfg = { region: opts.region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), maxAttempts: 1 }
  const call = <T>(label: string, fn: () => Promise<T>) => retry(fn, { maxAttempts: opts.maxAttempts ?? 4, baseMs: 500, isRetryable, label })

  const eks = once(async () => {
    const m = await import('@aws-sdk/client-eks')
    return { m, c: new m.EKSClient(cfg) }
  })
  const elb = once(async () => {
    const m = await import('@aws-sdk/client-elastic-load-balancing-v2')
    return { m, c: new m.ElasticLoadBalancingV2Client(cfg) }
  })
  const ec2 = once(async () => {
    const m = await import('@aws-sdk/client-ec2')
    return { m, c: new m.EC2Client(cfg) }
  })
  const tagging = once(async () => {
    const m = await import('@aws-sdk/client-resource-groups-tagging-api')
    return { m, c: new m.ResourceGroupsTaggingAPIClient(cfg) }
  })
  const logs = once(async () => {
    const m = await import('@aws-sdk/client-cloudwatch-logs')
    return { m, c: new m.CloudWatchLogsClient(cfg) }
  })
  const iam = once(async () => {
    const m = await import('@aws-sdk/client-iam')
    return { m, c: new m.IAMClient(cfg) }
  })
  const ecr = once(async () => {
    const m = await import('@aws-sdk/client-ecr')
    return { m, c: new m.ECRClient(cfg) }
  })

  async function listTagged(cluster: string): Promise<LoadBalancer[]> {
    const { m, c } = await elb()
    const all: { arn: string; name: string; type: string; dnsName?: string }[] = []
    let marker: string | undefined
    do {
      const out = await call('DescribeLoadBalancers', () => c.send(new m.DescribeLoadBalancersCommand({ Marker: marker })))
      for (const lb of out.LoadBalancers ?? []) if (lb.LoadBalancerArn) all.push({ arn: lb.LoadBalancerArn, name: lb.LoadBalancerName ?? '', type: lb.Type === 'network' ? 'net' : lb.Type === 'gateway' ? 'gwy' : 'app', dnsName: lb.DNSName })
      marker = out.NextMarker
    } while (marker)
    const mine: LoadBalancer[] = []
    // DescribeTags takes at most 20 ARNs a call.
    for (let i = 0; i < all.length; i += 20) {
      const batch = all.slice(i, i + 20)
      const out = await call('DescribeTags', () => c.send(new m.DescribeTagsCommand({ ResourceArns: batch.map((b) => b.arn) })))
      for (const d of out.TagDescriptions ?? []) {
        const tags = Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))
        if (matchedTag(tags, cluster)) {
          const lb = batch.find((b) => b.arn === d.ResourceArn)
          if (lb) mine.push(lb)
        }
      }
    }
    return mine
  }

  return {
    async describeCluster(name) {
      const { m, c } = await eks()
      try {
        const out = await call('DescribeCluster', () => c.send(new m.DescribeClusterCommand({ name })))
        return { name, status: out.cluster?.status ?? 'UNKNOWN', arn: out.cluster?.arn, oidcIssuer: out.cluster?.identity?.oidc?.issuer }
      } catch (err) {
        if ((err as Error).name === 'ResourceNotFoundException') return undefined
        throw wrap(err, `DescribeCluster ${name}`)
      }
    },

    async listClusterLoadBalancers(cluster) {
      // A load balancer deleted between the listing and DescribeTags makes the whole DescribeTags
      // call fail (LoadBalancerNotFound): while teardown waits for them to go, that is the normal
      // case, so list again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await listTagged(cluster)
        } catch (err) {
          if ((err as Error).name !== 'LoadBalancerNotFoundException' && (err as Error).name !== 'LoadBalancerNotFound') throw err
          if (attempt >= 5) throw wrap(err, 'DescribeTags')
        }
      }
    },

    async listLoadBalancerEnis(lbs) {
      if (lbs.length === 0) return []
      const { m, c } = await ec2()
      // An ELB's interfaces are described "ELB <type>/<name>/<id>"; they are not tagged.
      const values = lbs.map((lb) => `ELB ${lb.type}/${lb.name}/${lb.arn.split('/').pop()}`)
      const out = await call('DescribeNetworkInterfaces', () => c.send(new m.DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'description', Values: values }] })))
      return (out.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId ?? '').filter(Boolean)
    },

    async listNodegroups(cluster) {
      const { m, c } = await eks()
      const names: string[] = []
      let next: string | undefined
      do {
        const out = await call('ListNodegroups', () => c.send(new m.ListNodegroupsCommand({ clusterName: cluster, nextToken: next })))
        names.push(...(out.nodegroups ?? []))
        next = out.nextToken
      } while (next)
      return names
    },

    async scaleNodegroupToZero(cluster, nodegroup) {
      const { m, c } = await eks()
      const ng = await call('DescribeNodegroup', () => c.send(new m.DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: nodegroup })))
      const maxSize = Math.max(1, ng.nodegroup?.scalingConfig?.maxSize ?? 1) // EKS refuses maxSize 0
      await c.send(new m.UpdateNodegroupConfigCommand({ clusterName: cluster, nodegroupName: nodegroup, scalingConfig: { minSize: 0, desiredSize: 0, maxSize } }))
    },

    async findClusterResources(cluster) {
      const found = new Map<string, TaggedResource>()
      const { m, c } = await tagging()
      // Tag filters in one call are ANDed, so each marker tag is its own scan.
      for (const { key, value } of clusterTagKeys(cluster)) {
        let token: string | undefined
        do {
          const out = await call('GetResources', () => c.send(new m.GetResourcesCommand({ TagFilters: [{ Key: key, Values: value === undefined ? undefined : [value] }], PaginationToken: token || undefined })))
          for (const r of out.ResourceTagMappingList ?? []) {
            if (r.ResourceARN) found.set(r.ResourceARN, { arn: r.ResourceARN, tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) })
          }
          token = out.PaginationToken
        } while (token)
      }
      // EKS names the control-plane log group after the cluster and does not tag it.
      const l = await logs()
      const lg = await call('DescribeLogGroups', () => l.c.send(new l.m.DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/eks/${cluster}/` })))
      for (const g of lg.logGroups ?? []) if (g.arn && !found.has(g.arn)) found.set(g.arn, { arn: g.arn, tags: {}, matchedBy: `name /aws/eks/${cluster}/` })
      // IAM is global and outside the tagging API. Reading every role's tags would cost one call per
      // role in the account, so only roles named for the cluster (as the modules name them) are read.
      const i = await iam()
      let marker: string | undefined
      do {
        const out = await call('ListRoles', () => i.c.send(new i.m.ListRolesCommand({ Marker: marker })))
        for (const role of out.Roles ?? []) {
          if (!role.Arn || !role.RoleName || !role.RoleName.includes(cluster)) continue
          const tags = await call('ListRoleTags', () => i.c.send(new i.m.ListRoleTagsCommand({ RoleName: role.RoleName })))
          found.set(role.Arn, { arn: role.Arn, tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) })
        }
        marker = out.IsTruncated ? out.Marker : undefined
      } while (marker)
      const providers = await call('ListOpenIDConnectProviders', () => i.c.send(new i.m.ListOpenIDConnectProvidersCommand({})))
      for (const p of providers.OpenIDConnectProviderList ?? []) {
        if (!p.Arn) continue
        const tags = await call('ListOpenIDConnectProviderTags', () => i.c.send(new i.m.ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: p.Arn })))
        found.set(p.Arn, { arn: p.Arn, tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) })
      }
      return [...found.values()]
    },

    async deleteRepository(name) {
      const { m, c } = await ecr()
      await c.send(new m.DeleteRepositoryCommand({ repositoryName: name, force: true }))
    }
  }
}

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= f())
}

function wrap(err: unknown, what: string): GpushipError {
  const e = err as Error
  return new GpushipError(`${what} failed: ${e.name}: ${e.message}`, { cause: err, hint: e.name === 'AccessDeniedException' ? 'The teardown role needs eks:DescribeCluster, eks:ListNodegroups, eks:UpdateNodegroupConfig, elasticloadbalancing:Describe*, ec2:DescribeNetworkInterfaces, tag:GetResources, logs:DescribeLogGroups, iam:ListRoles, iam:ListRoleTags, iam:ListOpenIDConnectProviders, iam:ListOpenIDConnectProviderTags.' : undefined })
}
