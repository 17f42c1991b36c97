import { GpushipError } from '@gpuship/core'

/**
 * Proves the kubeconfig works before the rollout needs it: GET /version (reachability and
 * TLS), then a SelfSubjectReview (the token is accepted, and as whom). A 401 or 403 is
 * explained with the EKS-side fix instead of kubectl's "You must be logged in".
 */
export interface AccessResult {
  gitVersion: string
  username: string
  groups: string[]
}

interface Reply { status: number; body: string }

async function call(server: string, caData: string, token: string, method: string, path: string, body: string | undefined, timeoutMs: number): Promise<Reply> {
  // Loaded here, not at the top: node:https drags in tls and net, and every action bundling
  // @gpuship/aws would pay for them at start-up before it has even read its inputs.
  const { request } = await import('node:https')
  return new Promise((resolve, reject) => {
    const url = new URL(path, server)
    const req = request(url, {
      method,
      ca: Buffer.from(caData, 'base64').toString('utf8'),
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      timeout: timeoutMs
    }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

export async function verifyClusterAccess(o: { server: string; certificateAuthorityData: string; token: string; clusterName: string; principalArn?: string; region?: string; timeoutMs?: number }): Promise<AccessResult> {
  const timeout = o.timeoutMs ?? 15_000
  const principal = o.principalArn ?? '<role ARN>'
  const unauthorized = () => new GpushipError(`The API server of ${o.clusterName} rejected the EKS token (401 Unauthorized): ${principal} has no access entry on the cluster (nor an aws-auth mapping).`, {
    code: 'eks-unauthorized',
    hint: `Grant it: aws eks create-access-entry --cluster-name ${o.clusterName} --principal-arn ${principal}${o.region ? ` --region ${o.region}` : ''} && aws eks associate-access-policy --cluster-name ${o.clusterName} --principal-arn ${principal} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope type=cluster (or narrower: AmazonEKSEditPolicy with --access-scope type=namespace,namespaces=<ns>). In Terraform: the eks module's access_entries.`
  })
  let version: Reply
  try {
    version = await call(o.server, o.certificateAuthorityData, o.token, 'GET', '/version', undefined, timeout)
  } catch (err) {
    throw new GpushipError(`Could not reach the API server of ${o.clusterName} at ${o.server}: ${(err as Error).message}`, {
      code: 'eks-unreachable',
      cause: err,
      hint: 'A private-only endpoint needs a runner inside the VPC; otherwise enable endpointPublicAccess (and allow the runner in publicAccessCidrs).'
    })
  }
  if (version.status === 401) throw unauthorized()
  if (version.status !== 200 && version.status !== 403) throw new GpushipError(`GET /version on ${o.clusterName} answered HTTP ${version.status}.`, { code: 'eks-version' })
  const gitVersion = version.status === 200 ? ((JSON.parse(version.body) as { gitVersion?: string }).gitVersion ?? '') : ''
  const review = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { creationTimestamp: null }, status: {} })
  const who = await call(o.server, o.certificateAuthorityData, o.token, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', review, timeout)
  if (who.status === 401) throw unauthorized()
  if (who.status === 403) {
    throw new GpushipError(`${principal} authenticated to ${o.clusterName} but RBAC forbids it even a SelfSubjectReview (403 Forbidden).`, {
      code: 'eks-forbidden',
      hint: `Its access entry maps to Kubernetes groups that have no RBAC binding. Associate an access policy (aws eks associate-access-policy --cluster-name ${o.clusterName} --principal-arn ${principal} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy --access-scope type=cluster), or bind the entry's group: kubectl create clusterrolebinding gpuship-deploy --clusterrole=edit --group=<group>.`
    })
  }
  if (who.status !== 201 && who.status !== 200) throw new GpushipError(`SelfSubjectReview on ${o.clusterName} answered HTTP ${who.status}.`, { code: 'eks-review' })
  const info = (JSON.parse(who.body) as { status?: { userInfo?: { username?: string; groups?: string[] } } }).status?.userInfo
  return { gitVersion, username: info?.username ?? '', groups: info?.groups ?? [] }
}
