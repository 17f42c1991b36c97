import { describe, test, expect, beforeAll, afterAll, beforeEach, jest } from '@jest/globals'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getCallerIdentity } from '@gpuship/aws'
import { createIdentityWorld, githubTrustPolicy, runAction, runSteps, type IdentityWorld, type RunOptions } from '@gpuship/testkit'

jest.setTimeout(60_000)
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..')
let w: IdentityWorld

const ROLE = 'arn:aws:iam::123456789012:role/gpuship-deploy'
const base = { 'role-to-assume': ROLE, 'aws-region': 'us-east-1' }
const run = (inputs: Record<string, string> = {}, extra: Partial<RunOptions> = {}) =>
  runAction({ actionDir, inputs: { ...base, ...inputs }, env: { ...w.env(), ...extra.env }, secrets: [w.oidc.requestToken], ...extra, ...(extra.env ? { env: { ...w.env(), ...extra.env } } : {}) })
const stsCalls = (action: string) => w.sim.calls.filter((c) => c.service === 'sts' && c.action === action)

beforeAll(async () => {
  if (!existsSync(join(actionDir, 'dist/index.js'))) throw new Error('Build the action first: node scripts/bundle.mjs --only aws-credentials')
  w = await createIdentityWorld({ maxSessionDuration: 7200 })
})
afterAll(async () => w.close())
beforeEach(() => {
  w.sim.faults.clear()
  w.sim.calls.length = 0
  w.oidc.mode = 'ok'
  w.oidc.context = { ...w.oidc.context, repository: 'octo-org/inference', eventName: 'push', environment: undefined }
})

describe('aws-credentials: success', () => {
  test('OIDC -> role: exports masked credentials, outputs, summary, a token file, and nothing leaks', async () => {
    const r = await run()
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    expect(r.outputs['aws-account-id']).toBe('123456789012')
    expect(r.outputs['assumed-role-arn']).toBe('arn:aws:sts::123456789012:assumed-role/gpuship-deploy/GitHubActions-inference-4242-1')
    expect(new Date(r.outputs.expiration).getTime()).toBeGreaterThan(Date.now() + 3000_000)
    expect(r.outputs['aws-secret-access-key']).toBeUndefined()
    const e = r.env
    expect(e.AWS_REGION).toBe('us-east-1')
    expect(e.AWS_DEFAULT_REGION).toBe('us-east-1')
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) expect(r.masks).toContain(e[k])
    expect(r.masks.length).toBeGreaterThanOrEqual(4) // the three credentials and the ID token
    expect(r.summary).toContain('gpuship-deploy')
    expect(r.summary).toContain('repo:octo-org/inference:ref:refs/heads/main')
    expect(r.leaks).toEqual([])
    expect(statSync(e.AWS_WEB_IDENTITY_TOKEN_FILE).mode & 0o777).toBe(0o600)
    expect(readFileSync(e.AWS_WEB_IDENTITY_TOKEN_FILE, 'utf8').split('.')).toHaveLength(3)
    expect(e.AWS_ROLE_ARN).toBe(ROLE)
    const who = await getCallerIdentity({ region: 'us-east-1', endpoint: w.sim.endpoint, credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY, sessionToken: e.AWS_SESSION_TOKEN } })
    expect(who.arn).toBe(r.outputs['assumed-role-arn'])
  })

  test('the audience requested is the audience input', async () => {
    w.sim.state.oidcProviders.get(w.provider.arn)!.clientIds.push('api://gpuship')
    const role = w.sim.createRole({ account: w.account, name: 'custom-aud', trustPolicy: githubTrustPolicy(w.provider.arn, 'repo:octo-org/inference:*', 'api://gpuship') })
    const r = await run({ audience: 'api://gpuship', 'role-to-assume': role.arn })
    expect(w.oidc.requests.at(-1)?.audience).toBe('api://gpuship')
    expect(r.exitCode).toBe(0)
  })

  test('output-credentials, role-session-name, duration, session policies, allowed-account-ids, no token file', async () => {
    const r = await run({
      'output-credentials': 'true',
      'role-session-name': 'deploy@octo.org',
      'role-duration-seconds': '7200',
      'inline-session-policy': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"*"}]}',
      'managed-session-policies': 'arn:aws:iam::aws:policy/ReadOnlyAccess\narn:aws:iam::123456789012:policy/deploy',
      'allowed-account-ids': '111111111111, 123456789012',
      'export-web-identity-token-file': 'false'
    }, { secretOutputs: ['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token'] })
    expect(r.exitCode).toBe(0)
    expect(r.outputs['assumed-role-arn']).toMatch(/\/deploy@octo\.org$/)
    expect(r.outputs['aws-secret-access-key']).toBe(r.env.AWS_SECRET_ACCESS_KEY)
    expect(r.outputs['aws-session-token']).toBe(r.env.AWS_SESSION_TOKEN)
    expect(r.outputs['aws-access-key-id']).toBe(r.env.AWS_ACCESS_KEY_ID)
    expect(new Date(r.outputs.expiration).getTime() - Date.now()).toBeGreaterThan(7000_000)
    expect(r.env.AWS_WEB_IDENTITY_TOKEN_FILE).toBeUndefined()
    expect(r.leaks).toEqual([])
  })

  test('mask-aws-account-id masks the account everywhere it would be logged', async () => {
    const r = await run({ 'mask-aws-account-id': 'true' }, { secretOutputs: ['aws-account-id', 'assumed-role-arn'] })
    expect(r.exitCode).toBe(0)
    expect(r.masks).toContain('123456789012')
    expect(r.summary).not.toContain('123456789012')
    expect(r.leaks).toEqual([])
  })

  test('retries throttling, 5xx, IDPCommunicationError and a failing token service, then succeeds', async () => {
    w.sim.faults.add({ kind: 'throttle', service: 'sts', action: 'AssumeRoleWithWebIdentity', times: 1 })
    w.sim.faults.add({ kind: '5xx', service: 'sts', action: 'AssumeRoleWithWebIdentity', times: 1 })
    w.sim.faults.add({ kind: 'error', service: 'sts', action: 'AssumeRoleWithWebIdentity', code: 'IDPCommunicationError', status: 400, times: 1 })
    w.oidc.failNext(1, 503)
    const r = await run()
    expect(r.exitCode).toBe(0)
    expect(stsCalls('AssumeRoleWithWebIdentity').map((c) => c.status)).toEqual([400, 503, 400, 200])
    expect(r.stdout).toContain('retrying in')
    expect(r.leaks).toEqual([])
  })

  test('retry-max-attempts bounds the attempts', async () => {
    w.sim.faults.add({ kind: 'throttle', service: 'sts', action: 'AssumeRoleWithWebIdentity', times: 5 })
    const r = await run({ 'retry-max-attempts': '2' })
    expect(r.exitCode).toBe(1)
    expect(stsCalls('AssumeRoleWithWebIdentity')).toHaveLength(2)
    expect(r.errors.join('\n')).toContain('Throttling')
    expect(r.leaks).toEqual([])
  })

  test('role chaining assumes the second role with the first credentials; post blanks AWS_*', async () => {
    w.sim.createRole({ account: '123456789012', name: 'cluster-admin', maxSessionDuration: 43200, trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'sts:AssumeRole' }] } })
    const first = await run()
    const steps = await runSteps({ actionDir, inputs: { ...base, 'role-to-assume': 'arn:aws:iam::123456789012:role/cluster-admin', 'role-chaining': 'true' }, env: { ...w.env(), ...first.env } })
    expect(steps.main.exitCode).toBe(0)
    expect(steps.main.outputs['assumed-role-arn']).toBe('arn:aws:sts::123456789012:assumed-role/cluster-admin/GitHubActions-inference-4242-1')
    expect(stsCalls('AssumeRole')).toHaveLength(1)
    expect(first.env.AWS_ROLE_ARN).toBe(ROLE)
    for (const k of ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME']) expect(steps.main.env[k]).toBe('')
    expect(steps.main.leaks).toEqual([])
    expect(steps.post?.exitCode).toBe(0)
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION']) expect(steps.post?.env[k]).toBe('')
  })
})

describe('aws-credentials: failures say what and how to fix', () => {
  test('no id-token permission prints the YAML to add', async () => {
    const r = await run({}, { env: { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' } })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain('id-token: write')
    expect(r.errors.join('\n')).toContain('permissions:')
    expect(r.leaks).toEqual([])
  })

  test('a pull request from a fork is named as such', async () => {
    const r = await run({}, { eventName: 'pull_request', event: { pull_request: { head: { repo: { full_name: 'stranger/inference', fork: true } } } }, env: { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' } })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/fork stranger\/inference/)
    expect(r.errors.join('\n')).toContain('pull_request_target')
  })

  test('AccessDenied shows the token claims beside the condition that would match, and is not retried', async () => {
    w.oidc.context = { ...w.oidc.context, environment: 'prod', repository: 'octo-org/other' }
    const r = await run()
    expect(r.exitCode).toBe(1)
    const text = r.errors.join('\n')
    expect(text).toContain('Not authorized to assume')
    expect(text).toContain('repo:octo-org/other:environment:prod')
    expect(text).toContain('job_workflow_ref')
    expect(text).toContain('token.actions.githubusercontent.com:sub')
    expect(text).toContain('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com')
    expect(stsCalls('AssumeRoleWithWebIdentity')).toHaveLength(1)
    expect(r.leaks).toEqual([])
  })

  test.each([
    ['expired', /expired/i],
    ['wrong-key', /could not validate/i]
  ] as const)('a %s token fails clearly', async (mode, re) => {
    w.oidc.mode = mode
    const r = await run()
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(re)
    expect(r.leaks).toEqual([])
  })

  test('a malformed token fails before STS is called', async () => {
    w.oidc.mode = 'malformed'
    const r = await run()
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/malformed/)
    expect(stsCalls('AssumeRoleWithWebIdentity')).toHaveLength(0)
  })

  test('an audience the provider does not know', async () => {
    const r = await run({ audience: 'api://unknown' })
    expect(r.errors.join('\n')).toContain("audience 'api://unknown'")
    expect(r.errors.join('\n')).toContain('add-client-id-to-open-id-connect-provider')
  })

  test('a duration above the role maximum names the input and the update-role fix', async () => {
    const r = await run({ 'role-duration-seconds': '10800' })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain('role-duration-seconds 10800 is above the maximum session duration of gpuship-deploy')
    expect(r.errors.join('\n')).toContain('aws iam update-role --role-name gpuship-deploy --max-session-duration 10800')
  })

  test('a chain the second role does not trust names the first role in the error and the trust-policy fix', async () => {
    w.sim.createRole({ account: '123456789012', name: 'locked-admin', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/someone-else' }, Action: 'sts:AssumeRole' }] } })
    const first = await run()
    const r = await run({ 'role-to-assume': 'arn:aws:iam::123456789012:role/locked-admin', 'role-chaining': 'true' }, { env: first.env })
    expect(r.exitCode).toBe(1)
    expect(stsCalls('AssumeRole')).toHaveLength(1) // AccessDenied is not retried
    const text = r.errors.join('\n')
    expect(text).toContain(`${ROLE} may not assume arn:aws:iam::123456789012:role/locked-admin (role-chaining)`)
    expect(text).toContain(`"Principal":{"AWS":"${ROLE}"}`)
    expect(r.leaks).toEqual([])
  })

  test('role chaining above one hour is refused before any call', async () => {
    const r = await run({ 'role-chaining': 'true', 'role-duration-seconds': '7200' }, { env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' } })
    expect(r.errors.join('\n')).toContain('1 hour')
    expect(w.sim.calls).toHaveLength(0)
  })

  test('role chaining without credentials in the environment', async () => {
    const r = await run({ 'role-chaining': 'true' }, { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } })
    expect(r.errors.join('\n')).toContain('no AWS credentials are in the environment')
  })

  test('a role ARN of another partition than the region', async () => {
    const r = await run({ 'aws-region': 'cn-north-1' })
    expect(r.errors.join('\n')).toContain("partition 'aws', but aws-region 'cn-north-1' is in partition 'aws-cn'")
    expect(w.sim.calls).toHaveLength(0)
  })

  test('an account outside allowed-account-ids exports nothing', async () => {
    const r = await run({ 'allowed-account-ids': '111111111111' })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain('not in allowed-account-ids')
    expect(r.env.AWS_ACCESS_KEY_ID).toBeUndefined()
    expect(r.leaks).toEqual([])
  })

  test.each([
    [{ 'role-to-assume': 'foo' }, "Invalid role-to-assume 'foo'"],
    [{ 'role-to-assume': 'arn:aws:iam::123456789012:user/alice' }, 'role-to-assume'],
    [{ 'aws-region': 'mars-1' }, 'aws-region'],
    [{ 'role-duration-seconds': '600' }, 'role-duration-seconds'],
    [{ 'role-duration-seconds': '50000' }, 'role-duration-seconds'],
    [{ 'role-session-name': 'has spaces in it' }, "Invalid role-session-name 'has spaces in it'"],
    [{ 'inline-session-policy': '{not json' }, 'inline-session-policy'],
    [{ 'managed-session-policies': 'ReadOnlyAccess' }, "Invalid managed-session-policies entry 'ReadOnlyAccess'"],
    [{ 'allowed-account-ids': '12345' }, "Invalid allowed-account-ids entry '12345'"],
    [{ 'allowed-account-ids': '12345' }, 'keep leading zeros'],
    [{ 'managed-session-policies': 'ReadOnlyAccess' }, 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
    [{ 'managed-session-policies': Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`).join(',') }, 'lists 11 ARNs; STS takes at most 10.'],
    [{ 'managed-session-policies': Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`).join(',') }, 'Merge some into one customer-managed policy'],
    [{ 'role-chaining': 'yes' }, "Invalid role-chaining 'yes'"],
    [{ 'output-credentials': 'on' }, 'output-credentials'],
    [{ 'mask-aws-account-id': '1' }, 'mask-aws-account-id'],
    [{ 'retry-max-attempts': '0' }, 'retry-max-attempts'],
    [{ 'export-web-identity-token-file': 'nope' }, 'export-web-identity-token-file']
  ])('bad input %j fails naming the input', async (inputs, text) => {
    const r = await run(inputs)
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain(text)
    expect(w.sim.calls).toHaveLength(0)
  })
})

describe('the runner harness on this action', () => {
  test('a deliberate leak is caught: credentials as outputs not declared secret', async () => {
    const r = await run({ 'output-credentials': 'true' })
    expect(r.exitCode).toBe(0)
    expect(r.leaks.map((l) => l.where).sort()).toEqual(['output aws-access-key-id', 'output aws-secret-access-key', 'output aws-session-token'])
  })

  test('a secret the test knows about is caught in the log when the action never masked it', async () => {
    // The harness reports a value it was told is secret wherever it shows: the role session name is printed in the log.
    const r = await run({ 'role-session-name': 'visible-session-name' }, { secrets: ['visible-session-name'] })
    expect(r.leaks.some((l) => l.where === 'stdout')).toBe(true)
  })
})
