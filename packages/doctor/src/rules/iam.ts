import type { Evidence, RoleEvidence } from '../evidence.js'
import { finder, type Finding, type Rule } from '../finding.js'
import { asList, clip, roleName, statements } from '../util.js'

export function issuerHost(e: Evidence): string | undefined {
  return e.aws.cluster.oidcIssuer?.replace(/^https:\/\//, '')
}

function providerArn(e: Evidence, role: string): string | undefined {
  const host = issuerHost(e)
  const account = role.split(':')[4]
  return host ? `arn:${role.split(':')[1]}:iam::${account}:oidc-provider/${host}` : undefined
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`
  )
  return re.test(value)
}

/** Why `role` would refuse AssumeRoleWithWebIdentity from `subject`, or undefined when it accepts. */
export function trustProblem(e: Evidence, role: RoleEvidence, subject: string): string | undefined {
  const host = issuerHost(e)
  const provider = providerArn(e, role.arn)
  const web = statements(role.trustPolicy).filter(
    (s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a === 'sts:AssumeRoleWithWebIdentity' || a === 'sts:*')
  )
  const forProvider = web.filter((s) => typeof s.Principal === 'object' && asList(s.Principal.Federated).includes(provider ?? ''))
  if (forProvider.length === 0) {
    const others = web.flatMap((s) => (typeof s.Principal === 'object' ? asList(s.Principal.Federated) : []))
    return `its trust policy does not name the cluster's OIDC provider ${provider}${others.length ? ` (it trusts ${others.join(', ')})` : ''}`
  }
  const subOk = forProvider.some((s) => {
    const subs = Object.entries(s.Condition ?? {}).flatMap(([op, kv]) => asList(kv[`${host}:sub`]).map((v) => ({ op, v })))
    if (subs.length === 0) return true
    return subs.some(({ op, v }) => (op.startsWith('StringLike') ? globMatch(v, subject) : v === subject))
  })
  if (!subOk) return `its trust policy's ${host}:sub condition does not match ${subject}`
  return undefined
}

export const irsaRole: Rule = {
  id: 'irsa-role',
  title: 'IRSA role missing or not trusting the service account',
  category: 'iam',
  reads: ['k8s:LIST serviceaccounts', 'eks:DescribeCluster', 'iam:GetRole'],
  check(e) {
    if (!e.kube) return []
    const f = finder(this.id)
    const out: Finding[] = []
    for (const sa of e.kube.serviceAccounts.filter((s) => s.roleArn)) {
      const arn = sa.roleArn as string
      const role = e.aws.roles[arn]
      if (!role) continue
      const subject = `system:serviceaccount:${sa.namespace}:${sa.name}`
      const problem = role.exists ? trustProblem(e, role, subject) : 'the role does not exist'
      if (!problem) continue
      const name = roleName(arn)
      out.push(
        f({
          severity: 'error',
          resource: `serviceaccount/${sa.namespace}/${sa.name}`,
          message: `Service account ${sa.namespace}/${sa.name} uses role ${name}, but ${problem}: its pods get AccessDenied on sts:AssumeRoleWithWebIdentity.`,
          evidence: { roleArn: arn, exists: role.exists, subject, oidcIssuer: e.aws.cluster.oidcIssuer, trustPolicy: role.trustPolicy },
          fix: {
            text: role.exists
              ? "Trust the cluster's OIDC provider for exactly this service account."
              : 'Create the role, or fix the eks.amazonaws.com/role-arn annotation.',
            command: role.exists
              ? `aws iam update-assume-role-policy --role-name ${name} --policy-document file://trust.json`
              : `kubectl -n ${sa.namespace} annotate serviceaccount ${sa.name} eks.amazonaws.com/role-arn=<existing role ARN> --overwrite`,
            terraform: `data "aws_iam_policy_document" "trust" {\n  statement {\n    actions = ["sts:AssumeRoleWithWebIdentity"]\n    principals {\n      type        = "Federated"\n      identifiers = ["${providerArn(e, arn)}"]\n    }\n    condition {\n      test     = "StringEquals"\n      variable = "${issuerHost(e)}:sub"\n      values   = ["${subject}"]\n    }\n    condition {\n      test     = "StringEquals"\n      variable = "${issuerHost(e)}:aud"\n      values   = ["sts.amazonaws.com"]\n    }\n  }\n}`
          }
        })
      )
    }
    return out
  }
}

export const oidcProvider: Rule = {
  id: 'oidc-provider-missing',
  title: 'No IAM OIDC provider for the cluster issuer',
  category: 'iam',
  reads: ['eks:DescribeCluster', 'iam:ListOpenIDConnectProviders', 'iam:GetOpenIDConnectProvider', 'k8s:LIST serviceaccounts'],
  check(e) {
    const host = issuerHost(e)
    if (!host || !e.aws.oidcProviders || !e.kube) return []
    const users = e.kube.serviceAccounts.filter((s) => s.roleArn)
    if (users.length === 0) return []
    const match = e.aws.oidcProviders.find((p) => p.arn.endsWith(`:oidc-provider/${host}`))
    if (match && match.clientIds.includes('sts.amazonaws.com')) return []
    return [
      finder(this.id)({
        severity: 'error',
        resource: `cluster/${e.aws.cluster.name}`,
        message: match
          ? `The IAM OIDC provider for ${host} does not list sts.amazonaws.com as a client ID (audience).`
          : `No IAM OIDC provider exists for ${host}, so no IRSA role can be assumed (${users.length} service account(s) use IRSA).`,
        evidence: {
          issuer: e.aws.cluster.oidcIssuer,
          providers: e.aws.oidcProviders.map((p) => p.arn),
          clientIds: match?.clientIds,
          serviceAccounts: users.map((s) => `${s.namespace}/${s.name}`)
        },
        fix: {
          text: 'Register the cluster issuer as an IAM OIDC provider with audience sts.amazonaws.com.',
          command: match
            ? `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${match.arn} --client-id sts.amazonaws.com`
            : `eksctl utils associate-iam-oidc-provider --cluster ${e.aws.cluster.name} --region ${e.aws.region} --approve`,
          terraform: `resource "aws_iam_openid_connect_provider" "cluster" {\n  url            = "${e.aws.cluster.oidcIssuer}"\n  client_id_list = ["sts.amazonaws.com"]\n}`
        }
      })
    ]
  }
}

const DENIED =
  /(?:User|Principal): (arn:[^\s]+) is not authorized to perform: ([\w:*-]+)(?: on resource: ([^\s]+))?|(AccessDenied(?:Exception)?|UnauthorizedOperation|AccessDeniedException)/

export const accessDenied: Rule = {
  id: 'access-denied',
  title: 'AWS access denied in pod events',
  category: 'iam',
  reads: ['k8s:LIST events', 'k8s:LIST pods'],
  check(e) {
    if (!e.kube) return []
    const f = finder(this.id)
    const out: Finding[] = []
    const texts = [
      // Ingress and Service events are explained by lb-events, with the controller's context.
      ...e.kube.events
        .filter((ev) => ev.type === 'Warning' && ev.kind !== 'Ingress' && ev.kind !== 'Service')
        .map((ev) => ({ obj: `${ev.kind.toLowerCase()}/${ev.namespace}/${ev.name}`, reason: ev.reason, text: ev.message })),
      ...e.kube.pods.flatMap((p) => p.waiting.map((w) => ({ obj: `pod/${p.namespace}/${p.name}`, reason: w.reason, text: w.message ?? '' })))
    ]
    const seen = new Set<string>()
    for (const t of texts) {
      const m = DENIED.exec(t.text)
      if (!m || seen.has(t.obj)) continue
      seen.add(t.obj)
      const principal = m[1]
      const action = m[2]
      const role = principal ? /assumed-role\/([^/]+)/.exec(principal)?.[1] : undefined
      out.push(
        f({
          severity: 'error',
          resource: t.obj,
          message: action ? `${principal} is not allowed ${action}${m[3] ? ` on ${m[3]}` : ''}.` : `${t.obj} reports ${m[4]}.`,
          evidence: { reason: t.reason, message: clip(t.text), principal, action, resource: m[3] },
          fix: {
            text: action
              ? `Grant ${action} to ${role ?? 'the principal'} (its IRSA role or, without IRSA, the node role), scoped to the resource.`
              : 'Find the principal in CloudTrail (errorCode AccessDenied) and grant the missing action.',
            command:
              role && action
                ? `aws iam put-role-policy --role-name ${role} --policy-name ${action.replace(/[:*]/g, '-')} --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"${action}","Resource":"${m[3] ?? '*'}"}]}'`
                : `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity --region ${e.aws.region} --max-items 5`
          }
        })
      )
    }
    return out
  }
}

export const authenticatorDenied: Rule = {
  id: 'authenticator-denied',
  title: 'The EKS authenticator denies an IAM principal',
  category: 'iam',
  reads: ['eks:DescribeCluster', 'logs:FilterLogEvents', 'eks:ListAccessEntries'],
  check(e) {
    const f = finder(this.id)
    const nodeRoles = new Set(e.aws.nodegroups.map((n) => n.nodeRole))
    return (e.aws.authenticatorDenials ?? []).map((d) => {
      const node = nodeRoles.has(d.arn)
      const unmapped = /not mapped/i.test(d.error)
      return f({
        severity: 'error',
        resource: `principal/${roleName(d.arn)}`,
        message: `The cluster's authenticator refused ${d.arn} ${d.count} time(s) in the last hour${d.error ? ` (${d.error})` : ''}: every kubectl or kubelet call it makes gets Unauthorized.`,
        evidence: {
          arn: d.arn,
          error: d.error,
          count: d.count,
          lastSeen: d.lastSeen,
          logLine: clip(d.sample, 400),
          accessEntries: (e.aws.accessEntries ?? []).map((a) => a.principalArn)
        },
        fix: unmapped
          ? {
              text: node
                ? 'Create an EC2_LINUX access entry for this node role.'
                : 'Create an access entry for the principal and associate the access policy it needs (or map it in aws-auth).',
              command: `aws eks create-access-entry --cluster-name ${e.aws.cluster.name} --principal-arn ${d.arn}${node ? ' --type EC2_LINUX' : ''} --region ${e.aws.region}${node ? '' : `\naws eks associate-access-policy --cluster-name ${e.aws.cluster.name} --principal-arn ${d.arn} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy --access-scope type=namespace,namespaces=<ns> --region ${e.aws.region}`}`,
              terraform: `resource "aws_eks_access_entry" "this" {\n  cluster_name  = "${e.aws.cluster.name}"\n  principal_arn = "${d.arn}"\n}`
            }
          : {
              text: 'Read the authenticator error: a token for another cluster, an expired token, or a clock skew on the caller.',
              command: `aws logs filter-log-events --log-group-name /aws/eks/${e.aws.cluster.name}/cluster --log-stream-name-prefix authenticator- --filter-pattern '"access denied"' --region ${e.aws.region}`
            }
      })
    })
  }
}
