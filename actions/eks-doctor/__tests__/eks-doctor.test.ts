import { describe, test, expect, afterEach, jest } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { applyScenario, createAwsSimulator, runAction, startKubeSimulator, type AwsSimulator, type KubeSimulator } from '@gpuship/testkit'

// The locally built dist (node scripts/bundle.mjs --only eks-doctor) run as the runner runs it,
// against the AWS and Kubernetes simulators, through AWS_ENDPOINT_URL and KUBECONFIG.
jest.setTimeout(60_000)
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..')
let aws: AwsSimulator | undefined
let kube: KubeSimulator | undefined
afterEach(async () => {
  await Promise.all([aws?.close(), kube?.close()])
  aws = kube = undefined
})

async function world(scenario: string) {
  if (!existsSync(join(actionDir, 'dist/index.js'))) throw new Error('Build the action first: node scripts/bundle.mjs --only eks-doctor')
  aws = await createAwsSimulator()
  kube = await startKubeSimulator({ clusterName: 'gpu-prod' })
  const s = await applyScenario(scenario, { aws, kube })
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-'))
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, kube.kubeconfig())
  const env = {
    ...aws.env(s.credentials, s.region),
    KUBECONFIG: kubeconfig,
    RUNNER_TEMP: dir,
    GITHUB_ACTION_REPOSITORY: 'gpuship/gpuship',
    GITHUB_ACTION_REF: 'v1'
  }
  return { s, env, dir, secret: s.credentials.secretAccessKey }
}

describe('eks-doctor action', () => {
  test('healthy cluster: no finding, exit 0, counts 0, summary says so, nothing leaks', async () => {
    const { env, secret } = await world('healthy')
    const r = await runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod' }, env, secrets: [secret] })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    expect(r.outputs).toMatchObject({ 'findings-count': '0', errors: '0', warnings: '0', json: '[]' })
    expect(r.summary).toContain('No findings')
    expect(r.leaks).toEqual([])
    const report = JSON.parse(readFileSync(r.outputs['json-path'], 'utf8'))
    expect(report.findings).toEqual([])
    expect(report.calls).toEqual(expect.arrayContaining(['eks:DescribeNodegroup', 'ec2:DescribeSubnets', 'iam:GetRole', 'k8s:LIST nodes']))
    expect((aws as AwsSimulator).calls.every((c) => /^(Describe|List|Get|Filter)/.test(c.action) || c.action.startsWith('GET '))).toBe(true)
    expect((kube as KubeSimulator).requests.every((q) => q.method === 'GET')).toBe(true)
  })

  test('node role without the CNI policy: error annotation, outputs, runbook link, fails under fail-on error', async () => {
    const { env, secret } = await world('node-role-missing-cni')
    const r = await runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod', namespaces: 'inference' }, env, secrets: [secret] })
    expect(r.exitCode).toBe(1)
    expect(r.outputs).toMatchObject({ 'findings-count': '1', errors: '1', warnings: '0' })
    const json = JSON.parse(r.outputs.json)
    expect(json).toEqual([
      expect.objectContaining({ rule: 'node-role-policies', severity: 'error', resource: 'role/gpu-prod-node', runbook: 'docs/runbooks/node-role-policies.md' })
    ])
    expect(r.errors.some((e) => e.includes('AmazonEKS_CNI_Policy'))).toBe(true)
    expect(r.summary).toContain('https://github.com/gpuship/gpuship/blob/v1/docs/runbooks/node-role-policies.md')
    expect(r.summary).toContain('aws iam attach-role-policy --role-name gpu-prod-node --policy-arn arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy')
    expect(r.leaks).toEqual([])
  })

  test('fail-on never reports without failing; fail-on warning fails on a warning', async () => {
    const { env } = await world('version-skew')
    const never = await runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod', 'fail-on': 'never' }, env })
    expect(never.exitCode).toBe(0)
    expect(never.outputs).toMatchObject({ warnings: '2', errors: '0' })
    const onError = await runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod' }, env })
    expect(onError.exitCode).toBe(0)
    const onWarning = await runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod', 'fail-on': 'warning' }, env })
    expect(onWarning.exitCode).toBe(1)
  })

  test('untrusted event text is escaped in the summary and cannot issue workflow commands', async () => {
    const { env } = await world('healthy')
    const evil = 'Failed <img src=x onerror=alert(1)> | **bold** @admin\n::error::injected'
    ;(kube as KubeSimulator).store.create('events', {
      metadata: { name: 'evil', namespace: 'inference' },
      involvedObject: { kind: 'Service', namespace: 'inference', name: 'triton-public' },
      type: 'Warning',
      reason: 'FailedDeployModel',
      message: evil,
      count: 1,
      lastTimestamp: new Date().toISOString()
    })
    const r = await runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod', 'fail-on': 'never' }, env })
    expect(r.outputs['findings-count']).toBe('1')
    // Outside fenced blocks (which render literally and whose fence outruns any backticks inside), nothing is live.
    const prose = r.summary.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '')
    expect(prose).toContain('&lt;img')
    expect(prose).not.toContain('<img')
    expect(prose).not.toMatch(/@admin/)
    expect(prose).toContain('\\*\\*bold')
    expect(r.errors.filter((e) => e === 'injected')).toEqual([])
  })

  test('bad input: the error names the input and the fix', async () => {
    const { env } = await world('healthy')
    const r = await runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod', 'fail-on': 'sometimes' }, env })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/fail-on/)
    const r2 = await runAction({ actionDir, inputs: { 'cluster-name': 'no such/cluster' }, env })
    expect(r2.exitCode).toBe(1)
    expect(r2.errors.join('\n')).toMatch(/cluster-name/)
  })
})
