import { finder, type Finding, type Rule } from '../finding.js'
import { meaningOf } from './health-codes.js'
import { clip, nodeSubnetIds } from '../util.js'

const COMPONENTS = [
  { name: 'aws-node', kind: 'DaemonSet', app: 'aws-node', addon: 'vpc-cni', role: 'assigns pod IPs (VPC CNI); without it nodes stay NotReady' },
  {
    name: 'kube-proxy',
    kind: 'DaemonSet',
    app: 'kube-proxy',
    addon: 'kube-proxy',
    role: 'programs Service routing; without it pods cannot reach Services or the API'
  },
  { name: 'coredns', kind: 'Deployment', app: 'kube-dns', addon: 'coredns', role: 'resolves cluster DNS; without it every name lookup in pods fails' }
] as const

export const networkingComponents: Rule = {
  id: 'networking-components',
  title: 'aws-node, kube-proxy or CoreDNS unhealthy',
  category: 'networking',
  reads: ['k8s:LIST daemonsets', 'k8s:LIST deployments', 'k8s:LIST pods'],
  check(e) {
    if (!e.kube) return []
    const kube = e.kube
    const f = finder(this.id)
    const out: Finding[] = []
    for (const c of COMPONENTS) {
      const w = kube.workloads.find((x) => x.namespace === 'kube-system' && x.name === c.name && x.kind === c.kind)
      if (w && w.desired > 0 && w.ready >= w.desired) continue
      if (w && w.desired === 0 && c.kind === 'DaemonSet' && kube.nodes.length === 0) continue
      const pods = kube.pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === c.app)
      const waiting = pods.flatMap((p) => p.waiting.map((x) => ({ pod: p.name, reason: x.reason, message: clip(x.message ?? '', 200) })))
      out.push(
        f({
          severity: 'error',
          resource: `${c.kind.toLowerCase()}/kube-system/${c.name}`,
          message: w ? `${c.name} has ${w.ready}/${w.desired} ready; it ${c.role}.` : `${c.name} (${c.kind}) does not exist in kube-system; it ${c.role}.`,
          evidence: { kind: c.kind, exists: Boolean(w), desired: w?.desired, ready: w?.ready, images: w?.images, waiting },
          fix: w
            ? {
                text: 'Read the unready pods: image pull (node role ECR policy), crash (aws-node: IAM or IPAMD), or scheduling.',
                command: `kubectl -n kube-system describe pods -l k8s-app=${c.app}`
              }
            : {
                text: `Install the ${c.addon} EKS add-on.`,
                command: `aws eks create-addon --cluster-name ${e.aws.cluster.name} --addon-name ${c.addon} --region ${e.aws.region}`,
                terraform: `cluster_addons = {\n  ${c.addon} = { most_recent = true }\n}`
              }
        })
      )
    }
    return out
  }
}

/** Below this many free addresses a node subnet cannot take a new node's warm ENI pool. */
export const LOW_FREE_IPS = 16

export const ipExhaustion: Rule = {
  id: 'ip-exhaustion',
  title: 'Pod IP exhaustion',
  category: 'networking',
  reads: ['ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces', 'k8s:LIST events'],
  check(e) {
    const f = finder(this.id)
    const out: Finding[] = []
    const ids = nodeSubnetIds(e.aws)
    const ipamd = (e.kube?.events ?? []).filter((ev) =>
      /failed to assign an IP address|InsufficientFreeAddressesInSubnet|no available IP addresses|AssignPrivateIpAddresses/i.test(ev.message)
    )
    const subnets = e.aws.subnets.filter((s) => ids.includes(s.id))
    for (const s of subnets.filter((x) => x.availableIps < LOW_FREE_IPS)) {
      const enis = e.aws.networkInterfaces.filter((n) => n.subnetId === s.id)
      out.push(
        f({
          severity: s.availableIps === 0 || ipamd.length > 0 ? 'error' : 'warning',
          resource: `subnet/${s.id}`,
          message: `Subnet ${s.id} (${s.cidr}, ${s.az}) has ${s.availableIps} free IP address(es); ${enis.length} ENIs hold ${enis.reduce((a, n) => a + n.privateIpCount, 0)} addresses.`,
          evidence: {
            subnetId: s.id,
            cidr: s.cidr,
            az: s.az,
            availableIps: s.availableIps,
            enis: enis.length,
            ipamdEvents: ipamd.slice(0, 5).map((ev) => ({ pod: `${ev.namespace}/${ev.name}`, reason: ev.reason, message: clip(ev.message, 200) }))
          },
          fix: {
            text: 'Add a larger or secondary CIDR subnet to the node groups, or enable prefix delegation so each ENI slot carries a /28.',
            command: `kubectl -n kube-system set env daemonset aws-node ENABLE_PREFIX_DELEGATION=true WARM_PREFIX_TARGET=1`,
            terraform: 'cluster_addons = {\n  vpc-cni = {\n    configuration_values = jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true" } })\n  }\n}'
          }
        })
      )
    }
    if (out.length === 0 && ipamd.length > 0) {
      out.push(
        f({
          severity: 'error',
          resource: `pod/${ipamd[0].namespace}/${ipamd[0].name}`,
          message: `IPAMD could not assign pod IPs (${ipamd.length} event(s)) although the node subnets have free addresses: the node's ENI or IP limit is reached, or aws-node lacks ec2:AssignPrivateIpAddresses.`,
          evidence: {
            events: ipamd.slice(0, 5).map((ev) => ({ pod: `${ev.namespace}/${ev.name}`, reason: ev.reason, message: clip(ev.message, 200) })),
            subnets: subnets.map((s) => ({ id: s.id, availableIps: s.availableIps }))
          },
          fix: {
            text: 'Check the aws-node logs for the EC2 error; enable prefix delegation when the per-instance ENI limit is the bound.',
            command: 'kubectl -n kube-system logs -l k8s-app=aws-node -c aws-node --tail=50'
          }
        })
      )
    }
    return out
  }
}

export const addonDegraded: Rule = {
  id: 'addon-degraded',
  title: 'EKS add-on DEGRADED or failed',
  category: 'networking',
  reads: ['eks:ListAddons', 'eks:DescribeAddon'],
  check(e) {
    const f = finder(this.id)
    return e.aws.addons
      .filter((a) => ['DEGRADED', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED'].includes(a.status))
      .map((a) => {
        const first = a.healthIssues[0]
        return f({
          severity: 'error',
          resource: `addon/${a.name}`,
          message: `Add-on ${a.name} ${a.version ?? ''} is ${a.status}${first ? `: ${first.code} — ${clip(first.message, 200)}` : ''}`,
          evidence: { status: a.status, version: a.version, issues: a.healthIssues.map((i) => ({ ...i, meaning: meaningOf(i.code).meaning })) },
          fix: {
            text: first ? meaningOf(first.code).fix : 'Describe the add-on and read its health issues.',
            command:
              first?.code === 'ConfigurationConflict'
                ? `aws eks update-addon --cluster-name ${e.aws.cluster.name} --addon-name ${a.name} --resolve-conflicts OVERWRITE --region ${e.aws.region}`
                : `aws eks describe-addon --cluster-name ${e.aws.cluster.name} --addon-name ${a.name} --region ${e.aws.region} --query addon.health`
          }
        })
      })
  }
}
