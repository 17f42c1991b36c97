import { GpushipError } from '@gpuship/core'

/** The claims a user may see: none of them is secret, and together they explain a trust-policy miss. */
export const SHOWN_CLAIMS = ['sub', 'aud', 'repository', 'ref', 'environment', 'job_workflow_ref', 'event_name', 'iss'] as const

export type TokenClaims = Record<string, unknown> & { sub?: string; aud?: string | string[]; exp?: number; iss?: string }

/** Reads a JWT's payload without verifying it (STS verifies); a malformed token fails clearly. */
export function decodeTokenClaims(token: string): TokenClaims {
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new GpushipError('The GitHub OIDC token is malformed: it is not three base64url parts (header.payload.signature).', { code: 'malformed-token', hint: 'Re-run the job; if it repeats, the runner\'s token service is answering something other than a JWT.' })
  }
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims
    if (typeof claims !== 'object' || claims === null) throw new Error('not an object')
    return claims
  } catch {
    throw new GpushipError('The GitHub OIDC token is malformed: its payload is not JSON.', { code: 'malformed-token', hint: 'Re-run the job; the token service answered a broken token.' })
  }
}

export function claimsTable(claims: TokenClaims): string {
  return SHOWN_CLAIMS.filter((k) => claims[k] !== undefined && claims[k] !== '')
    .map((k) => `  ${k.padEnd(17)} ${Array.isArray(claims[k]) ? (claims[k] as string[]).join(', ') : String(claims[k])}`)
    .join('\n')
}

/** The trust-policy statement that would let exactly this token's repository (and ref or environment) in. */
export function suggestedTrustStatement(claims: TokenClaims, providerArn: string): string {
  const host = String(claims.iss ?? 'https://token.actions.githubusercontent.com').replace(/^https?:\/\//, '').replace(/\/$/, '')
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : (claims.aud ?? 'sts.amazonaws.com')
  const statement = {
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { [`${host}:aud`]: aud },
      StringLike: { [`${host}:sub`]: claims.sub ?? `repo:${String(claims.repository ?? 'OWNER/REPO')}:*` }
    }
  }
  return JSON.stringify(statement, null, 2)
}
