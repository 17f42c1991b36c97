import { regionalStsHost } from '../identity/partition.js'
import type { AwsCredentials } from '../identity/assume-role.js'

/**
 * An EKS bearer token made in-process, byte for byte what `aws eks get-token` and
 * aws-iam-authenticator produce: a presigned STS GetCallerIdentity URL on the regional
 * endpoint, valid 60 s for STS, with the cluster name in the signed `x-k8s-aws-id` header,
 * as `k8s-aws-v1.` + base64url without padding. EKS accepts it for 15 minutes after signing.
 */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.'
/** How long kubectl may cache a token; EKS accepts it 15 min after signing, we refresh at 14. */
export const EKS_TOKEN_TTL_MS = 14 * 60_000

export interface EksToken {
  token: string
  /** When the client must stop using it (signing time + 14 minutes). */
  expiration: Date
}

export interface EksTokenOptions {
  clusterName: string
  region: string
  credentials: AwsCredentials
  now?: Date
}

let signerModules: Promise<[typeof import('@smithy/signature-v4'), typeof import('@smithy/hash-node')]> | undefined

export async function createEksToken(o: EksTokenOptions): Promise<EksToken> {
  signerModules ??= Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')])
  const [{ SignatureV4 }, { Hash }] = await signerModules
  const signingDate = o.now ?? new Date()
  const host = regionalStsHost(o.region)
  const signer = new SignatureV4({
    service: 'sts',
    region: o.region,
    credentials: o.credentials,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    applyChecksum: false
  })
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      headers: { host, 'x-k8s-aws-id': o.clusterName },
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }
    },
    { expiresIn: 60, signingDate }
  )
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`))
    .join('&')
  const url = `https://${host}/?${query}`
  return { token: EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'), expiration: new Date(signingDate.getTime() + EKS_TOKEN_TTL_MS) }
}

/** The JSON a kubectl exec credential plugin prints. */
export function execCredential(t: EksToken): string {
  return JSON.stringify({
    kind: 'ExecCredential',
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    spec: {},
    status: { expirationTimestamp: t.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'), token: t.token }
  })
}
