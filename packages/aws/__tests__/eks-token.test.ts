import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { createAwsSimulator, checkEksToken, createEksTokenVerifier, type AwsSimulator, type AccessKey } from '@gpuship/testkit'
import { createEksToken, createEksTokenProvider, execCredential, EKS_TOKEN_PREFIX } from '../src/eks/index.js'

let sim: AwsSimulator
let session: AccessKey
let user: AccessKey

beforeAll(async () => {
  sim = await createAwsSimulator({ services: ['sts', 'eks'] })
  const role = sim.createRole({ account: '123456789012', name: 'deploy', trustPolicy: { Statement: [] } })
  session = sim.issueSession({ role, sessionName: 'gha-1', durationSeconds: 3600 })
  user = sim.createUser({ account: '123456789012', name: 'ops' })
  const cluster = sim.createCluster({ account: '123456789012', name: 'gpu-prod', region: 'us-west-2' })
  cluster.accessEntries.set(role.arn, { username: 'deploy:{{SessionName}}', groups: ['gpuship:deployers'] })
  cluster.accessEntries.set(user.arn, { username: '', groups: ['system:masters'] })
})
afterAll(async () => sim.close())

const make = (o: Partial<{ cluster: string; region: string; key: AccessKey; now: Date }> = {}) =>
  createEksToken({ clusterName: o.cluster ?? 'gpu-prod', region: o.region ?? 'us-west-2', credentials: o.key ?? session, now: o.now ?? sim.now() })

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'))
}

describe('in-process EKS token', () => {
  test('has the wire shape of aws eks get-token', async () => {
    const signedAt = sim.now()
    const { token, expiration } = await make({ now: signedAt })
    expect(token.startsWith('k8s-aws-v1.')).toBe(true)
    expect(token).not.toMatch(/[=+/]/)
    const url = decode(token)
    expect(url.host).toBe('sts.us-west-2.amazonaws.com')
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity')
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60')
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id')
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(session.sessionToken)
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/\/us-west-2\/sts\/aws4_request$/)
    expect(expiration.getTime() - signedAt.getTime()).toBe(14 * 60_000)
    const cred = JSON.parse(execCredential({ token, expiration }))
    expect(cred).toEqual({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: {}, status: { token, expirationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) } })
  })

  test('is accepted by the verifier, mapped through the access entry of the role', async () => {
    const verify = createEksTokenVerifier(sim, 'gpu-prod')
    expect(await verify((await make()).token)).toEqual({ username: 'deploy:gha-1', arn: session.arn, groups: ['gpuship:deployers'] })
    expect(await verify((await make({ key: user })).token)).toEqual({ username: user.arn, arn: user.arn, groups: ['system:masters'] })
  })

  test('is rejected when made for another cluster', async () => {
    const r = checkEksToken(sim, 'gpu-prod', (await make({ cluster: 'gpu-staging' })).token)
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('SignatureDoesNotMatch') })
  })

  test('is rejected once expired (15 minutes after signing)', async () => {
    const old = new Date(sim.now().getTime() - 16 * 60_000)
    expect(checkEksToken(sim, 'gpu-prod', (await make({ now: old })).token)).toMatchObject({ ok: false, reason: expect.stringContaining('expired') })
    const recent = new Date(sim.now().getTime() - 14 * 60_000)
    expect(checkEksToken(sim, 'gpu-prod', (await make({ now: recent })).token)).toMatchObject({ ok: true })
  })

  test.each([
    ['a flipped signature character', (u: URL) => u.searchParams.set('X-Amz-Signature', u.searchParams.get('X-Amz-Signature')!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))), 'SignatureDoesNotMatch'],
    ['another host', (u: URL) => (u.host = 'sts.evil.example.com'), 'unexpected hostname'],
    ['another action', (u: URL) => u.searchParams.set('Action', 'AssumeRole'), 'unexpected action'],
    ['X-Amz-Expires above 60', (u: URL) => u.searchParams.set('X-Amz-Expires', '900'), 'X-Amz-Expires'],
    ['an extra parameter', (u: URL) => u.searchParams.set('X-Extra', '1'), 'non-allowlisted'],
    ['x-k8s-aws-id not signed', (u: URL) => u.searchParams.set('X-Amz-SignedHeaders', 'host'), 'x-k8s-aws-id'],
    ['a swapped session token', (u: URL) => u.searchParams.set('X-Amz-Security-Token', 'forged'), 'session token']
  ])('is rejected with %s', async (_what, tamper, reason) => {
    const url = decode((await make()).token)
    tamper(url)
    const token = EKS_TOKEN_PREFIX + Buffer.from(url.toString()).toString('base64url')
    expect(checkEksToken(sim, 'gpu-prod', token)).toMatchObject({ ok: false, reason: expect.stringContaining(reason) })
  })

  test('is rejected without the prefix, or as garbage', async () => {
    const { token } = await make()
    expect(checkEksToken(sim, 'gpu-prod', token.slice(EKS_TOKEN_PREFIX.length))).toMatchObject({ ok: false, reason: expect.stringContaining('prefix') })
    expect(checkEksToken(sim, 'gpu-prod', 'k8s-aws-v1.!!!')).toMatchObject({ ok: false })
  })

  test('a principal without an access entry is refused (the API server answers 401)', async () => {
    const stranger = sim.createUser({ account: '123456789012', name: 'stranger' })
    expect(await createEksTokenVerifier(sim, 'gpu-prod')((await make({ key: stranger })).token)).toBeNull()
  })
})

describe('EKS token provider', () => {
  test('caches, and makes a new token before the old one expires', async () => {
    let now = new Date('2026-12-04T12:00:00Z')
    let calls = 0
    const p = createEksTokenProvider({ clusterName: 'gpu-prod', region: 'us-west-2', credentials: async () => (calls++, session), now: () => now })
    const a = await p.getToken()
    expect(await p.getToken()).toBe(a)
    now = new Date(now.getTime() + 12 * 60_000)
    expect(await p.getToken()).toBe(a)
    now = new Date(now.getTime() + 60_000 + 1)
    const b = await p.getToken()
    expect(b).not.toBe(a)
    expect(calls).toBe(2)
    expect(p.expiration?.toISOString()).toBe(new Date(now.getTime() + 14 * 60_000).toISOString())
  })

  test('concurrent callers share one refresh', async () => {
    let calls = 0
    const p = createEksTokenProvider({ clusterName: 'gpu-prod', region: 'us-west-2', credentials: async () => (calls++, session) })
    const [a, b, c] = await Promise.all([p.getToken(), p.getToken(), p.getToken()])
    expect(new Set([a, b, c]).size).toBe(1)
    expect(calls).toBe(1)
  })
})
