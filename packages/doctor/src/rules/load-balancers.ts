import type { Evidence } from '../evidence.js'
import { finder, type Finding, type Rule } from '../finding.js'
import { clip, isPublicSubnet } from '../util.js'

interface Consumer {
  resource: string
  scheme: 'internet-facing' | 'internal'
}

/** Ingresses and Services the AWS Load Balancer Controller (not the in-tree provider) serves. */
export function controllerConsumers(e: Evidence): Consumer[] {
  if (!e.kube) return []
  const out: Consumer[] = []
  for (const i of e.kube.ingresses)
    if (i.className === 'alb')
      out.push({ resource: `ingress/${i.namespace}/${i.name}`, scheme: i.scheme === 'internet-facing' ? 'internet-facing' : 'internal' })
  for (const s of e.kube.services) {
    if (s.type !== 'LoadBalancer') continue
    if (s.loadBalancerClass === 'service.k8s.aws/nlb' || s.awsLoadBalancerType === 'external' || s.awsLoadBalancerType === 'nlb-ip') {
      out.push({ resource: `service/${s.namespace}/${s.name}`, scheme: s.scheme === 'internet-facing' ? 'internet-facing' : 'internal' })
    }
  }
  return out
}

export const lbController: Rule = {
  id: 'lb-controller-absent',
  title: 'AWS Load Balancer Controller absent or unready',
  category: 'load-balancers',
  reads: ['k8s:LIST ingresses', 'k8s:LIST services', 'k8s:LIST deployments'],
  check(e) {
    const users = controllerConsumers(e)
    if (!e.kube || users.length === 0) return []
    const ctl = e.kube.workloads.find((w) => w.kind === 'Deployment' && w.name === 'aws-load-balancer-controller')
    if (ctl && ctl.ready > 0) return []
    return [
      finder(this.id)({
        severity: 'error',
        resource: ctl ? `deployment/${ctl.namespace}/${ctl.name}` : 'deployment/kube-system/aws-load-balancer-controller',
        message: ctl
          ? `The AWS Load Balancer Controller has ${ctl.ready}/${ctl.desired} ready: ${users.length} object(s) wait for a load balancer.`
          : `No AWS Load Balancer Controller runs, yet ${users.length} object(s) need it: they never get a load balancer.`,
        evidence: { controller: ctl ? { desired: ctl.desired, ready: ctl.ready } : null, waiting: users.map((u) => u.resource) },
        fix: {
          text: 'Install the controller with an IRSA role carrying its IAM policy.',
          command: `helm upgrade --install aws-load-balancer-controller aws-load-balancer-controller --repo https://aws.github.io/eks-charts -n kube-system --set clusterName=${e.aws.cluster.name} --set serviceAccount.name=aws-load-balancer-controller`
        }
      })
    ]
  }
}

export const lbSubnetTags: Rule = {
  id: 'lb-subnet-tags',
  title: 'No subnets tagged for load balancers',
  category: 'load-balancers',
  reads: ['k8s:LIST ingresses', 'k8s:LIST services', 'ec2:DescribeSubnets', 'ec2:DescribeRouteTables'],
  check(e) {
    const users = controllerConsumers(e)
    if (users.length === 0) return []
    const f = finder(this.id)
    const out: Finding[] = []
    for (const scheme of ['internet-facing', 'internal'] as const) {
      const need = users.filter((u) => u.scheme === scheme)
      if (need.length === 0) continue
      const tag = scheme === 'internet-facing' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb'
      const candidates = e.aws.subnets.filter((s) => isPublicSubnet(e.aws, s) === (scheme === 'internet-facing'))
      const tagged = candidates.filter((s) => s.tags[tag] === '1' || s.tags[tag] === '')
      const zones = new Set(tagged.map((s) => s.az))
      if (zones.size >= 2) continue
      const untagged = candidates.filter((s) => !tagged.includes(s))
      out.push(
        f({
          severity: 'error',
          resource: `vpc/${e.aws.cluster.vpcId}`,
          message: `${need.length} ${scheme} load balancer(s) need ${scheme === 'internet-facing' ? 'public' : 'private'} subnets tagged ${tag}=1 in two zones; ${tagged.length} tagged (${zones.size} zone(s)) of ${candidates.length}.`,
          evidence: {
            tag,
            scheme,
            tagged: tagged.map((s) => s.id),
            untagged: untagged.map((s) => ({ id: s.id, az: s.az })),
            waiting: need.map((u) => u.resource)
          },
          fix: {
            text: `Tag the ${scheme === 'internet-facing' ? 'public' : 'private'} subnets so the controller discovers them.`,
            command: untagged.length
              ? `aws ec2 create-tags --resources ${untagged.map((s) => s.id).join(' ')} --tags Key=${tag},Value=1 --region ${e.aws.region}`
              : undefined,
            terraform: `module "vpc" {\n  ${scheme === 'internet-facing' ? 'public' : 'private'}_subnet_tags = { "${tag}" = "1" }\n}`
          }
        })
      )
    }
    return out
  }
}

const LB_PATTERNS: [RegExp, string][] = [
  [
    /couldn't auto-discover subnets|unable to resolve at least one subnet/i,
    'Tag the subnets (kubernetes.io/role/elb for internet-facing, kubernetes.io/role/internal-elb for internal).'
  ],
  [/AccessDenied|not authorized/i, "The controller's IRSA role lacks a permission of the AWS Load Balancer Controller IAM policy: attach the current policy."],
  [/certificate|ACM/i, 'The certificate ARN in the annotation is wrong, in another region, or not issued.'],
  [/TargetGroup|target group|target-type/i, 'Use target-type ip with the VPC CNI, or make the Service NodePort for target-type instance.'],
  [/webhook|x509/i, "The controller's webhook is unreachable: allow 9443 from the control plane to the nodes."]
]

export const lbEvents: Rule = {
  id: 'lb-events',
  title: 'Load balancer reconcile failures on Ingresses and Services',
  category: 'load-balancers',
  reads: ['k8s:LIST events', 'k8s:LIST ingresses', 'elasticloadbalancing:DescribeLoadBalancers'],
  check(e) {
    if (!e.kube) return []
    const f = finder(this.id)
    const out: Finding[] = []
    const seen = new Set<string>()
    const failing = e.kube.events.filter((ev) => ev.type === 'Warning' && (ev.kind === 'Ingress' || ev.kind === 'Service') && /Failed|Error/i.test(ev.reason))
    for (const ev of failing.sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))) {
      const key = `${ev.kind}/${ev.namespace}/${ev.name}`
      if (seen.has(key)) continue
      seen.add(key)
      const obj =
        ev.kind === 'Ingress'
          ? e.kube.ingresses.find((i) => i.namespace === ev.namespace && i.name === ev.name)
          : e.kube.services.find((s) => s.namespace === ev.namespace && s.name === ev.name)
      const lbs = e.aws.loadBalancers.filter((lb) => obj?.hostnames.includes(lb.dnsName))
      const advice = LB_PATTERNS.find(([re]) => re.test(ev.message))?.[1] ?? 'Read the controller log for the reconcile error.'
      out.push(
        f({
          severity: 'error',
          resource: `${ev.kind.toLowerCase()}/${ev.namespace}/${ev.name}`,
          message: `${ev.kind} ${ev.namespace}/${ev.name}: ${ev.reason} (${ev.count}×): ${clip(ev.message, 200)}`,
          evidence: {
            reason: ev.reason,
            message: clip(ev.message),
            count: ev.count,
            lastTimestamp: ev.lastTimestamp,
            hostnames: obj?.hostnames ?? [],
            loadBalancers: lbs.map((lb) => ({ name: lb.name, state: lb.state, scheme: lb.scheme }))
          },
          fix: { text: advice, command: 'kubectl -n kube-system logs deployment/aws-load-balancer-controller --tail=50' }
        })
      )
    }
    return out
  }
}
