import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTerraformStandIn, DEFAULT_TOKEN, fixture, runAction, startGitHubSimulator, type GitHubSimulator, type TerraformStandIn } from '@gpuship/testkit'

// terraform-plan on the pull request, then terraform-apply on the merge commit, both from their
// bundled dist (node scripts/bundle.mjs --only terraform-plan,terraform-apply).
const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname
const applyDir = resolve(here, '..')
const planDir = resolve(here, '..', '..', 'terraform-plan')
const REPO = 'octo-org/inference'
let sim: GitHubSimulator
let n = 0

beforeAll(async () => {
  sim = await startGitHubSimulator()
})
afterAll(async () => {
  await sim.stop()
})

interface World {
  ws: string
  tf: TerraformStandIn
  pr: number
  merge: string
}

function world(plan: string): World {
  const ws = mkdtempSync(join(tmpdir(), 'gpuship-tfapply-ws-'))
  mkdirSync(join(ws, 'infra'))
  const merge = (++n).toString(16).padStart(40, 'c')
  const head = (n).toString(16).padStart(40, 'e')
  const pr = sim.state.addIssue(REPO, { title: 'GPU pool', user: { login: 'dev', id: 7, type: 'User' }, pull: { head: { ref: `gpu-${n}`, sha: head }, base: { ref: 'main' }, merged: false } }).number
  return { ws, tf: createTerraformStandIn({ plan }), pr, merge }
}

const common = (w: World, inputs: Record<string, string>) => ({ 'working-directory': 'infra', 'github-token': DEFAULT_TOKEN, 'plan-dir': join(w.ws, 'plans'), 'backend-config': 'bucket=octo-tfstate', ...inputs })

async function plan(w: World, inputs: Record<string, string> = {}) {
  const head = sim.state.repo(REPO)!.issues.get(w.pr)!.pull!.head.sha
  return runAction({ actionDir: planDir, workspace: w.ws, repository: REPO, eventName: 'pull_request', event: { pull_request: { number: w.pr, head: { sha: head } } }, inputs: common(w, inputs), env: { ...w.tf.env, GITHUB_API_URL: sim.url, GITHUB_SHA: head } })
}

function merge(w: World): void {
  const pull = sim.state.repo(REPO)!.issues.get(w.pr)!
  pull.pull!.merged = true
  pull.pull!.merge_commit_sha = w.merge
  pull.state = 'closed'
}

async function apply(w: World, inputs: Record<string, string> = {}) {
  return runAction({ actionDir: applyDir, workspace: w.ws, repository: REPO, eventName: 'push', event: { after: w.merge }, inputs: common(w, inputs), env: { ...w.tf.env, GITHUB_API_URL: sim.url, GITHUB_SHA: w.merge, GITHUB_RUN_ID: '5151' }, secrets: [DEFAULT_TOKEN] })
}

const comments = (w: World) => [...sim.state.repo(REPO)!.comments.values()].filter((c) => c.issue === w.pr)

/** destroy-replace.json without the node group's destroy: what the reviewer saw. */
function reviewedWithoutDestroy(): string {
  const p = JSON.parse(readFileSync(fixture('destroy-replace'), 'utf8'))
  p.resource_changes = p.resource_changes.filter((rc: { address: string }) => rc.address !== 'aws_eks_node_group.gpu')
  const file = join(mkdtempSync(join(tmpdir(), 'gpuship-fx-')), 'reviewed.json')
  writeFileSync(file, JSON.stringify(p))
  return file
}

describe('terraform-apply action', () => {
  test('applies the reviewed plan of the merged pull request and updates its comment', async () => {
    const w = world(fixture('create'))
    const p = await plan(w)
    expect(p.exitCode).toBe(0)
    merge(w)
    const a = await apply(w)
    expect(a.errors).toEqual([])
    expect(a.exitCode).toBe(0)
    expect(a.outputs).toMatchObject({ applied: 'true', 'pull-request': String(w.pr), 'to-add': '2' })
    expect(a.outputs['plan-hash']).toBe(p.outputs['plan-hash'])
    expect(a.outputs['reviewed-hash']).toBe(p.outputs['plan-hash'])
    expect(w.tf.read().applied).toHaveLength(1)
    const cs = comments(w)
    expect(cs).toHaveLength(1)
    expect(cs[0].body).toContain('✅ **Applied**')
    expect(cs[0].body).toContain('2 added, 0 changed, 0 destroyed')
    expect(cs[0].body).toContain('"status":"applied"')
    expect(a.summary).toContain('Terraform apply')
    expect(a.leaks).toEqual([])
    // apply ran the saved plan file, never a plan of its own making at apply time
    const applyCall = w.tf.calls().find((c) => c.argv[0] === 'apply')!
    expect(applyCall.argv[applyCall.argv.length - 1]).toMatch(/tfplan$/)
  })

  test('refuses when the plan changed since review, naming what changed, and keeps the reviewed hash', async () => {
    const w = world(reviewedWithoutDestroy())
    const p = await plan(w)
    merge(w)
    w.tf.update({ plan: fixture('destroy-replace') })
    const a = await apply(w)
    expect(a.exitCode).not.toBe(0)
    expect(a.outputs['failure-reason']).toBe('plan-changed')
    expect(a.outputs['plan-diff']).toBe('+1 destroy: aws_eks_node_group.gpu')
    expect(a.errors.join('\n')).toContain('+1 destroy: aws_eks_node_group.gpu')
    expect(w.tf.read().applied).toBeUndefined()
    const body = comments(w)[0].body
    expect(body).toContain('Apply refused')
    expect(body).toContain(`"hash":"${p.outputs['plan-hash']}"`)
    expect(body).toContain('"status":"refused"')
    // a second try still refuses: the refusal did not overwrite what was reviewed
    expect((await apply(w)).outputs['failure-reason']).toBe('plan-changed')
  })

  test('the same plan re-planned later (new timestamp) is not "changed"', async () => {
    const w = world(fixture('sensitive-unknown'))
    await plan(w)
    merge(w)
    const a = await apply(w)
    expect(a.exitCode).toBe(0)
    expect(a.outputs.applied).toBe('true')
    expect(comments(w)[0].body).not.toContain('Sup3r-N3w-Secret')
  })

  test('plan not found: names the key part that differed and lists the comments seen', async () => {
    const w = world(fixture('create'))
    await plan(w, { label: 'prod' })
    merge(w)
    const a = await apply(w, { label: 'staging' })
    expect(a.exitCode).not.toBe(0)
    expect(a.outputs['failure-reason']).toBe('plan-not-found')
    const e = a.errors.join('\n')
    expect(e).toContain(`No reviewed plan found on pull request #${w.pr}`)
    expect(e).toContain("label 'prod' (this run: 'staging')")
    expect(e).toMatch(/comment \d+ by github-actions\[bot\]/)
    expect(w.tf.read().applied).toBeUndefined()
  })

  test('a forged plan marker in someone else\'s comment is not trusted', async () => {
    const w = world(fixture('create'))
    const p = await plan(w)
    merge(w)
    const mine = comments(w)[0]
    sim.state.addComment(REPO, w.pr, mine.body.replace(p.outputs['plan-hash'], 'sha256:' + '0'.repeat(64)), { login: 'mallory', id: 66, type: 'User' })
    const a = await apply(w)
    expect(a.exitCode).toBe(0)
    expect(a.outputs['reviewed-hash']).toBe(p.outputs['plan-hash'])
  })

  test('auto-approve: true is the explicit opt-out: applies without a reviewed plan', async () => {
    const w = world(fixture('create'))
    const a = await apply(w, { 'auto-approve': 'true' })
    expect(a.exitCode).toBe(0)
    expect(a.outputs.applied).toBe('true')
    expect(a.warnings.join('\n')).toContain('auto-approve')
  })

  test('already exists in AWS: fails with the import block, and says so on the PR', async () => {
    const w = world(fixture('create'))
    await plan(w)
    merge(w)
    w.tf.update({ applyError: 'already-exists' })
    const a = await apply(w)
    expect(a.exitCode).not.toBe(0)
    expect(a.outputs['failure-reason']).toBe('already-exists')
    const e = a.errors.join('\n')
    expect(e).toContain('aws_eks_node_group.gpu (gpu-prod:gpu) already exists in AWS')
    expect(e).toContain('to = aws_eks_node_group.gpu')
    expect(e).toContain('id = "gpu-prod:gpu"')
    expect(comments(w)[0].body).toContain('Apply failed')
  })
})
