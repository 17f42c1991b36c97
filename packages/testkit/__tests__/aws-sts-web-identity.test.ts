import { describe, test, expect, beforeAll, afterAll, beforeEach } from '@jest/globals'
import { STSClient, AssumeRoleWithWebIdentityCommand, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { createIdentityWorld, githubTrustPolicy, type IdentityWorld } from '../src/aws/index.js'

let w: IdentityWorld
const client = (credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new STSClient({ region: 'us-east-1', endpoint: w.sim.endpoint, maxAttempts: 1, ...(credentials ? { credentials } : { credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } }) })

async function assume(token: string, extra: Partial<{ RoleArn: string; DurationSeconds: number; RoleSessionName: string }> = {}) {
  return client().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: w.role.arn, RoleSessionName: 'gha-7001234567-1', WebIdentityToken: token, ...extra }))
}

beforeAll(async () => {
  w = await createIdentityWorld({ maxSessionDuration: 7200 })
})
afterAll(async () => w.close())
beforeEach(() => {
  w.oidc.mode = 'ok'
  w.oidc.context = { ...w.oidc.context, eventName: 'push', environment: undefined, repository: 'octo-org/inference' }
})

describe('STS AssumeRoleWithWebIdentity against the OIDC issuer', () => {
  test('a token from the runner endpoint gives credentials that GetCallerIdentity accepts', async () => {
    const res = await fetch(`${w.oidc.env().ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sts.amazonaws.com`, { headers: { authorization: `Bearer ${w.oidc.requestToken}` } })
    const { value } = (await res.json()) as { value: string }
    const out = await assume(value)
    expect(out.SubjectFromWebIdentityToken).toBe('repo:octo-org/inference:ref:refs/heads/main')
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/gpuship-deploy/gha-7001234567-1')
    expect(out.Audience).toBe('sts.amazonaws.com')
    const c = out.Credentials!
    const who = await client({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(new GetCallerIdentityCommand({}))
    expect(who.Arn).toBe(out.AssumedRoleUser?.Arn)
    expect(c.Expiration!.getTime() - w.sim.now().getTime()).toBeGreaterThan(3500_000)
  })

  test('the token endpoint refuses a wrong bearer', async () => {
    const res = await fetch(`${w.oidc.env().ACTIONS_ID_TOKEN_REQUEST_URL}&audience=x`, { headers: { authorization: 'Bearer nope' } })
    expect(res.status).toBe(401)
  })

  test.each([
    ['expired', 'ExpiredTokenException'],
    ['malformed', 'InvalidIdentityTokenException'],
    ['wrong-key', 'InvalidIdentityTokenException']
  ] as const)('a %s token is rejected with %s', async (mode, code) => {
    w.oidc.mode = mode
    await expect(assume(await w.oidc.mint())).rejects.toMatchObject({ name: code })
  })

  test('a wrong audience is InvalidIdentityToken', async () => {
    await expect(assume(await w.oidc.mint('api://other'))).rejects.toMatchObject({ name: 'InvalidIdentityTokenException', message: 'Incorrect token audience' })
  })

  test('the trust policy decides on sub: a PR or another repository gets AccessDenied', async () => {
    w.oidc.context = { ...w.oidc.context, repository: 'evil/fork' }
    await expect(assume(await w.oidc.mint())).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
  })

  test('StringEquals on an environment subject', async () => {
    const env = w.sim.createRole({ account: w.account, name: 'prod-only', trustPolicy: githubTrustPolicy(w.provider.arn, 'repo:octo-org/inference:environment:prod', 'sts.amazonaws.com', 'StringEquals') })
    await expect(assume(await w.oidc.mint(), { RoleArn: env.arn })).rejects.toMatchObject({ name: 'AccessDenied' })
    w.oidc.context = { ...w.oidc.context, environment: 'prod' }
    const out = await assume(await w.oidc.mint(), { RoleArn: env.arn })
    expect(out.SubjectFromWebIdentityToken).toBe('repo:octo-org/inference:environment:prod')
  })

  test('duration above the role maximum, bad session name, and another partition are ValidationError', async () => {
    const token = await w.oidc.mint()
    await expect(assume(token, { DurationSeconds: 7201 })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('MaxSessionDuration') })
    await expect(assume(token, { RoleSessionName: 'has space' })).rejects.toMatchObject({ name: 'ValidationError' })
    await expect(assume(token, { RoleArn: 'arn:aws-cn:iam::123456789012:role/gpuship-deploy' })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('aws-cn') })
  })

  test('an unreachable JWKS is IDPCommunicationError', async () => {
    const other = w.sim.addOidcProvider({ account: '210987654321', issuer: w.oidc.issuer, clientIds: ['sts.amazonaws.com'], jwksUri: 'http://127.0.0.1:1/jwks' })
    const role = w.sim.createRole({ account: '210987654321', name: 'r', trustPolicy: githubTrustPolicy(other.arn, '*') })
    await expect(assume(await w.oidc.mint(), { RoleArn: role.arn })).rejects.toMatchObject({ name: 'IDPCommunicationErrorException' })
  })

  test('role chaining: AssumeRole with the first credentials, limited to one hour', async () => {
    const first = (await assume(await w.oidc.mint())).Credentials!
    const creds = { accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey!, sessionToken: first.SessionToken! }
    const target = w.sim.createRole({ account: w.account, name: 'cluster-admin', maxSessionDuration: 43200, trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: w.role.arn }, Action: 'sts:AssumeRole' }] } })
    await expect(client(creds).send(new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: 'chain', DurationSeconds: 7200 }))).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('1 hour session limit') })
    const out = await client(creds).send(new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: 'chain', DurationSeconds: 3600 }))
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/cluster-admin/chain')
    const untrusting = w.sim.createRole({ account: w.account, name: 'locked', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/someone-else' }, Action: 'sts:AssumeRole' }] } })
    await expect(client(creds).send(new AssumeRoleCommand({ RoleArn: untrusting.arn, RoleSessionName: 'chain' }))).rejects.toMatchObject({ name: 'AccessDenied' })
  })

  test('credentials past their expiration are refused with ExpiredToken', async () => {
    const c = (await assume(await w.oidc.mint(), { DurationSeconds: 900 })).Credentials!
    w.sim.advance(901_000)
    try {
      await expect(client({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken' })
    } finally {
      w.sim.advance(-901_000)
    }
  })
})
