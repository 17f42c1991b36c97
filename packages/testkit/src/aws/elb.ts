import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { queryList, queryResponse, type AwsResponse, type XmlValue } from './protocol.js'
import { ext, type AwsState } from './state.js'

export const ELBV2_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/'

export interface LoadBalancer {
  LoadBalancerArn: string
  LoadBalancerName: string
  DNSName: string
  Scheme: 'internet-facing' | 'internal'
  VpcId: string
  Type: 'application' | 'network'
  State: { Code: 'active' | 'provisioning' | 'active_impaired' | 'failed'; Reason?: string }
  AvailabilityZones: { ZoneName: string; SubnetId: string }[]
  CreatedTime: Date
}

export function loadBalancers(state: AwsState): LoadBalancer[] {
  return ext(state, 'elasticloadbalancing', () => [] as LoadBalancer[])
}

/** Tags by load balancer ARN (what the AWS Load Balancer Controller sets, e.g. elbv2.k8s.aws/cluster). */
export function loadBalancerTags(state: AwsState): Map<string, Record<string, string>> {
  return ext(state, 'elasticloadbalancing-tags', () => new Map<string, Record<string, string>>())
}

export function handleElb(action: string, params: Record<string, string>, lbs: LoadBalancer[], tags: Map<string, Record<string, string>> = new Map()): AwsResponse {
  if (action === 'DescribeTags') {
    const arns = queryList(params, 'ResourceArns')
    if (arns.length > 20) throw new AwsError('ValidationError', 'You can specify up to 20 resource ARNs', 400)
    for (const a of arns) if (!lbs.some((l) => l.LoadBalancerArn === a)) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${a}]' not found`, 400)
    return queryResponse(action, { TagDescriptions: arns.map((a) => ({ ResourceArn: a, Tags: Object.entries(tags.get(a) ?? {}).map(([Key, Value]) => ({ Key, Value })) })) } as unknown as XmlValue, ELBV2_XMLNS)
  }
  if (action !== 'DescribeLoadBalancers') throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2015-12-01`, 400)
  const names = queryList(params, 'Names')
  const arns = queryList(params, 'LoadBalancerArns')
  for (const n of names) if (!lbs.some((l) => l.LoadBalancerName === n)) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${n}]' not found`, 400)
  const found = lbs.filter((l) => (names.length === 0 || names.includes(l.LoadBalancerName)) && (arns.length === 0 || arns.includes(l.LoadBalancerArn)))
  return queryResponse(action, { LoadBalancers: found } as unknown as XmlValue, ELBV2_XMLNS)
}

export function registerElb(sim: AwsSimulator): void {
  const lbs = loadBalancers(sim.state)
  const tags = loadBalancerTags(sim.state)
  sim.register('elasticloadbalancing', (req) => handleElb(req.action, req.params, lbs, tags), { protocol: 'query' })
}
