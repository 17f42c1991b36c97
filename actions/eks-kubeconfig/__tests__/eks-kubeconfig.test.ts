import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { createEksTokenVerifier, createIdentityWorld, runAction, startKubeSimulator, type AccessKey, type IdentityWorld, type KubeSimulator, type RunOptions } from '@gpuship/testkit'

jest.setTimeout(60_000)
const run$ = promisify(execFile)
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..')
let w: IdentityWorld
let kube: KubeSimulator
let locked: KubeSimulator
let session: AccessKey
const rejected: string[] = []

const env = (key: AccessKey = session) => ({ ...w.sim.env(key, 'us-east-1'), AWS_ROLE_ARN: w.role.arn })
const run = (inputs: Record<string, string> = {}, extra: Partial<RunOptions> = {}) =>
  runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod', ...inputs }, ...extra, env: { ...env(), ...extra.env } })

beforeAll(async () => {
  if (!existsSync(join(actionDir, 'dist/token/index.js'))) throw new Error('Build the action first: node scripts/bundle.mjs --only eks-kubeconfig')
  w = await createIdentityWorld()
  session = w.sim.issueSession({ role: w.role, sessionName: 'gha-4242', durationSeconds: 3600 })
  kube = await startKubeSimulator({ authenticate: createEksTokenVerifier(w.sim, 'gpu-prod', { onReject: (r) => rejected.push(r) }) })
  Object.assign(w.cluster, { endpoint: kube.url, certificateAuthority: kube.caData })
  const lockedCluster = w.sim.createCluster({ account: w.account, name: 'gpu-locked', region: 'us-east-1' })
  lockedCluster.accessEntries.set(w.role.arn, { username: 'deployer', groups: ['nobody'] })
  locked = await startKubeSimulator({ authenticate: createEksTokenVerifier(w.sim, 'gpu-locked'), rbac: { admin: [{ verbs: ['*'], resources: ['*'] }] } })
  Object.assign(lockedCluster, { endpoint: locked.url, certificateAuthority: locked.caData })
  w.sim.createCluster({ account: w.account, name: 'gpu-new', region: 'us-east-1', status: 'CREATING' })
  w.sim.createCluster({ account: w.account, name: 'gpu-badca', region: 'us-east-1', certificateAuthority: Buffer.from('not a certificate').toString('base64') })
})
afterAll(async () => {
  await Promise.all([w?.close(), kube?.close(), locked?.close()])
})

describe('eks-kubeconfig: success', () => {
  test('writes a 0600 kubeconfig with the exec plugin, sets KUBECONFIG, verifies access, leaks nothing', async () => {
    const r = await run({ namespace: 'inference' })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    const path = r.outputs['kubeconfig-path']
    expect(r.env.KUBECONFIG).toBe(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(r.outputs).toMatchObject({ context: w.cluster.arn, 'cluster-endpoint': kube.url, 'cluster-arn': w.cluster.arn, 'cluster-version': '1.31', 'cluster-role-arn': w.cluster.roleArn, 'certificate-authority-data': kube.caData, username: 'gpuship-deploy:gha-4242' })
    const cfg = parse(readFileSync(path, 'utf8'))
    expect(cfg.contexts[0].context).toEqual({ cluster: w.cluster.arn, user: w.cluster.arn, namespace: 'inference' })
    const exec = cfg.users[0].user.exec
    expect(exec.apiVersion).toBe('client.authentication.k8s.io/v1beta1')
    expect(exec.args).toEqual([join(actionDir, 'dist/token/index.js'), '--cluster-name', 'gpu-prod', '--region', 'us-east-1'])
    expect(r.summary).toContain('gpuship-deploy:gha-4242')
    expect(r.masks.some((m) => m.startsWith('k8s-aws-v1.'))).toBe(true)
    expect(r.leaks).toEqual([])
  })

  test('real kubectl authenticates through the exec plugin (a token per run, refreshed by kubectl)', async () => {
    const r = await run({ 'verify-access': 'false' })
    expect(r.outputs.username).toBe('')
    const kenv = { ...process.env, ...env(), KUBECONFIG: r.outputs['kubeconfig-path'], HOME: mkdtempSync(join(tmpdir(), 'kubectl-home-')) }
    const version = await run$('kubectl', ['version', '-o', 'json'], { env: kenv })
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toMatch(/^v1\./)
    const whoami = await run$('kubectl', ['auth', 'whoami', '-o', 'json'], { env: kenv })
    expect(JSON.parse(whoami.stdout).status.userInfo.username).toBe('gpuship-deploy:gha-4242')
  })

  test('the token plugin prints an ExecCredential on its own', async () => {
    const out = await run$(process.execPath, [join(actionDir, 'dist/token/index.js'), '--cluster-name', 'gpu-prod', '--region', 'us-east-1'], { env: { PATH: process.env.PATH, ...env() } })
    const cred = JSON.parse(out.stdout)
    expect(cred.kind).toBe('ExecCredential')
    expect(await createEksTokenVerifier(w.sim, 'gpu-prod')(cred.status.token)).toMatchObject({ username: 'gpuship-deploy:gha-4242' })
  })

  test('the plugin re-assumes the role with a fresh OIDC token when the session is about to expire', async () => {
    const out = await run$(process.execPath, [join(actionDir, 'dist/token/index.js'), '--cluster-name', 'gpu-prod', '--region', 'us-east-1'], {
      env: { PATH: process.env.PATH, ...env(), ...w.oidc.env(), AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 30_000).toISOString(), AWS_ROLE_SESSION_NAME: 'refreshed' }
    })
    expect(await createEksTokenVerifier(w.sim, 'gpu-prod')(JSON.parse(out.stdout).status.token)).toMatchObject({ username: 'gpuship-deploy:refreshed' })
  })

  test('the action re-assumes a session about to expire and masks the new credentials and OIDC token', async () => {
    const r = await run({}, { env: { ...w.oidc.env(), AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 30_000).toISOString(), AWS_ROLE_SESSION_NAME: 'action-refresh' } })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    const fresh = [...w.sim.state.accessKeys.values()].filter((k) => k.arn.endsWith('/action-refresh'))
    expect(fresh).toHaveLength(1)
    expect(r.masks).toContain(fresh[0].secretAccessKey)
    expect(r.masks).toContain(fresh[0].sessionToken)
    expect(r.masks.some((m) => m.split('.').length === 3 && m.startsWith('ey'))).toBe(true) // the ID token
    expect(r.leaks).toEqual([])
  })

  test('alias names the context; an existing kubeconfig keeps its other contexts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcfg-'))
    const path = join(dir, 'config')
    writeFileSync(path, 'apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: other\n  user: {token: x}\ncontexts:\n- name: other\n  context: {cluster: other, user: other}\ncurrent-context: other\n', { mode: 0o644 })
    const r = await run({ alias: 'prod', 'kubeconfig-path': path, 'aws-region': 'us-east-1' })
    expect(r.exitCode).toBe(0)
    const cfg = parse(readFileSync(path, 'utf8'))
    expect(cfg.contexts.map((c: { name: string }) => c.name).sort()).toEqual(['other', 'prod'])
    expect(cfg['current-context']).toBe('prod')
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })
})

describe('eks-kubeconfig: failures', () => {
  test('a cluster that is not ACTIVE', async () => {
    const r = await run({ 'cluster-name': 'gpu-new' })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain("is CREATING, not ACTIVE")
    expect(r.errors.join('\n')).toContain('aws eks wait cluster-active --name gpu-new')
  })

  test('a CA that does not decode', async () => {
    const r = await run({ 'cluster-name': 'gpu-badca' })
    expect(r.errors.join('\n')).toContain('does not decode to a PEM certificate')
  })

  test('a cluster that does not exist', async () => {
    const r = await run({ 'cluster-name': 'nope' })
    expect(r.errors.join('\n')).toContain("EKS cluster 'nope' does not exist in us-east-1")
    expect(r.errors.join('\n')).toContain('cluster-name')
  })

  test('401: the role has no access entry, with the create-access-entry fix', async () => {
    const role = w.sim.createRole({ account: w.account, name: 'no-entry', trustPolicy: { Statement: [] } })
    const key = w.sim.issueSession({ role, sessionName: 's', durationSeconds: 900 })
    const r = await run({}, { env: { ...env(key), AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/misleading' } })
    expect(r.exitCode).toBe(1)
    const text = r.errors.join('\n')
    expect(text).toContain('401 Unauthorized')
    expect(text).toContain(`aws eks create-access-entry --cluster-name gpu-prod --principal-arn ${role.arn}`)
    expect(rejected.at(-1)).toContain('no access entry')
    expect(r.leaks).toEqual([])
  })

  test('403: authenticated but RBAC forbids, with the binding fix', async () => {
    const r = await run({ 'cluster-name': 'gpu-locked' })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain('403 Forbidden')
    expect(r.errors.join('\n')).toContain('associate-access-policy')
  })

  test('no credentials at all', async () => {
    const r = await run({}, { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_ROLE_ARN: '', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' } })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/credentials/i)
  })

  test.each([
    [{ 'cluster-name': 'bad name!' }, "Invalid cluster-name 'bad name!'"],
    [{ 'aws-region': 'moon-1' }, "Invalid aws-region 'moon-1'"],
    [{ namespace: 'Not_A_Label' }, "Invalid namespace 'Not_A_Label'"],
    [{ alias: 'a b' }, "Invalid alias 'a b'"],
    [{ 'verify-access': 'maybe' }, "Invalid verify-access 'maybe'"]
  ])('bad input %j', async (inputs, text) => {
    const r = await run(inputs)
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain(text)
  })

  test('no region anywhere', async () => {
    const r = await run({}, { env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' } })
    expect(r.errors.join('\n')).toContain('No aws-region given')
  })
})
