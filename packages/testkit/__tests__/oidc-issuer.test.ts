import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { createOidcIssuer, subjectFor, type OidcIssuer } from '../src/oidc/index.js'

let oidc: OidcIssuer
beforeAll(async () => {
  oidc = await createOidcIssuer()
})
afterAll(async () => oidc.close())

async function viaRunner(audience: string) {
  const env = oidc.env()
  const res = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`, { headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } })
  return { status: res.status, body: (await res.json()) as { value?: string; count?: number } }
}

describe('OIDC issuer simulator', () => {
  test('discovery and JWKS verify the tokens it issues (RS256, GitHub issuer)', async () => {
    const conf = (await (await fetch(`${oidc.url}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] }
    expect(conf.issuer).toBe('https://token.actions.githubusercontent.com')
    expect(conf.id_token_signing_alg_values_supported).toEqual(['RS256'])
    const { body } = await viaRunner('sts.amazonaws.com')
    const { payload, protectedHeader } = await jwtVerify(body.value!, createRemoteJWKSet(new URL(conf.jwks_uri)), { issuer: conf.issuer, audience: 'sts.amazonaws.com' })
    expect(protectedHeader.alg).toBe('RS256')
    expect(payload).toMatchObject({
      sub: 'repo:octo-org/inference:ref:refs/heads/main', repository: 'octo-org/inference', repository_owner: 'octo-org', ref: 'refs/heads/main',
      event_name: 'push', actor: 'octocat', run_id: '7001234567', job_workflow_ref: 'octo-org/inference/.github/workflows/deploy.yml@refs/heads/main'
    })
    expect(payload.exp! - payload.iat!).toBe(300)
  })

  test.each([
    [{ eventName: 'pull_request' }, 'repo:octo-org/inference:pull_request'],
    [{ eventName: 'push', environment: 'prod' }, 'repo:octo-org/inference:environment:prod'],
    [{ eventName: 'push', ref: 'refs/tags/v1.2.0' }, 'repo:octo-org/inference:ref:refs/tags/v1.2.0']
  ])('sub for %j is %s', async (ctx, sub) => {
    expect(subjectFor({ repository: 'octo-org/inference', ref: 'refs/heads/main', ...ctx })).toBe(sub)
    const saved = oidc.context
    oidc.context = { ...saved, ...ctx }
    try {
      expect(decodeJwt((await viaRunner('x')).body.value!).sub).toBe(sub)
    } finally {
      oidc.context = saved
    }
  })

  test('refuses a wrong bearer; no permission means no variables; failNext answers the status', async () => {
    const res = await fetch(`${oidc.env().ACTIONS_ID_TOKEN_REQUEST_URL}&audience=x`, { headers: { authorization: 'Bearer nope' } })
    expect(res.status).toBe(401)
    expect(oidc.env({ permission: false })).toEqual({})
    oidc.failNext(1, 503)
    expect((await viaRunner('x')).status).toBe(503)
    expect((await viaRunner('x')).status).toBe(200)
  })

  test('expired, malformed and wrong-key tokens', async () => {
    const jwks = createRemoteJWKSet(new URL(oidc.jwksUri))
    try {
      oidc.mode = 'expired'
      await expect(jwtVerify(await oidc.mint(), jwks)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' })
      oidc.mode = 'wrong-key'
      await expect(jwtVerify(await oidc.mint(), jwks)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
      oidc.mode = 'malformed'
      const bad = await oidc.mint()
      expect(() => decodeJwt(bad)).toThrow()
      await expect(jwtVerify(await oidc.mint(), jwks)).rejects.toThrow()
    } finally {
      oidc.mode = 'ok'
    }
  })
})
