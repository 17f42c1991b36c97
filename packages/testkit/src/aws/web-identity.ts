import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import { AwsError } from './errors.js'
import type { AwsSimulator } from './server.js'
import type { OidcProvider } from './state.js'

const invalid = (message: string) => new AwsError('InvalidIdentityToken', message, 400)

/**
 * What STS checks on a web identity token before it looks at the trust policy: it parses, its
 * issuer has an IAM OIDC provider in the role's account, its signature verifies against the
 * issuer's JWKS (fetched over HTTP, so an unreachable issuer is IDPCommunicationError), it has
 * not expired, and its audience is one of the provider's client IDs.
 */
export async function verifyWebIdentityToken(sim: AwsSimulator, account: string, token: string): Promise<{ claims: JWTPayload; provider: OidcProvider }> {
  let claims: JWTPayload
  try {
    decodeProtectedHeader(token)
    claims = decodeJwt(token)
  } catch {
    throw invalid("Couldn't parse the web identity token; it is not a well-formed JWT.")
  }
  const iss = String(claims.iss ?? '')
  const host = iss.replace(/^https?:\/\//, '').replace(/\/$/, '')
  const provider = [...sim.state.oidcProviders.values()].find((p) => p.host === host && p.arn.includes(`::${account}:`))
  if (!provider) throw invalid(`No OpenIDConnect provider found in your account for ${iss}`)
  let jwks: JSONWebKeySet
  try {
    const res = await fetch(provider.jwksUri, { signal: AbortSignal.timeout(5000) })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    jwks = (await res.json()) as JSONWebKeySet
  } catch (err) {
    throw new AwsError('IDPCommunicationError', `Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements (${(err as Error).message})`, 400)
  }
  try {
    await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['RS256', 'ES256', 'RS384', 'RS512'], currentDate: sim.now(), clockTolerance: 0 })
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ERR_JWT_EXPIRED') {
      throw new AwsError('ExpiredTokenException', `Token expired: current date/time ${Math.floor(sim.now().getTime() / 1000)} must be before the expiration date/time ${claims.exp}`, 400)
    }
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw invalid('The web identity token is not valid yet (nbf).')
    throw invalid('The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.')
  }
  const auds = Array.isArray(claims.aud) ? claims.aud : [String(claims.aud ?? '')]
  if (!auds.some((a) => provider.clientIds.includes(a))) throw invalid('Incorrect token audience')
  return { claims, provider }
}
