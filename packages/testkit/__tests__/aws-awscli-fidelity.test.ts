import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { checkEksToken, createIdentityWorld, type IdentityWorld } from '../src/aws/index.js'

// The real clients: Debian's awscli v2 (/usr/bin/aws) and awscli v1 from PATH, whichever exist.
jest.setTimeout(120_000)
const exec = promisify(execFile)
const onPath = (process.env.PATH ?? '').split(':').map((d) => join(d, 'aws')).find((p) => existsSync(p))
const CLIS = [...new Set(['/usr/bin/aws', '/root/.pyenv/shims/aws', ...(onPath ? [onPath] : [])])].filter((p) => existsSync(p))
let w: IdentityWorld

async function aws(cli: string, args: string[], env: Record<string, string> = {}, endpoint = true) {
  const home = mkdtempSync(join(tmpdir(), 'awscli-home-'))
  const all = [...args, '--region', 'us-east-1', '--output', 'json', ...(endpoint ? ['--endpoint-url', w.sim.endpoint] : [])]
  try {
    const { stdout, stderr } = await exec(cli, all, {
      env: { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '', PYENV_VERSION: process.env.PYENV_VERSION ?? '', PYENV_ROOT: process.env.PYENV_ROOT ?? '', ...env }
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

beforeAll(async () => {
  w = await createIdentityWorld()
})
afterAll(async () => w.close())

test('at least one awscli is installed', () => {
  expect(CLIS.length).toBeGreaterThan(0)
})

describe.each(CLIS)('%s against the simulator', (cli) => {
  let creds: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_SESSION_TOKEN: string }

  test('sts assume-role-with-web-identity (unsigned) parses the XML answer', async () => {
    const token = await w.oidc.mint()
    const r = await aws(cli, ['sts', 'assume-role-with-web-identity', '--role-arn', w.role.arn, '--role-session-name', 'awscli', '--web-identity-token', token, '--duration-seconds', '900'])
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.AssumedRoleUser.Arn).toBe('arn:aws:sts::123456789012:assumed-role/gpuship-deploy/awscli')
    expect(out.SubjectFromWebIdentityToken).toBe('repo:octo-org/inference:ref:refs/heads/main')
    expect(out.Credentials.AccessKeyId).toMatch(/^ASIA/)
    creds = { AWS_ACCESS_KEY_ID: out.Credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: out.Credentials.SecretAccessKey, AWS_SESSION_TOKEN: out.Credentials.SessionToken }
  })

  test('sts get-caller-identity is signed by awscli and verified', async () => {
    const r = await aws(cli, ['sts', 'get-caller-identity'], creds)
    expect(JSON.parse(r.stdout)).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/gpuship-deploy/awscli' })
  })

  test('eks describe-cluster parses the rest-json answer', async () => {
    const r = await aws(cli, ['eks', 'describe-cluster', '--name', 'gpu-prod'], creds)
    expect(r.stderr).toBe('')
    const c = JSON.parse(r.stdout).cluster
    expect(c).toMatchObject({ name: 'gpu-prod', status: 'ACTIVE', version: '1.31', endpoint: w.cluster.endpoint, roleArn: w.cluster.roleArn, certificateAuthority: { data: w.cluster.certificateAuthority } })
    // v2 prints ISO 8601, v1 the epoch seconds it read: both must be the cluster's creation time.
    const created = typeof c.createdAt === 'number' ? c.createdAt * 1000 : Date.parse(c.createdAt)
    expect(Math.abs(created - w.cluster.createdAt.getTime())).toBeLessThan(1000)
  })

  test('eks get-token makes a token the EKS verifier accepts, for this cluster only', async () => {
    const r = await aws(cli, ['eks', 'get-token', '--cluster-name', 'gpu-prod'], creds, false)
    const token = JSON.parse(r.stdout).status.token as string
    expect(checkEksToken(w.sim, 'gpu-prod', token)).toMatchObject({ ok: true, identity: { username: 'gpuship-deploy:awscli', groups: ['gpuship:deployers'] } })
    expect(checkEksToken(w.sim, 'gpu-other', token)).toMatchObject({ ok: false })
  })

  test('errors come out with the codes awscli prints', async () => {
    w.oidc.context = { ...w.oidc.context, repository: 'evil/fork' }
    try {
      const denied = await aws(cli, ['sts', 'assume-role-with-web-identity', '--role-arn', w.role.arn, '--role-session-name', 'x1', '--web-identity-token', await w.oidc.mint()])
      expect(denied.code).not.toBe(0)
      expect(denied.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity')
    } finally {
      w.oidc.context = { ...w.oidc.context, repository: 'octo-org/inference' }
    }
    const badSig = await aws(cli, ['sts', 'get-caller-identity'], { ...creds, AWS_SECRET_ACCESS_KEY: 'wrong' })
    expect(badSig.stderr).toContain('(SignatureDoesNotMatch)')
    const missing = await aws(cli, ['eks', 'describe-cluster', '--name', 'nope'], creds)
    expect(missing.stderr).toContain('(ResourceNotFoundException)')
    expect(missing.stderr).toContain('No cluster found for name: nope.')
  })

  test('awscli retries injected throttling and succeeds', async () => {
    w.sim.faults.add({ kind: 'throttle', service: 'sts', action: 'GetCallerIdentity', times: 2 })
    const r = await aws(cli, ['sts', 'get-caller-identity'], creds)
    expect(r.code).toBe(0)
    expect(w.sim.faults.hits.filter((h) => h.action === 'GetCallerIdentity')).toHaveLength(2)
    w.sim.faults.clear()
  })
})
