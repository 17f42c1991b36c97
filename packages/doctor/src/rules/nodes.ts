import type { Evidence, RoleEvidence } from '../evidence.js'
import { finder, type Finding, type Rule } from '../finding.js'
import { meaningOf } from './health-codes.js'
import { ageMinutes, clip, roleName } from '../util.js'

export const nodegroupHealth: Rule = {
  id: 'nodegroup-health',
  title: 'Node group health issues',
  category: 'nodes',
  reads: ['eks:ListNodegroups', 'eks:DescribeNodegroup'],
  check(e) {
    const f = finder(this.id)
    return e.aws.nodegroups
      .filter((ng) => ng.healthIssues.length > 0 || ['DEGRADED', 'CREATE_FAILED', 'DELETE_FAILED'].includes(ng.status))
      .map((ng) => {
        const issues = ng.healthIssues.map((i) => ({ ...i, meaning: meaningOf(i.code).meaning }))
        const first = ng.healthIssues[0]
        return f({
          severity: 'error',
          resource: `nodegroup/${ng.name}`,
          message: `Node group ${ng.name} is ${ng.status}${first ? `: ${first.code} — ${meaningOf(first.code).meaning}` : ''}`,
          evidence: { status: ng.status, issues },
          fix: {
            text: first ? meaningOf(first.code).fix : 'Read the node group status in the console or with describe-nodegroup.',
            command: `aws eks describe-nodegroup --cluster-name ${e.aws.cluster.name} --nodegroup-name ${ng.name} --region ${e.aws.region} --query nodegroup.health`
          }
        })
      })
  }
}

const ASG_PATTERNS: [RegExp, string][] = [
  [
    /InsufficientInstanceCapacity|sufficient .* capacity/i,
    'AWS has no capacity for this instance type in these Availability Zones: add subnets in other zones or more instance types.'
  ],
  [
    /VcpuLimitExceeded|vCPU/i,
    "The account's vCPU quota for this instance family is reached: request an increase in Service Quotas (Running On-Demand G and VT instances for GPU types)."
  ],
  [
    /not authorized|UnauthorizedOperation|AccessDenied/i,
    'The Auto Scaling service-linked role cannot use the launch template (often a KMS key on the EBS volume or an iam:PassRole denial).'
  ],
  [
    /InvalidParameter|does not exist|not found/i,
    'The launch template references something that does not exist (AMI, security group, key pair, instance profile).'
  ],
  [/Spot/i, 'Spot capacity is unavailable or the price is too low: add instance types or use On-Demand.']
]

export const asgActivity: Rule = {
  id: 'asg-launch-failed',
  title: 'Auto Scaling cannot launch instances',
  category: 'nodes',
  reads: ['eks:DescribeNodegroup', 'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeScalingActivities'],
  check(e) {
    const f = finder(this.id)
    const out: Finding[] = []
    const byAsg = new Map<string, typeof e.aws.scalingActivities>()
    for (const a of e.aws.scalingActivities) byAsg.set(a.asgName, [...(byAsg.get(a.asgName) ?? []), a])
    for (const [asg, acts] of byAsg) {
      const sorted = [...acts].sort((a, b) => (b.startTime ?? '').localeCompare(a.startTime ?? ''))
      const latest = sorted[0]
      if (!latest || !['Failed', 'Cancelled'].includes(latest.statusCode)) continue
      const failed = sorted.filter((a) => a.statusCode === 'Failed' || a.statusCode === 'Cancelled')
      const text = `${latest.statusMessage ?? ''} ${latest.description}`
      const advice = ASG_PATTERNS.find(([re]) => re.test(text))?.[1] ?? "Read the activity's status message: it names the EC2 error."
      const ng = e.aws.nodegroups.find((n) => n.asgNames.includes(asg))
      out.push(
        f({
          severity: 'error',
          resource: ng ? `nodegroup/${ng.name}` : `asg/${asg}`,
          message: `The latest scaling activity of ${asg} failed: ${clip(latest.statusMessage ?? latest.description, 200)}`,
          evidence: {
            autoScalingGroup: asg,
            statusCode: latest.statusCode,
            statusMessage: latest.statusMessage,
            description: latest.description,
            cause: latest.cause,
            startTime: latest.startTime,
            failedActivities: failed.length
          },
          fix: { text: advice, command: `aws autoscaling describe-scaling-activities --auto-scaling-group-name ${asg} --region ${e.aws.region} --max-items 5` }
        })
      )
    }
    return out
  }
}

/** Instances younger than this may still be booting; older ones should have registered. */
export const JOIN_GRACE_MINUTES = 10

export const instancesNotJoined: Rule = {
  id: 'instances-not-joined',
  title: 'Running instances absent from the node list',
  category: 'nodes',
  reads: ['ec2:DescribeInstances', 'k8s:LIST nodes'],
  check(e) {
    if (!e.kube) return []
    const names = new Set(e.kube.nodes.map((n) => n.name))
    const ids = new Set(e.kube.nodes.map((n) => n.providerId?.split('/').pop()).filter(Boolean))
    const f = finder(this.id)
    return e.aws.instances
      .filter((i) => i.state === 'running' && !names.has(i.privateDnsName) && !ids.has(i.id))
      .filter((i) => (ageMinutes(i.launchTime, e.readAt) ?? JOIN_GRACE_MINUTES) >= JOIN_GRACE_MINUTES)
      .map((i) =>
        f({
          severity: 'error',
          resource: `instance/${i.id}`,
          message: `Instance ${i.id} (${i.instanceType}) has run ${ageMinutes(i.launchTime, e.readAt) ?? '?'} min but no node ${i.privateDnsName} is registered.`,
          evidence: {
            instanceId: i.id,
            instanceType: i.instanceType,
            privateDnsName: i.privateDnsName,
            launchTime: i.launchTime,
            subnetId: i.subnetId,
            nodegroup: i.tags['eks:nodegroup-name'],
            registeredNodes: [...names].sort()
          },
          fix: {
            text: "The kubelet started but could not register: check the node role's access entry, the route from its subnet to the endpoint, and the bootstrap log on the instance. The other findings of this report usually name the cause.",
            command: `aws ssm start-session --target ${i.id} --region ${e.aws.region}  # then: journalctl -u kubelet --no-pager | tail -50`
          }
        })
      )
  }
}

function accessFor(e: Evidence, role: RoleEvidence): { entry: boolean; awsAuth: boolean } {
  // aws-auth matches the role ARN without its path; access entries take the ARN as created.
  const bare = `arn:${role.arn.split(':')[1]}:iam::${role.arn.split(':')[4]}:role/${roleName(role.arn)}`
  const entry = (e.aws.accessEntries ?? []).some(
    (a) =>
      (a.principalArn === role.arn || a.principalArn === bare) &&
      (a.type === 'EC2_LINUX' || a.type === 'EC2_WINDOWS' || a.kubernetesGroups.includes('system:nodes'))
  )
  const awsAuth = (e.kube?.awsAuth ?? []).some((m) => m.rolearn === bare && m.groups.includes('system:nodes'))
  return { entry, awsAuth }
}

export const nodeRoleAccess: Rule = {
  id: 'node-role-no-access',
  title: 'Node role cannot authenticate to the cluster',
  category: 'nodes',
  reads: ['eks:DescribeCluster', 'eks:ListAccessEntries', 'eks:DescribeAccessEntry', 'eks:ListAssociatedAccessPolicies', 'k8s:GET configmaps/aws-auth'],
  check(e) {
    const mode = e.aws.cluster.authenticationMode ?? 'CONFIG_MAP'
    const useEntries = mode !== 'CONFIG_MAP'
    const useConfigMap = mode !== 'API'
    if (useEntries && !e.aws.accessEntries) return []
    if (!useEntries && !e.kube) return []
    const f = finder(this.id)
    const seen = new Set<string>()
    const out: Finding[] = []
    for (const ng of e.aws.nodegroups) {
      const role = e.aws.roles[ng.nodeRole]
      if (!role?.exists || seen.has(role.arn)) continue
      seen.add(role.arn)
      const a = accessFor(e, role)
      if ((useEntries && a.entry) || (useConfigMap && a.awsAuth)) continue
      const name = roleName(role.arn)
      out.push(
        f({
          severity: 'error',
          resource: `role/${name}`,
          message: `Node role ${name} of node group ${ng.name} has no ${useEntries ? 'EC2_LINUX access entry' : ''}${useEntries && useConfigMap ? ' and no ' : ''}${useConfigMap ? 'aws-auth mapping to system:nodes' : ''}: its kubelets are refused (Unauthorized) and never appear as nodes.`,
          evidence: {
            authenticationMode: mode,
            nodeRole: role.arn,
            accessEntries: (e.aws.accessEntries ?? []).map((x) => x.principalArn),
            awsAuthRoles: (e.kube?.awsAuth ?? []).map((m) => m.rolearn)
          },
          fix: useEntries
            ? {
                text: 'Create an EC2_LINUX access entry for the node role.',
                command: `aws eks create-access-entry --cluster-name ${e.aws.cluster.name} --principal-arn ${role.arn} --type EC2_LINUX --region ${e.aws.region}`,
                terraform: `resource "aws_eks_access_entry" "nodes" {\n  cluster_name  = "${e.aws.cluster.name}"\n  principal_arn = "${role.arn}"\n  type          = "EC2_LINUX"\n}`
              }
            : {
                text: 'Map the node role (ARN without its path) to system:bootstrappers and system:nodes in kube-system/aws-auth.',
                command: `kubectl -n kube-system edit configmap aws-auth  # mapRoles: - rolearn: ${role.arn}\\n  username: system:node:{{EC2PrivateDNSName}}\\n  groups: [system:bootstrappers, system:nodes]`
              }
        })
      )
    }
    return out
  }
}

export const NODE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']

export const nodeRolePolicies: Rule = {
  id: 'node-role-policies',
  title: 'Node role missing or without the worker policies',
  category: 'nodes',
  reads: ['eks:DescribeNodegroup', 'eks:DescribeAddon', 'iam:GetRole', 'iam:ListAttachedRolePolicies'],
  check(e) {
    const f = finder(this.id)
    // With the VPC CNI on IRSA, aws-node uses its own role and the node role needs no CNI policy.
    const cniOnIrsa = Boolean(e.aws.addons.find((a) => a.name === 'vpc-cni')?.serviceAccountRoleArn)
    const seen = new Set<string>()
    const out: Finding[] = []
    for (const ng of e.aws.nodegroups) {
      const role = e.aws.roles[ng.nodeRole]
      if (!role || seen.has(ng.nodeRole)) continue
      seen.add(ng.nodeRole)
      const name = roleName(ng.nodeRole)
      const attached = role.attachedPolicyArns.map((p) => p.split('/').pop() ?? p)
      const missing = role.exists ? NODE_POLICIES.filter((p) => !attached.includes(p) && !(cniOnIrsa && p === 'AmazonEKS_CNI_Policy')) : NODE_POLICIES
      if (role.exists && missing.length === 0) continue
      out.push(
        f({
          severity: 'error',
          resource: `role/${name}`,
          message: role.exists
            ? `Node role ${name} lacks ${missing.join(', ')}: kubelets cannot ${missing.includes('AmazonEKSWorkerNodePolicy') ? 'describe the cluster, ' : ''}${missing.includes('AmazonEKS_CNI_Policy') ? 'assign pod IPs, ' : ''}${missing.includes('AmazonEC2ContainerRegistryReadOnly') ? 'pull images from ECR' : ''}`.replace(
                /, $/,
                '.'
              )
            : `Node role ${name} of node group ${ng.name} does not exist.`,
          evidence: { nodegroup: ng.name, nodeRole: ng.nodeRole, exists: role.exists, attachedPolicies: role.attachedPolicyArns, missing, cniOnIrsa },
          fix: {
            text: role.exists
              ? 'Attach the missing AWS managed policies to the node role.'
              : 'Recreate the node role with the three worker policies, then recreate the node group.',
            command: missing.map((p) => `aws iam attach-role-policy --role-name ${name} --policy-arn arn:aws:iam::aws:policy/${p}`).join('\n'),
            terraform: missing
              .map((p) => `resource "aws_iam_role_policy_attachment" "${p}" {\n  role       = "${name}"\n  policy_arn = "arn:aws:iam::aws:policy/${p}"\n}`)
              .join('\n')
          }
        })
      )
    }
    return out
  }
}
