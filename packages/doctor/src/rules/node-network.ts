import type { Permission, SecurityGroupEvidence } from '../evidence.js'
import { finder, type Finding, type Rule } from '../finding.js'
import { cidrContains, defaultRoute, nodeSubnetIds, routeTableFor } from '../util.js'

/** What a node in a subnet without NAT needs endpoints for: bootstrap, image pulls, IRSA. */
export const REQUIRED_ENDPOINTS = ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts']

export const subnetEgress: Rule = {
  id: 'private-subnet-egress',
  title: 'Private node subnets without NAT or the needed VPC endpoints',
  category: 'nodes',
  reads: ['eks:DescribeNodegroup', 'ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeVpcEndpoints'],
  check(e) {
    const f = finder(this.id)
    const out: Finding[] = []
    for (const id of nodeSubnetIds(e.aws)) {
      const table = routeTableFor(e.aws, id)
      const target = defaultRoute(table)
      if (target) continue // igw (public), nat, tgw, an appliance: egress exists
      const present = (service: string) =>
        e.aws.vpcEndpoints.some(
          (v) =>
            v.serviceName === `com.amazonaws.${e.aws.region}.${service}` &&
            v.state.toLowerCase() === 'available' &&
            (v.type === 'Gateway' ? v.routeTableIds.includes(table?.id ?? '') : true)
        )
      const missing = REQUIRED_ENDPOINTS.filter((s) => !present(s))
      if (missing.length === 0) continue
      out.push(
        f({
          severity: 'error',
          resource: `subnet/${id}`,
          message: `Subnet ${id} has no default route (no NAT) and lacks VPC endpoints for ${missing.join(', ')}: nodes there cannot bootstrap or pull images.`,
          evidence: { subnetId: id, routeTable: table?.id, routes: table?.routes ?? [], endpoints: e.aws.vpcEndpoints.map((v) => v.serviceName), missing },
          fix: {
            text: 'Route 0.0.0.0/0 to a NAT gateway, or create the missing endpoints (interface endpoints with private DNS; S3 as a gateway endpoint on this route table).',
            command: missing
              .map(
                (s) =>
                  `aws ec2 create-vpc-endpoint --vpc-id ${e.aws.cluster.vpcId} --service-name com.amazonaws.${e.aws.region}.${s} --vpc-endpoint-type ${s === 's3' ? `Gateway --route-table-ids ${table?.id}` : `Interface --subnet-ids ${id} --private-dns-enabled`} --region ${e.aws.region}`
              )
              .join('\n'),
            terraform: 'module "vpc" {\n  enable_nat_gateway = true\n  single_nat_gateway = true\n}'
          }
        })
      )
    }
    return out
  }
}

export const vpcDns: Rule = {
  id: 'vpc-dns',
  title: 'VPC DNS support or DNS hostnames off',
  category: 'nodes',
  reads: ['ec2:DescribeVpcAttribute'],
  check(e) {
    const a = e.aws.vpcAttributes
    if (!a || (a.enableDnsSupport && a.enableDnsHostnames)) return []
    const off = [!a.enableDnsSupport && 'enableDnsSupport', !a.enableDnsHostnames && 'enableDnsHostnames'].filter(Boolean) as string[]
    return [
      finder(this.id)({
        severity: 'error',
        resource: `vpc/${e.aws.cluster.vpcId}`,
        message: `VPC ${e.aws.cluster.vpcId} has ${off.join(' and ')} off: nodes cannot resolve the private endpoint or get the DNS names they register under.`,
        evidence: { vpcId: e.aws.cluster.vpcId, ...a },
        fix: {
          text: 'Turn both attributes on (one attribute per call).',
          command: off
            .map(
              (o) =>
                `aws ec2 modify-vpc-attribute --vpc-id ${e.aws.cluster.vpcId} --${o
                  .replace(/^enable/, 'enable-')
                  .replace(/([a-z])([A-Z])/g, '$1-$2')
                  .toLowerCase()} '{"Value":true}' --region ${e.aws.region}`
            )
            .join('\n'),
          terraform: 'module "vpc" {\n  enable_dns_support   = true\n  enable_dns_hostnames = true\n}'
        }
      })
    ]
  }
}

function allows(p: Permission, port: number): boolean {
  if (p.protocol === '-1' || p.protocol === 'all') return true
  if (p.protocol !== 'tcp' && p.protocol !== '6') return false
  return (p.fromPort ?? 0) <= port && port <= (p.toPort ?? 65535)
}

/** Whether any of `groups` lets `port` in (or out) from a peer in `peerGroups` or at `peerIp`. */
export function permits(groups: SecurityGroupEvidence[], direction: 'ingress' | 'egress', port: number, peerGroups: string[], peerIp?: string): boolean {
  return groups.some((g) =>
    g[direction].some(
      (p) =>
        allows(p, port) &&
        (p.groupIds.some((id) => peerGroups.includes(id)) || p.cidrs.some((c) => c === '0.0.0.0/0' || (peerIp !== undefined && cidrContains(c, peerIp))))
    )
  )
}

export const securityGroups: Rule = {
  id: 'security-groups',
  title: 'Security groups block nodes and the control plane',
  category: 'nodes',
  reads: ['eks:DescribeCluster', 'ec2:DescribeInstances', 'ec2:DescribeSecurityGroups'],
  check(e) {
    const c = e.aws.cluster
    const cpGroupIds = [c.clusterSecurityGroupId, ...c.securityGroupIds].filter(Boolean) as string[]
    const cpGroups = e.aws.securityGroups.filter((g) => cpGroupIds.includes(g.id))
    if (cpGroups.length === 0) return []
    const f = finder(this.id)
    const out: Finding[] = []
    const seen = new Set<string>()
    for (const i of e.aws.instances.filter((x) => x.state === 'running')) {
      const key = [...i.securityGroupIds].sort().join(',')
      if (seen.has(key)) continue
      seen.add(key)
      const nodeGroups = e.aws.securityGroups.filter((g) => i.securityGroupIds.includes(g.id))
      if (nodeGroups.length === 0) continue
      const blocked: string[] = []
      if (!permits(cpGroups, 'ingress', 443, i.securityGroupIds, i.privateIp)) blocked.push('control plane ← node tcp/443 (kubelet to API server)')
      if (!permits(nodeGroups, 'ingress', 10250, cpGroupIds)) blocked.push('node ← control plane tcp/10250 (logs, exec, metrics)')
      if (!permits(nodeGroups, 'egress', 443, cpGroupIds, undefined)) blocked.push('node → control plane tcp/443 egress')
      if (blocked.length === 0) continue
      out.push(
        f({
          severity: 'error',
          resource: `instance/${i.id}`,
          message: `Security groups ${i.securityGroupIds.join(', ')} of ${i.id} block: ${blocked.join('; ')}.`,
          evidence: { instanceId: i.id, nodeSecurityGroups: nodeGroups, controlPlaneSecurityGroups: cpGroups, blocked },
          fix: {
            text: 'Allow 443 from the node security group into the cluster security group, and 10250 from the cluster security group into the node security group.',
            command: [
              `aws ec2 authorize-security-group-ingress --group-id ${cpGroupIds[0]} --protocol tcp --port 443 --source-group ${i.securityGroupIds[0]} --region ${e.aws.region}`,
              `aws ec2 authorize-security-group-ingress --group-id ${i.securityGroupIds[0]} --protocol tcp --port 10250 --source-group ${cpGroupIds[0]} --region ${e.aws.region}`
            ].join('\n'),
            terraform: `resource "aws_vpc_security_group_ingress_rule" "kubelet" {\n  security_group_id            = "${i.securityGroupIds[0]}"\n  referenced_security_group_id = "${cpGroupIds[0]}"\n  ip_protocol                  = "tcp"\n  from_port                    = 10250\n  to_port                      = 10250\n}`
          }
        })
      )
    }
    return out
  }
}
