import type { AwsSimulator } from './server.js'
import type { AwsResponse } from './protocol.js'
import { ec2Error, ec2Filters, ec2List, ec2Response } from './ec2-xml.js'
import { ec2World, type Ec2Tag, type Ec2World } from './ec2-state.js'

class Ec2Fault extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

type Accessor<T> = (o: T, name: string) => string[] | undefined

function tagFilter(tags: Ec2Tag[], name: string): string[] | undefined {
  if (name === 'tag-key') return tags.map((t) => t.key)
  if (name.startsWith('tag:')) return tags.filter((t) => t.key === name.slice(4)).map((t) => t.value)
  return undefined
}

/** Applies EC2 filters: values within one filter are ORed, filters are ANDed; `*` globs as EC2's do. */
function filtered<T>(items: T[], filters: Map<string, string[]>, access: Accessor<T>): T[] {
  for (const name of filters.keys())
    if (items.length && access(items[0], name) === undefined) throw new Ec2Fault('InvalidParameterValue', `The filter '${name}' is invalid`)
  const glob = (p: string) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`
    )
  return items.filter((o) => [...filters].every(([name, values]) => (access(o, name) ?? []).some((have) => values.some((v) => glob(v).test(have)))))
}

/** The EC2 Describe* operations the doctor reads, as a pure function of the request and the world. */
export function handleEc2(action: string, params: Record<string, string>, w: Ec2World, account: string): AwsResponse {
  const filters = ec2Filters(params)
  switch (action) {
    case 'DescribeSubnets': {
      const ids = ec2List(params, 'SubnetId')
      for (const id of ids)
        if (!w.subnets.some((s) => s.subnetId === id)) throw new Ec2Fault('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`)
      const base = ids.length ? w.subnets.filter((s) => ids.includes(s.subnetId)) : w.subnets
      const subnetSet = filtered(
        base,
        filters,
        (s, n) => ({ 'vpc-id': [s.vpcId], 'subnet-id': [s.subnetId], 'availability-zone': [s.availabilityZone] })[n] ?? tagFilter(s.tagSet, n)
      )
      return ec2Response(action, { subnetSet: subnetSet.map((s) => ({ ...s, state: s.state ?? 'available', ownerId: account })) })
    }
    case 'DescribeRouteTables': {
      const routeTableSet = filtered(
        w.routeTables,
        filters,
        (t, n) =>
          ({
            'vpc-id': [t.vpcId],
            'route-table-id': [t.routeTableId],
            'association.subnet-id': t.associationSet.map((a) => a.subnetId ?? ''),
            'association.main': t.associationSet.map((a) => String(a.main))
          })[n] ?? tagFilter(t.tagSet, n)
      )
      return ec2Response(action, {
        routeTableSet: routeTableSet.map((t) => ({
          ...t,
          ownerId: account,
          routeSet: t.routeSet.map((r) => ({ ...r, state: r.state ?? 'active', origin: r.origin ?? 'CreateRoute' }))
        }))
      })
    }
    case 'DescribeVpcAttribute': {
      const vpc = w.vpcs.get(params.VpcId ?? '')
      if (!vpc) throw new Ec2Fault('InvalidVpcID.NotFound', `The vpc ID '${params.VpcId}' does not exist`)
      const attr = params.Attribute
      if (attr !== 'enableDnsSupport' && attr !== 'enableDnsHostnames')
        throw new Ec2Fault('InvalidParameterValue', `Value (${attr}) for parameter attribute is invalid. Unknown attribute.`)
      return ec2Response(action, { vpcId: vpc.vpcId, [attr]: { value: vpc[attr] } })
    }
    case 'DescribeVpcEndpoints': {
      const vpcEndpointSet = filtered(
        w.vpcEndpoints,
        filters,
        (v, n) => ({ 'vpc-id': [v.vpcId], 'service-name': [v.serviceName], 'vpc-endpoint-type': [v.vpcEndpointType], 'vpc-endpoint-state': [v.state] })[n]
      )
      return ec2Response(action, { vpcEndpointSet: vpcEndpointSet.map((v) => ({ ...v, ownerId: account })) })
    }
    case 'DescribeInstances': {
      const ids = ec2List(params, 'InstanceId')
      for (const id of ids)
        if (!w.instances.some((i) => i.instanceId === id)) throw new Ec2Fault('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`)
      const base = ids.length ? w.instances.filter((i) => ids.includes(i.instanceId)) : w.instances
      const found = filtered(
        base,
        filters,
        (i, n) =>
          ({
            'instance-state-name': [i.instanceState.name],
            'vpc-id': [i.vpcId],
            'subnet-id': [i.subnetId],
            'instance-id': [i.instanceId],
            'private-dns-name': [i.privateDnsName]
          })[n] ?? tagFilter(i.tagSet, n)
      )
      return ec2Response(action, {
        reservationSet: found.map((i, n) => ({ reservationId: `r-${String(n).padStart(17, '0')}`, ownerId: account, groupSet: [], instancesSet: [i] }))
      })
    }
    case 'DescribeSecurityGroups': {
      const ids = ec2List(params, 'GroupId')
      for (const id of ids)
        if (!w.securityGroups.some((g) => g.groupId === id)) throw new Ec2Fault('InvalidGroup.NotFound', `The security group '${id}' does not exist`)
      const base = ids.length ? w.securityGroups.filter((g) => ids.includes(g.groupId)) : w.securityGroups
      const found = filtered(
        base,
        filters,
        (g, n) => ({ 'vpc-id': [g.vpcId], 'group-id': [g.groupId], 'group-name': [g.groupName] })[n] ?? tagFilter(g.tagSet, n)
      )
      return ec2Response(action, { securityGroupInfo: found })
    }
    case 'DescribeNetworkInterfaces': {
      const found = filtered(
        w.networkInterfaces,
        filters,
        (e, n) => ({ 'subnet-id': [e.subnetId], 'vpc-id': [e.vpcId], status: [e.status], description: [e.description] })[n] ?? tagFilter(e.tagSet, n)
      )
      return ec2Response(action, { networkInterfaceSet: found })
    }
    default:
      throw new Ec2Fault('InvalidAction', `The action ${action} is not valid for this web service.`)
  }
}

export function registerEc2(sim: AwsSimulator): void {
  const w = ec2World(sim.state)
  sim.register(
    'ec2',
    (req) => {
      try {
        return handleEc2(req.action, req.params, w, req.caller?.account ?? '')
      } catch (err) {
        if (err instanceof Ec2Fault) return ec2Error(err.code, err.message)
        throw err
      }
    },
    { protocol: 'query' }
  )
}
