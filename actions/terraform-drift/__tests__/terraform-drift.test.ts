import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTerraformStandIn, DEFAULT_TOKEN, fixture, runAction, startGitHubSimulator, type GitHubSimulator, type TerraformStandIn } from '@gpuship/testkit'

// The bundled dist (node scripts/bundle.mjs --only terraform-drift) on a schedule event.
const actionDir = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const REPO = 'octo-org/inference'
let sim: GitHubSimulator

beforeAll(async () => {
  sim = await startGitHubSimulator()
  sim.state.repo(REPO)
})
afterAll(async () => {
  await sim.stop()
})

async function drift(tf: TerraformStandIn, ws: string, inputs: Record<string, string> = {}) {
  return runAction({ actionDir, workspace: ws, repository: REPO, eventName: 'schedule', inputs: { 'working-directory': 'infra', 'github-token': DEFAULT_TOKEN, 'plan-dir': join(ws, 'plans'), ...inputs }, env: { ...tf.env, GITHUB_API_URL: sim.url }, secrets: [DEFAULT_TOKEN] })
}

const driftIssues = () => [...sim.state.repo(REPO)!.issues.values()].filter((i) => i.labels.includes('terraform:drift'))

describe('terraform-drift action', () => {
  test('opens one issue per root, updates it while drift lasts, closes it when drift is gone', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'gpuship-tfdrift-'))
    mkdirSync(join(ws, 'infra'))
    const tf = createTerraformStandIn({ plan: fixture('no-changes'), refreshPlan: fixture('drift') })

    const first = await drift(tf, ws, { label: 'prod' })
    expect(first.errors).toEqual([])
    expect(first.outputs).toMatchObject({ drift: 'true', 'drift-count': '2', 'issue-action': 'opened' })
    expect(first.outputs.drifted.split('\n')).toEqual(['aws_eks_node_group.gpu', 'aws_security_group_rule.triton_grpc'])
    expect(tf.calls().find((c) => c.argv[0] === 'plan')!.argv).toEqual(expect.arrayContaining(['-refresh-only', '-detailed-exitcode']))
    expect(driftIssues()).toHaveLength(1)
    const issue = driftIssues()[0]
    expect(issue.title).toBe('Terraform drift: prod')
    expect(issue.body).toContain('scaling_config[0].desired_size = 1 -> 3')
    expect(issue.body).toContain('deleted outside Terraform')

    const second = await drift(tf, ws, { label: 'prod' })
    expect(second.outputs['issue-action']).toBe('updated')
    expect(second.outputs['issue-number']).toBe(String(issue.number))
    // another root gets its own issue
    const other = await drift(tf, ws, { label: 'staging' })
    expect(other.outputs['issue-action']).toBe('opened')
    expect(driftIssues()).toHaveLength(2)

    tf.update({ refreshPlan: fixture('no-changes') })
    const gone = await drift(tf, ws, { label: 'prod' })
    expect(gone.outputs).toMatchObject({ drift: 'false', 'drift-count': '0', 'issue-action': 'closed', 'issue-number': String(issue.number) })
    expect(sim.state.repo(REPO)!.issues.get(issue.number)!.state).toBe('closed')
    const again = await drift(tf, ws, { label: 'prod' })
    expect(again.outputs['issue-action']).toBe('none')
  })

  test('a cluster deleted under its state is explained with the state rm fix', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'gpuship-tfdrift-'))
    mkdirSync(join(ws, 'infra'))
    const tf = createTerraformStandIn({ plan: fixture('no-changes'), planError: 'cluster-gone' })
    const res = await drift(tf, ws, { issue: 'false' })
    expect(res.exitCode).not.toBe(0)
    expect(res.outputs['failure-reason']).toBe('cluster-gone')
    expect(res.errors.join('\n')).toContain("terraform state rm 'kubernetes_namespace.inference'")
  })
})
