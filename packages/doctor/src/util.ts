import type { AwsEvidence, NodeEvidence, PolicyDocument, PolicyStatement, RouteTableEvidence, SubnetEvidence } from './evidence.js'

export function roleName(arn: string): string {
  return arn.split('/').pop() ?? arn
}

export function statements(doc: PolicyDocument | undefined): PolicyStatement[] {
  if (!doc?.Statement) return []
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
}

export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return []
  return Array.isArray(v) ? v : [v]
}

/** The route table a subnet uses: its explicit association, else the VPC's main table. */
export function routeTableFor(aws: AwsEvidence, subnetId: string): RouteTableEvidence | undefined {
  return aws.routeTables.find((t) => t.subnetIds.includes(subnetId)) ?? aws.routeTables.find((t) => t.main)
}

export function defaultRoute(table: RouteTableEvidence | undefined): string | undefined {
  const r = table?.routes.find((x) => x.destination === '0.0.0.0/0' && x.state !== 'blackhole')
  return r?.target
}

export function isPublicSubnet(aws: AwsEvidence, subnet: SubnetEvidence): boolean {
  return (defaultRoute(routeTableFor(aws, subnet.id)) ?? '').startsWith('igw-')
}

/** The nodes' subnets: node groups' subnets, else the cluster's. */
export function nodeSubnetIds(aws: AwsEvidence): string[] {
  const ids = new Set(aws.nodegroups.flatMap((n) => n.subnets))
  if (ids.size === 0) for (const s of aws.cluster.subnetIds) ids.add(s)
  return [...ids].sort()
}

export function minor(version: string | undefined): number | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '')
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined
}

export function shortVersion(version: string | undefined): string {
  const m = /^v?(\d+\.\d+)/.exec(version ?? '')
  return m ? m[1] : String(version)
}

const GPU_FAMILIES = /^(p2|p3|p3dn|p4d|p4de|p5|p5e|p5en|p6|g3|g3s|g4dn|g5|g5g|g6|g6e|gr6)\./

export function isGpuInstanceType(t: string | undefined): boolean {
  return GPU_FAMILIES.test(t ?? '')
}

export function isGpuNode(n: NodeEvidence): boolean {
  const t = n.labels['node.kubernetes.io/instance-type'] ?? n.labels['beta.kubernetes.io/instance-type']
  return isGpuInstanceType(t) || n.labels['nvidia.com/gpu.present'] === 'true' || n.labels['k8s.amazonaws.com/accelerator'] !== undefined
}

export function gpuAllocatable(n: NodeEvidence): number {
  return Number(n.allocatable['nvidia.com/gpu'] ?? 0) || 0
}

export function ageMinutes(from: string | undefined, now: string): number | undefined {
  if (!from) return undefined
  const ms = Date.parse(now) - Date.parse(from)
  return Number.isFinite(ms) ? Math.floor(ms / 60_000) : undefined
}

/** `10.0.1.5` inside `10.0.0.0/16`. IPv4 only; the clusters this doctor reads are IPv4. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/')
  const bits = Number(bitsText ?? 32)
  const toInt = (a: string) => a.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(base ?? '') || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0
  return (toInt(base) & mask) === (toInt(ip) & mask)
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
