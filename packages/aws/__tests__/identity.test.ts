import { describe, test, expect, beforeAll, afterAll, beforeEach } from '@jest/globals'
import { createIdentityWorld, type IdentityWorld } from '@gpuship/testkit'
import { GpushipError } from '@gpuship/core'
import {
  assumeRoleWithWebIdentity, checkRoleArn, decodeTokenClaims, defaultSessionName, explainStsFailure, fetchIdToken,
  isForkPullRequest, isRetryableAwsError, missingTokenError, partitionOf, regionalStsHost, sanitizeSessionName, suggestedTrustStatement
} from '../src/identity/index.js'
import { describeCluster } from '../src/eks/describe-cluster.js'

const noSleep = { sleep: async () => {} }

describe('pure identity helpers', () => {
  test.each([
    ['GitHubActions-inference-4242-1', 'GitHubActions-inference-4242-1'],
    ['octo org/repo#7', 'octo-org-repo-7'],
    ['x', 'x-'],
    ['a'.repeat(80), 'a'.repeat(64)],
    ['dépl@y', 'd-pl@y']
  ])('sanitizeSessionName(%s) = %s', (raw, want) => {
    expect(sanitizeSessionName(raw)).toBe(want)
    expect(want).toMatch(/^[\w+=,.@-]{2,64}$/)
  })

  test('defaultSessionName', () => {
    expect(defaultSessionName({ repository: 'octo-org/inference', runId: '99', runAttempt: '2' })).toBe('GitHubActions-inference-99-2')
  })

  test.each([
    ['us-east-1', 'aws', 'sts.us-east-1.amazonaws.com'],
    ['cn-north-1', 'aws-cn', 'sts.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'sts.us-gov-west-1.amazonaws.com']
  ])('%s is in %s, STS at %s', (region, partition, host) => {
    expect(partitionOf(region)).toBe(partition)
    expect(regionalStsHost(region)).toBe(host)
  })

  test('checkRoleArn refuses a user ARN and another partition', () => {
    expect(() => checkRoleArn('arn:aws:iam::123456789012:user/x', 'us-east-1')).toThrow(/Invalid role-to-assume/)
    expect(() => checkRoleArn('arn:aws-us-gov:iam::123456789012:role/x', 'us-east-1')).toThrow(/partition 'aws-us-gov'/)
    expect(() => checkRoleArn('arn:aws-cn:iam::123456789012:role/x', 'cn-north-1')).not.toThrow()
  })

  test.each([
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'Throttling' }, true],
    [{ name: 'IDPCommunicationErrorException' }, true],
    [{ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }, true],
    [{ name: 'Error', code: 'ECONNRESET' }, true],
    [{ name: 'TypeError', cause: { code: 'ECONNREFUSED' } }, true],
    [{ name: 'Error', message: 'AWS SDK error wrapper for TimeoutError: socket hang up' }, true],
    [{ name: 'Error', message: 'something else' }, false],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, false],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 500 } }, false],
    [{ name: 'ValidationError', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'InvalidIdentityTokenException', $metadata: { httpStatusCode: 400 } }, false]
  ])('isRetryableAwsError(%j) = %s', (err, want) => {
    expect(isRetryableAwsError(err)).toBe(want)
  })

  test('fork detection and the two missing-token errors', () => {
    expect(isForkPullRequest({ eventName: 'pull_request', repository: 'o/r', headRepository: 'x/r' })).toBe(true)
    expect(isForkPullRequest({ eventName: 'pull_request', repository: 'o/r', headRepository: 'o/r' })).toBe(false)
    expect(isForkPullRequest({ eventName: 'push', headIsFork: true })).toBe(false)
    expect(missingTokenError({ eventName: 'pull_request', headIsFork: true, headRepository: 'x/r' }).code).toBe('fork-pull-request')
    const e = missingTokenError({ eventName: 'push' })
    expect(e.code).toBe('missing-id-token-permission')
    expect(e.hint).toContain('id-token: write')
  })

  test('decodeTokenClaims and the suggested trust statement', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'repo:o/r:environment:prod', aud: 'sts.amazonaws.com', iss: 'https://token.actions.githubusercontent.com' })).toString('base64url')
    const claims = decodeTokenClaims(`eyJhbGciOiJSUzI1NiJ9.${payload}.sig`)
    const st = JSON.parse(suggestedTrustStatement(claims, 'arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com'))
    expect(st.Condition.StringLike['token.actions.githubusercontent.com:sub']).toBe('repo:o/r:environment:prod')
    expect(st.Condition.StringEquals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com')
    expect(() => decodeTokenClaims('not-a-jwt')).toThrow(/malformed/)
    expect(() => decodeTokenClaims('a.bm90IGpzb24.c')).toThrow(/not JSON/)
  })

  test('explainStsFailure keeps unknown errors in STS words', () => {
    const e = explainStsFailure(Object.assign(new Error('boom'), { name: 'WeirdError' }), { roleArn: 'arn:aws:iam::1:role/r', operation: 'AssumeRole' })
    expect(e).toBeInstanceOf(GpushipError)
    expect(e.message).toContain('WeirdError: boom')
  })
})

describe('identity against the simulators', () => {
  let w: IdentityWorld
  beforeAll(async () => {
    w = await createIdentityWorld()
  })
  afterAll(async () => w.close())
  beforeEach(() => {
    w.sim.faults.clear()
    w.sim.calls.length = 0
  })

  test('fetchIdToken retries the token service on 5xx and asks for the audience', async () => {
    w.oidc.failNext(2, 502)
    const env = w.oidc.env()
    const token = await fetchIdToken({ requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL, requestToken: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, audience: 'sts.amazonaws.com', retry: noSleep })
    expect(decodeTokenClaims(token).aud).toBe('sts.amazonaws.com')
    expect(w.oidc.requests.slice(-3).map((r) => r.audience)).toEqual(['sts.amazonaws.com', 'sts.amazonaws.com', 'sts.amazonaws.com'])
  })

  test('fetchIdToken does not retry a refused bearer', async () => {
    const before = w.oidc.requests.length
    await expect(fetchIdToken({ requestUrl: w.oidc.env().ACTIONS_ID_TOKEN_REQUEST_URL, requestToken: 'wrong', audience: 'a', retry: noSleep })).rejects.toThrow(/HTTP 401/)
    expect(w.oidc.requests.length - before).toBe(1)
  })

  test('AssumeRoleWithWebIdentity: throttling retried, AccessDenied not', async () => {
    const token = await w.oidc.mint()
    w.sim.faults.add({ kind: 'throttle', service: 'sts', times: 3 })
    const secrets: string[] = []
    const r = await assumeRoleWithWebIdentity({ roleArn: w.role.arn, region: 'us-east-1', sessionName: 's1', webIdentityToken: token, endpoint: w.sim.endpoint, retry: noSleep, onSecret: (s) => secrets.push(s) })
    expect(r.assumedRoleArn).toBe('arn:aws:sts::123456789012:assumed-role/gpuship-deploy/s1')
    expect(r.subject).toBe('repo:octo-org/inference:ref:refs/heads/main')
    expect(secrets).toEqual(expect.arrayContaining([r.credentials.secretAccessKey, r.credentials.sessionToken, r.credentials.accessKeyId]))
    expect(w.sim.calls.map((c) => c.status)).toEqual([400, 400, 400, 200])
    w.sim.calls.length = 0
    const other = await w.oidc.mint('sts.amazonaws.com', { sub: 'repo:evil/x:ref:refs/heads/main', repository: 'evil/x' })
    await expect(assumeRoleWithWebIdentity({ roleArn: w.role.arn, region: 'us-east-1', sessionName: 's2', webIdentityToken: other, endpoint: w.sim.endpoint, retry: noSleep })).rejects.toThrow(/Not authorized to assume/)
    expect(w.sim.calls).toHaveLength(1)
  })

  test('a dropped connection (real SDK network error) and added latency are retried through', async () => {
    w.sim.faults.add({ kind: 'reset', service: 'sts', times: 1 })
    w.sim.faults.add({ kind: 'latency', service: 'sts', ms: 50, times: 1 })
    const r = await assumeRoleWithWebIdentity({ roleArn: w.role.arn, region: 'us-east-1', sessionName: 's4', webIdentityToken: await w.oidc.mint(), endpoint: w.sim.endpoint, retry: noSleep })
    expect(r.accountId).toBe('123456789012')
    expect(w.sim.calls.map((c) => c.status)).toEqual([-1, 200])
  })

  test('a stalled STS answer is cut off by timeoutMs and the call retried, not waited on forever', async () => {
    w.sim.faults.add({ kind: 'latency', service: 'sts', ms: 3000, times: 1 })
    const retried: string[] = []
    const r = await assumeRoleWithWebIdentity({
      roleArn: w.role.arn, region: 'us-east-1', sessionName: 's5', webIdentityToken: await w.oidc.mint(), endpoint: w.sim.endpoint, timeoutMs: 300,
      retry: { ...noSleep, onRetry: ({ error }) => retried.push((error as Error).name) }
    })
    expect(r.accountId).toBe('123456789012')
    expect(retried).toEqual(['TimeoutError'])
  })

  test('an STS that never answers in time fails after maxAttempts timeouts', async () => {
    w.sim.faults.add({ kind: 'latency', service: 'sts', ms: 3000, times: Infinity })
    await expect(assumeRoleWithWebIdentity({ roleArn: w.role.arn, region: 'us-east-1', sessionName: 's7', webIdentityToken: await w.oidc.mint(), endpoint: w.sim.endpoint, timeoutMs: 200, maxAttempts: 2, retry: noSleep }))
      .rejects.toMatchObject({ code: 'TimeoutError', input: 'retry-max-attempts' })
    expect(w.sim.faults.hits.filter((h) => h.kind === 'latency')).toHaveLength(2)
  })

  test('a stalled EKS DescribeCluster is cut off by timeoutMs, retried, and finally reported', async () => {
    const role = await assumeRoleWithWebIdentity({ roleArn: w.role.arn, region: 'us-east-1', sessionName: 's6', webIdentityToken: await w.oidc.mint(), endpoint: w.sim.endpoint, retry: noSleep })
    w.sim.faults.add({ kind: 'latency', service: 'eks', ms: 3000, times: 1 })
    const c = await describeCluster({ clusterName: 'gpu-prod', region: 'us-east-1', credentials: role.credentials, endpoint: w.sim.endpoint, timeoutMs: 300 })
    expect(c.name).toBe('gpu-prod')
    expect(w.sim.faults.hits.map((h) => `${h.service}:${h.kind}`)).toEqual(['eks:latency'])
    w.sim.faults.add({ kind: 'latency', service: 'eks', ms: 3000, times: Infinity })
    await expect(describeCluster({ clusterName: 'gpu-prod', region: 'us-east-1', credentials: role.credentials, endpoint: w.sim.endpoint, timeoutMs: 200, maxAttempts: 2 })).rejects.toThrow(/DescribeCluster 'gpu-prod' failed: TimeoutError/)
  })

  test('gives up after maxAttempts on persistent 5xx, with the last error explained', async () => {
    w.sim.faults.add({ kind: '5xx', service: 'sts', times: Infinity })
    await expect(assumeRoleWithWebIdentity({ roleArn: w.role.arn, region: 'us-east-1', sessionName: 's3', webIdentityToken: await w.oidc.mint(), endpoint: w.sim.endpoint, maxAttempts: 3, retry: noSleep })).rejects.toThrow(/ServiceUnavailable/)
    expect(w.sim.calls).toHaveLength(3)
  })
})
