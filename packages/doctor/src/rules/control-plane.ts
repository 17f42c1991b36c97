import { X509Certificate } from 'node:crypto'
import { finder, type Finding, type Rule } from '../finding.js'
import { minor, roleName, shortVersion, statements, asList } from '../util.js'

const CLUSTER_POLICY = 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'

export const clusterStatus: Rule = {
  id: 'cluster-status',
  title: 'Cluster is not ACTIVE',
  category: 'control-plane',
  reads: ['eks:DescribeCluster'],
  check(e) {
    const c = e.aws.cluster
    if (c.status === 'ACTIVE' && c.healthIssues.length === 0) return []
    const f = finder(this.id)
    return [
      f({
        severity: c.status === 'FAILED' || c.healthIssues.length > 0 ? 'error' : 'warning',
        resource: `cluster/${c.name}`,
        message: `Cluster ${c.name} is ${c.status}${c.healthIssues.length ? ` with ${c.healthIssues.map((i) => i.code).join(', ')}` : ''}; nodes cannot join and the API may refuse changes until it is ACTIVE.`,
        evidence: { status: c.status, healthIssues: c.healthIssues },
        fix: {
          text:
            c.status === 'FAILED'
              ? 'Read the health issues, fix their cause (usually the cluster role or subnets), then recreate the cluster.'
              : 'Wait for the operation in progress to finish, then run the doctor again.',
          command: `aws eks describe-cluster --name ${c.name} --region ${e.aws.region} --query 'cluster.{status:status,health:health}'`
        }
      })
    ]
  }
}

export const endpointUnreachable: Rule = {
  id: 'endpoint-unreachable',
  title: 'API server endpoint not reachable',
  category: 'control-plane',
  reads: ['eks:DescribeCluster', 'k8s:GET /version'],
  check(e) {
    if (e.kube) return []
    const c = e.aws.cluster
    const privateOnly = c.endpointPublicAccess === false
    return [
      finder(this.id)({
        severity: 'error',
        resource: `cluster/${c.name}`,
        message: `The Kubernetes API at ${c.endpoint ?? '(no endpoint)'} did not answer: ${e.kubeError ?? 'unknown error'}.`,
        evidence: { endpoint: c.endpoint, endpointPublicAccess: c.endpointPublicAccess, endpointPrivateAccess: c.endpointPrivateAccess, error: e.kubeError },
        fix: /x509|certificate|self.signed|CERT_/i.test(e.kubeError ?? '')
          ? {
              text: 'TLS failed: the kubeconfig trusts a different CA than the cluster presents (an old kubeconfig, or a CA copied wrongly). Rewrite it from DescribeCluster.',
              command: `aws eks update-kubeconfig --name ${c.name} --region ${e.aws.region}`
            }
          : privateOnly
            ? {
                text: 'The endpoint is private only: run from inside the VPC (a runner in a private subnet, a VPN), or enable public access restricted to your CIDRs.',
                command: `aws eks update-cluster-config --name ${c.name} --region ${e.aws.region} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs=<your-cidr>/32`,
                terraform: 'cluster_endpoint_public_access       = true\ncluster_endpoint_public_access_cidrs = ["<your-cidr>/32"]'
              }
            : {
                text: 'Refresh the kubeconfig for this cluster and check that your network may reach the endpoint (public access CIDRs, proxy).',
                command: `aws eks update-kubeconfig --name ${c.name} --region ${e.aws.region}`
              }
      })
    ]
  }
}

export function checkCertificate(base64: string | undefined, now: string): { ok: boolean; reason?: string; subject?: string; validTo?: string } {
  if (!base64) return { ok: false, reason: 'DescribeCluster returned no certificateAuthority.data' }
  let cert: X509Certificate
  try {
    cert = new X509Certificate(Buffer.from(base64, 'base64'))
  } catch (err) {
    return { ok: false, reason: `certificateAuthority.data is not a PEM certificate (${(err as Error).message})` }
  }
  if (!cert.ca) return { ok: false, reason: 'the certificate is not a CA (basicConstraints CA:FALSE)', subject: cert.subject, validTo: cert.validTo }
  if (Date.parse(cert.validTo) < Date.parse(now))
    return { ok: false, reason: `the certificate expired on ${cert.validTo}`, subject: cert.subject, validTo: cert.validTo }
  return { ok: true, subject: cert.subject, validTo: cert.validTo }
}

export const clusterCa: Rule = {
  id: 'cluster-ca-invalid',
  title: 'Cluster CA certificate invalid',
  category: 'control-plane',
  reads: ['eks:DescribeCluster'],
  check(e) {
    const c = e.aws.cluster
    if (c.status !== 'ACTIVE') return []
    const r = checkCertificate(c.certificateAuthority, e.readAt)
    if (r.ok) return []
    return [
      finder(this.id)({
        severity: 'error',
        resource: `cluster/${c.name}`,
        message: `The cluster CA cannot be used: ${r.reason}. Nodes bootstrap with this CA and kubectl verifies the endpoint with it.`,
        evidence: { reason: r.reason, subject: r.subject, validTo: r.validTo, dataLength: c.certificateAuthority?.length ?? 0 },
        fix: {
          text: 'Use the certificateAuthority.data DescribeCluster returns, unmodified, in the kubeconfig and the node bootstrap (a copy cut short or re-encoded breaks it).',
          command: `aws eks describe-cluster --name ${c.name} --region ${e.aws.region} --query cluster.certificateAuthority.data --output text | base64 -d | openssl x509 -noout -subject -enddate`
        }
      })
    ]
  }
}

export const clusterRole: Rule = {
  id: 'cluster-role',
  title: 'Cluster IAM role missing, untrusted or without AmazonEKSClusterPolicy',
  category: 'control-plane',
  reads: ['eks:DescribeCluster', 'iam:GetRole', 'iam:ListAttachedRolePolicies'],
  check(e) {
    const c = e.aws.cluster
    const role = e.aws.roles[c.roleArn]
    if (!role) return []
    const name = roleName(c.roleArn)
    const trusted = statements(role.trustPolicy).some(
      (s) => s.Effect === 'Allow' && typeof s.Principal === 'object' && asList(s.Principal.Service).includes('eks.amazonaws.com')
    )
    const problems: string[] = []
    if (!role.exists) problems.push('the role does not exist')
    else {
      if (!trusted) problems.push('its trust policy does not allow eks.amazonaws.com')
      if (!role.attachedPolicyArns.includes(CLUSTER_POLICY)) problems.push('AmazonEKSClusterPolicy is not attached')
    }
    if (problems.length === 0) return []
    return [
      finder(this.id)({
        severity: 'error',
        resource: `role/${name}`,
        message: `Cluster role ${name}: ${problems.join('; ')}. EKS uses it to manage the ENIs and security groups the control plane talks to nodes through.`,
        evidence: { roleArn: c.roleArn, exists: role.exists, trustsEks: trusted, attachedPolicies: role.attachedPolicyArns },
        fix: {
          text: role.exists
            ? 'Attach AmazonEKSClusterPolicy and let eks.amazonaws.com assume the role.'
            : 'Recreate the role with the EKS trust policy and AmazonEKSClusterPolicy.',
          command: `aws iam attach-role-policy --role-name ${name} --policy-arn ${CLUSTER_POLICY}`,
          terraform: `resource "aws_iam_role_policy_attachment" "cluster" {\n  role       = "${name}"\n  policy_arn = "${CLUSTER_POLICY}"\n}`
        }
      })
    ]
  }
}

export const versionSkew: Rule = {
  id: 'version-skew',
  title: 'Kubelet version skew against the control plane',
  category: 'control-plane',
  reads: ['eks:DescribeCluster', 'eks:DescribeNodegroup', 'k8s:LIST nodes'],
  check(e) {
    const cp = minor(e.aws.cluster.version)
    if (cp === undefined) return []
    const f = finder(this.id)
    const out: Finding[] = []
    const judge = (resource: string, version: string | undefined, extra: Record<string, unknown>, fix: string) => {
      const v = minor(version)
      if (v === undefined || v === cp) return
      const newer = v > cp
      const behind = cp - v
      out.push(
        f({
          severity: newer || behind > 3 ? 'error' : 'warning',
          resource,
          message: newer
            ? `${resource} runs ${shortVersion(version)}, newer than the control plane ${e.aws.cluster.version}: kubelets may not be newer than the API server.`
            : `${resource} runs ${shortVersion(version)}, ${behind} minor version(s) behind the control plane ${e.aws.cluster.version}${behind > 3 ? ' (more than the 3 the kubelet skew policy allows)' : '; the next control-plane upgrade is blocked until nodes catch up'}.`,
          evidence: { controlPlaneVersion: e.aws.cluster.version, version, ...extra },
          fix: { text: newer ? 'Upgrade the control plane first, then the nodes.' : 'Upgrade the node group to the control plane version.', command: fix }
        })
      )
    }
    for (const ng of e.aws.nodegroups) {
      judge(
        `nodegroup/${ng.name}`,
        ng.version,
        { releaseVersion: ng.releaseVersion },
        `aws eks update-nodegroup-version --cluster-name ${e.aws.cluster.name} --nodegroup-name ${ng.name} --region ${e.aws.region}`
      )
    }
    const managed = new Set(e.aws.nodegroups.map((n) => n.name))
    for (const n of e.kube?.nodes ?? []) {
      if (managed.has(n.labels['eks.amazonaws.com/nodegroup'] ?? '')) continue // judged through its node group
      judge(
        `node/${n.name}`,
        n.kubeletVersion,
        { kubeletVersion: n.kubeletVersion },
        `kubectl drain ${n.name} --ignore-daemonsets --delete-emptydir-data  # then replace it with an AMI for ${e.aws.cluster.version}`
      )
    }
    return out
  }
}
