import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose'
import { DEFAULT_CONTEXT, GITHUB_ISSUER, githubClaims, type GithubClaims, type RunContext } from './claims.js'

/**
 * The runner's ID-token endpoint and GitHub's OIDC issuer in one loopback server:
 * `GET /token?audience=…` with `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` answers
 * `{"count":…, "value":"<jwt>"}` like the runner's service; `/.well-known/openid-configuration`
 * and `/.well-known/jwks` serve the signing keys. Tokens carry `iss` =
 * https://token.actions.githubusercontent.com so trust-policy conditions look like production.
 */
export type TokenMode = 'ok' | 'expired' | 'malformed' | 'wrong-key' | 'not-yet-valid'

export interface OidcIssuer {
  /** Base URL of the loopback server. */
  readonly url: string
  readonly issuer: string
  readonly jwksUri: string
  /** Bearer the token endpoint expects (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  readonly requestToken: string
  /** The run the next tokens describe; change fields to model a PR, an environment, a fork… */
  context: RunContext
  /** How the next tokens come out. */
  mode: TokenMode
  /** Extra claims merged over GitHub's. */
  extraClaims: GithubClaims
  /** Token lifetime in seconds (GitHub: about 5 minutes). */
  lifetimeSeconds: number
  /** Audiences requested, in order (for assertions). */
  readonly requests: { audience: string | null; authorized: boolean }[]
  /** The next N token requests answer with this HTTP status (e.g. 500 to test retries). */
  failNext(times: number, status?: number): void
  /** Signs a token directly (tests that need one without the runner endpoint). */
  mint(audience?: string, overrides?: GithubClaims): Promise<string>
  /**
   * The runner's environment for a job with `permissions: id-token: write`. With
   * `{ permission: false }` the variables are absent, as the runner leaves them for a job
   * without that permission or a pull request from a fork.
   */
  env(opts?: { permission?: boolean }): Record<string, string>
  close(): Promise<void>
}

export interface OidcIssuerOptions {
  issuer?: string
  context?: Partial<RunContext>
  now?: () => Date
}

export async function createOidcIssuer(opts: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const now = opts.now ?? (() => new Date())
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const other = await generateKeyPair('RS256', { extractable: true })
  const kid = randomBytes(8).toString('hex')
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  const requestToken = randomBytes(24).toString('base64url')
  let failures: { left: number; status: number } = { left: 0, status: 500 }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
      res.end(text)
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      return send(200, {
        issuer: self.issuer,
        jwks_uri: self.jwksUri,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'run_id', 'run_number', 'run_attempt', 'actor', 'actor_id', 'workflow', 'workflow_ref', 'head_ref', 'base_ref', 'event_name', 'ref_type', 'environment', 'job_workflow_ref', 'repository_visibility'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid']
      })
    }
    if (url.pathname === '/.well-known/jwks') return send(200, { keys: [jwk] })
    if (url.pathname === '/token') {
      const authorized = req.headers.authorization === `Bearer ${requestToken}`
      self.requests.push({ audience: url.searchParams.get('audience'), authorized })
      if (!authorized) return send(401, { message: 'Unauthorized' })
      if (failures.left > 0) {
        failures.left--
        return send(failures.status, { message: 'Simulated token service failure' })
      }
      self
        .mint(url.searchParams.get('audience') ?? 'https://github.com/' + self.context.repository.split('/')[0])
        .then((value) => send(200, { count: value.length, value }))
        .catch((err: Error) => send(500, { message: err.message }))
      return
    }
    send(404, { message: 'Not Found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const self: OidcIssuer = {
    url: base,
    issuer: opts.issuer ?? GITHUB_ISSUER,
    jwksUri: `${base}/.well-known/jwks`,
    requestToken,
    context: { ...DEFAULT_CONTEXT, ...opts.context },
    mode: 'ok',
    extraClaims: {},
    lifetimeSeconds: 300,
    requests: [],
    failNext(times, status = 500) {
      failures = { left: times, status }
    },
    async mint(audience = 'sts.amazonaws.com', overrides = {}) {
      if (self.mode === 'malformed') return 'eyJhbGciOiJSUzI1NiJ9.not-json.c2lnbmF0dXJl'
      const t = Math.floor(now().getTime() / 1000)
      const claims = Object.fromEntries(Object.entries({ ...githubClaims(self.context, audience, self.issuer), ...self.extraClaims, ...overrides }).filter(([, v]) => v !== undefined))
      const iat = self.mode === 'expired' ? t - 3600 : t
      const nbf = self.mode === 'not-yet-valid' ? t + 600 : iat - 5
      const key = self.mode === 'wrong-key' ? other.privateKey : privateKey
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })
        .setIssuedAt(iat)
        .setNotBefore(nbf)
        .setExpirationTime(iat + self.lifetimeSeconds)
        .sign(key)
    },
    env({ permission = true } = {}): Record<string, string> {
      return permission ? { ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken } : {}
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      })
    }
  }
  return self
}
