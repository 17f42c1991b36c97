import type { AwsSimulator } from './server.js'
import { parsePresigned, parseAmzDate, verifySignature } from './sigv4.js'

/**
 * Checks an EKS bearer token the way aws-iam-authenticator's server does before it asks STS:
 * the `k8s-aws-v1.` prefix, base64url, an https presigned URL to an STS host of the partition,
 * path `/`, only the known query parameters, Action=GetCallerIdentity, X-Amz-Expires <= 60,
 * x-k8s-aws-id among the signed headers, X-Amz-Date within 15 minutes. Where the
 * authenticator then calls STS, this verifies the signature itself against the simulated secret,
 * with `x-k8s-aws-id: <cluster>` added, so a token made for another cluster fails.
 */
export interface EksIdentity {
  username: string
  arn: string
  groups: string[]
}

export type EksTokenCheck = { ok: true; identity: EksIdentity; canonicalArn: string } | { ok: false; reason: string }

const PREFIX = 'k8s-aws-v1.'
const TOKEN_LIFETIME_MS = 15 * 60_000
const ALLOWED_PARAMS = new Set(['action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders'])

/** `arn:aws:sts::1:assumed-role/deploy/session` -> `arn:aws:iam::1:role/deploy`, as EKS maps principals. */
export function canonicalPrincipalArn(arn: string): string {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn)
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn
}

export function checkEksToken(sim: AwsSimulator, clusterName: string, token: string, region?: string): EksTokenCheck {
  const fail = (reason: string): EksTokenCheck => ({ ok: false, reason })
  if (!token.startsWith(PREFIX)) return fail('token is missing the k8s-aws-v1. prefix')
  const b64 = token.slice(PREFIX.length).replace(/=+$/, '')
  if (!/^[A-Za-z0-9_-]+$/.test(b64)) return fail('token is not base64url')
  let url: URL
  try {
    url = new URL(Buffer.from(b64, 'base64url').toString('utf8'))
  } catch {
    return fail('token does not decode to a URL')
  }
  const suffix = sim.state.dnsSuffix.replace(/\./g, '\\.')
  if (url.protocol !== 'https:') return fail(`unexpected scheme ${url.protocol}`)
  if (!new RegExp(`^sts(\\.[a-z0-9-]+)?\\.${suffix}$`).test(url.hostname) || url.port) return fail(`unexpected hostname ${url.host} in pre-signed URL`)
  if (url.pathname !== '/') return fail('unexpected path in pre-signed URL')
  const lower = new Map<string, string>()
  for (const [k, v] of url.searchParams) {
    if (!ALLOWED_PARAMS.has(k.toLowerCase())) return fail(`non-allowlisted query parameter ${k}`)
    if (lower.has(k.toLowerCase())) return fail(`duplicate query parameter ${k}`)
    lower.set(k.toLowerCase(), v)
  }
  if (lower.get('action') !== 'GetCallerIdentity') return fail('unexpected action parameter in pre-signed URL')
  const signed = (lower.get('x-amz-signedheaders') ?? '').split(';')
  if (!signed.includes('x-k8s-aws-id')) return fail('client did not sign the x-k8s-aws-id header in the pre-signed URL')
  const expires = Number(lower.get('x-amz-expires'))
  if (!Number.isInteger(expires) || expires < 0 || expires > 60) return fail('invalid X-Amz-Expires parameter in pre-signed URL')
  const date = parseAmzDate(lower.get('x-amz-date') ?? '')
  if (!date) return fail('X-Amz-Date is missing or malformed')
  const now = sim.now().getTime()
  if (now > date.getTime() + TOKEN_LIFETIME_MS) return fail('X-Amz-Date parameter is expired (15 minute expiration)')
  if (date.getTime() > now + 5 * 60_000) return fail('X-Amz-Date is in the future')
  const parts = parsePresigned(url.searchParams)
  if (!parts || 'error' in parts) return fail(parts ? parts.error : 'no X-Amz-Credential')
  if (parts.service !== 'sts') return fail(`credential scope service is ${parts.service}, not sts`)
  if (region && parts.region !== region && url.hostname !== `sts.${sim.state.dnsSuffix}`) return fail(`credential scope region ${parts.region} is not ${region}`)
  const key = sim.state.accessKeys.get(parts.accessKeyId)
  if (!key) return fail('InvalidClientTokenId: the access key is not known')
  if (key.sessionToken !== undefined && parts.securityToken !== key.sessionToken) return fail('InvalidClientTokenId: the session token does not match')
  if (key.expiration && key.expiration.getTime() <= now) return fail('ExpiredToken: the credentials that signed the token have expired')
  const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : url.search
  const headers: Record<string, string[]> = { host: [url.host], 'x-k8s-aws-id': [clusterName] }
  if (!verifySignature({ method: 'GET', rawPath: '/', rawQuery, headers, body: Buffer.alloc(0) }, parts, key.secretAccessKey)) {
    return fail('SignatureDoesNotMatch: the signature does not verify for this cluster and these credentials')
  }
  const canonicalArn = canonicalPrincipalArn(key.arn)
  const session = key.arn.split('/').pop() ?? ''
  const cluster = [...sim.state.clusters.values()].find((c) => c.name === clusterName && (!region || c.region === region))
  const entry = cluster?.accessEntries.get(canonicalArn) ?? cluster?.accessEntries.get(key.arn)
  if (!entry) return { ok: false, reason: `no access entry for ${canonicalArn} on cluster ${clusterName}` }
  return {
    ok: true,
    canonicalArn,
    identity: { username: (entry.username || key.arn).replace('{{SessionName}}', session).replace('{{AccountID}}', key.account), arn: key.arn, groups: entry.groups }
  }
}

/**
 * The `authenticate(token)` the Kubernetes simulator takes: the caller's Kubernetes identity,
 * or null (answer 401) when the token is invalid or the principal has no access entry.
 */
export function createEksTokenVerifier(sim: AwsSimulator, clusterName: string, opts: { region?: string; onReject?: (reason: string) => void } = {}): (token: string) => Promise<EksIdentity | null> {
  return async (token) => {
    const r = checkEksToken(sim, clusterName, token, opts.region)
    if (r.ok) return r.identity
    opts.onReject?.(r.reason)
    return null
  }
}
