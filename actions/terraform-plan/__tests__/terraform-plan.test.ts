import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTerraformStandIn, DEFAULT_TOKEN, fixture, goTime, runAction, startGitHubSimulator, type GitHubSimulator, type TerraformStandIn } from '@gpuship/testkit'

// Runs the bundled dist (node scripts/bundle.mjs --only terraform-plan) against the GitHub
// simulator and the terraform stand-in, as the runner would.
const actionDir = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const REPO = 'octo-org/inference'
let sim: GitHubSimulator

beforeAll(async () => {
  sim = await startGitHubSimulator()
})
afterAll(async () => {
  await sim.stop()
})

function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'gpuship-tfplan-ws-'))
  mkdirSync(join(ws, 'infra'))
  return ws
}

function newPr(): number {
  return sim.state.addIssue(REPO, { title: 'Add GPU node group', user: { login: 'dev', id: 7, type: 'User' }, pull: { head: { ref: 'gpu', sha: 'f'.repeat(40) }, base: { ref: 'main' }, merged: false } }).number
}

async function plan(tf: TerraformStandIn, pr: number, ws: string, inputs: Record<string, string> = {}) {
  return runAction({
    actionDir,
    workspace: ws,
    eventName: 'pull_request',
    event: { pull_request: { number: pr, head: { sha: 'f'.repeat(40) } } },
    repository: REPO,
    inputs: { 'working-directory': 'infra', 'github-token': DEFAULT_TOKEN, 'plan-dir': join(ws, 'plans'), 'backend-config': 'bucket=octo-tfstate\nkey=inference/prod.tfstate', ...inputs },
    env: { ...tf.env, GITHUB_API_URL: sim.url },
    secrets: [DEFAULT_TOKEN]
  })
}

function comments(pr: number) {
  return [...sim.state.repo(REPO)!.comments.values()].filter((c) => c.issue === pr)
}

describe('terraform-plan action', () => {
  test('creates the sticky comment, then updates it in place on the next push (never a second one)', async () => {
    const ws = workspace()
    const pr = newPr()
    const tf = createTerraformStandIn({ plan: fixture('create') })
    const first = await plan(tf, pr, ws)
    expect(first.errors).toEqual([])
    expect(first.exitCode).toBe(0)
    expect(first.outputs).toMatchObject({ changes: 'true', 'to-add': '2', 'to-change': '0', 'to-destroy': '0', 'to-replace': '0' })
    expect(first.outputs['plan-hash']).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(first.leaks).toEqual([])
    expect(comments(pr)).toHaveLength(1)
    const id = comments(pr)[0].id
    expect(comments(pr)[0].body).toContain('Plan: 0 to import'.replace('0 to import', '2 to add'))
    expect(first.summary).toContain('aws_eks_node_group.gpu')

    tf.update({ plan: fixture('destroy-replace') })
    const second = await plan(tf, pr, ws)
    expect(second.exitCode).toBe(0)
    const now = comments(pr)
    expect(now).toHaveLength(1)
    expect(now[0].id).toBe(id)
    expect(now[0].body).toContain('**destroy** `aws_eks_node_group.gpu`')
    expect(second.outputs['plan-hash']).not.toBe(first.outputs['plan-hash'])
    // init got the backend config, plan was non-interactive with the lock timeout and detailed exit code
    const planCall = tf.calls().find((c) => c.argv[0] === 'plan')!
    expect(planCall.argv).toEqual(expect.arrayContaining(['-input=false', '-detailed-exitcode', '-lock-timeout=300s']))
    expect(tf.calls().find((c) => c.argv[0] === 'init')!.argv).toEqual(expect.arrayContaining(['-backend-config=bucket=octo-tfstate']))
  })

  test('matrix roots with different labels get their own comments', async () => {
    const ws = workspace()
    const pr = newPr()
    const tf = createTerraformStandIn({ plan: fixture('create') })
    await plan(tf, pr, ws, { label: 'prod' })
    await plan(tf, pr, ws, { label: 'staging' })
    await plan(tf, pr, ws, { label: 'prod' })
    expect(comments(pr)).toHaveLength(2)
  })

  test('no changes: labels the PR terraform:no-changes and says so', async () => {
    const ws = workspace()
    const pr = newPr()
    const tf = createTerraformStandIn({ plan: fixture('no-changes') })
    const res = await plan(tf, pr, ws, { 'add-labels': 'true' })
    expect(res.exitCode).toBe(0)
    expect(res.outputs.changes).toBe('false')
    expect(sim.state.repo(REPO)!.issues.get(pr)!.labels).toEqual(['terraform:no-changes'])
    expect(comments(pr)[0].body).toContain('No changes.')
    tf.update({ plan: fixture('destroy-replace') })
    await plan(tf, pr, ws, { 'add-labels': 'true' })
    expect(sim.state.repo(REPO)!.issues.get(pr)!.labels.sort()).toEqual(['terraform:changes', 'terraform:destroy'])
  })

  test('a held lock fails with its ID, holder, age and the force-unlock command, shown in the comment', async () => {
    const ws = workspace()
    const pr = newPr()
    const tf = createTerraformStandIn({ plan: fixture('create'), lock: { id: '3f6a1c0e-6b7d-2c8e-91a4-5d0f7e2b9c13', who: 'runner@fv-az1234-567', created: goTime(new Date(Date.now() - 2 * 3600_000)), operation: 'OperationTypeApply' } })
    const res = await plan(tf, pr, ws)
    expect(res.exitCode).not.toBe(0)
    expect(res.outputs['failure-reason']).toBe('lock-held')
    expect(JSON.parse(res.outputs['lock-info'])).toMatchObject({ id: '3f6a1c0e-6b7d-2c8e-91a4-5d0f7e2b9c13', who: 'runner@fv-az1234-567', operation: 'OperationTypeApply' })
    const error = res.errors.join('\n')
    expect(error).toContain('terraform force-unlock -force 3f6a1c0e-6b7d-2c8e-91a4-5d0f7e2b9c13')
    expect(error).toMatch(/\(2h ago\)/)
    expect(comments(pr)[0].body).toContain('The state is locked')
    expect(comments(pr)[0].body).toContain('runner@fv-az1234-567')
    expect(tf.read().unlocked).toBeUndefined()
  })

  test('raw terraform output cannot issue workflow commands', async () => {
    const ws = workspace()
    const pr = newPr()
    const tf = createTerraformStandIn({ plan: fixture('injection'), planText: '::set-output name=plan-hash::evil\n::error::injected by a resource name\n::add-mask::x\n' })
    const res = await plan(tf, pr, ws)
    expect(res.exitCode).toBe(0)
    expect(res.outputs['plan-hash']).not.toBe('evil')
    expect(res.errors.join('\n')).not.toContain('injected')
    expect(res.masks).not.toContain('x')
    const body = comments(pr)[0].body
    // What GitHub would render as Markdown/HTML: everything outside our marker, code blocks and code spans.
    const rendered = body
      .replace(/^<!-- gpuship:terraform-plan .*? -->\n/, '')
      .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
      .replace(/(`+)[\s\S]*?\1/g, '')
      .replace(/<code>[^<]*<\/code>/g, '')
    expect(rendered).not.toMatch(/<img|<script|<b>|@everyone|@octo-org|::error::|\]\(https:\/\/evil/)
    expect(rendered.match(/<details>/g)?.length).toBe(rendered.match(/<\/details>/g)?.length)
    // Our marker is the first line and ends there; the forged one in a resource attribute sits inside a code block.
    expect(body.split('\n')[0]).toMatch(/^<!-- gpuship:terraform-plan \{"v":1,"key":.*"hash":"sha256:[0-9a-f]{64}".* -->$/)
    expect(body.split('\n')[0].indexOf('-->')).toBe(body.split('\n')[0].length - 3)
    expect(rendered).not.toContain('<!--')
  })

  test('a plan too large for one comment: summary and every destroy stay, the rest is pointed to', async () => {
    const ws = workspace()
    const pr = newPr()
    const rc = Array.from({ length: 2500 }, (_, i) => ({
      address: `aws_instance.worker[${i}]`,
      type: 'aws_instance',
      name: 'worker',
      change: { actions: i % 25 === 0 ? ['delete'] : ['create'], before: i % 25 === 0 ? { ami: 'ami-1', id: `i-${i}` } : null, after: i % 25 === 0 ? null : { ami: 'ami-2', instance_type: 'g5.xlarge', tags: { n: `w${i}` } }, after_unknown: { id: true }, before_sensitive: {}, after_sensitive: {} }
    }))
    const big = join(ws, 'big.json')
    writeFileSync(big, JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: rc }))
    const tf = createTerraformStandIn({ plan: big })
    const res = await plan(tf, pr, ws)
    expect(res.errors).toEqual([])
    const body = comments(pr)[0].body
    expect(body.length).toBeLessThanOrEqual(65_536)
    expect(body).toContain('**Plan: 2400 to add, 0 to change, 0 to replace, 100 to destroy.**')
    for (let i = 0; i < 2500; i += 25) expect(body).toContain(`aws_instance.worker[${i}]`)
    expect(body).toContain('too large to show in full here')
    expect(body).toContain('[job summary](https://github.com/octo-org/inference/actions/runs/4242)')
    expect(res.summary).toContain('aws_instance.worker[2499]')
  })

  test('sensitive values reach no comment, summary, log or output', async () => {
    const ws = workspace()
    const pr = newPr()
    const tf = createTerraformStandIn({ plan: fixture('sensitive-unknown') })
    const secrets = ['hunter2-old-Secret!', 'Sup3r-N3w-Secret-V4lue', 'hf_aVeryPrivateTokenValue123']
    const res = await runAction({
      actionDir,
      workspace: ws,
      eventName: 'pull_request',
      event: { pull_request: { number: pr, head: { sha: 'f'.repeat(40) } } },
      repository: REPO,
      inputs: { 'working-directory': 'infra', 'github-token': DEFAULT_TOKEN, 'plan-dir': join(ws, 'plans') },
      env: { ...tf.env, GITHUB_API_URL: sim.url },
      secrets: [DEFAULT_TOKEN, ...secrets]
    })
    expect(res.exitCode).toBe(0)
    expect(res.leaks).toEqual([])
    for (const s of secrets) expect(comments(pr)[0].body).not.toContain(s)
    expect(comments(pr)[0].body).toContain('(known after apply)')
  })

  test('rejects a bad input naming it', async () => {
    const ws = workspace()
    const tf = createTerraformStandIn({ plan: fixture('create') })
    const res = await plan(tf, newPr(), ws, { 'lock-timeout': 'soon' })
    expect(res.exitCode).not.toBe(0)
    expect(res.errors.join('\n')).toContain('lock-timeout')
    expect(tf.calls()).toHaveLength(0)
  })
})

describe('unlock-stale', () => {
  const created = new Date(Date.now() - 3 * 3600_000)
  const lock = (who: string) => ({ id: 'a0b1c2d3-0000-4000-8000-00000000beef', who, created: goTime(created), operation: 'OperationTypeApply' })
  const at = (ms: number) => new Date(created.getTime() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

  test('releases the lock when its holder is a finished job of this repository, then plans', async () => {
    sim.state.addRun(REPO, { status: 'completed', conclusion: 'cancelled', created_at: at(-60_000), jobs: [{ name: 'apply', status: 'completed', conclusion: 'cancelled', runner_name: 'gpu-runner-1', started_at: at(-30_000), completed_at: at(600_000) }] })
    const tf = createTerraformStandIn({ plan: fixture('create'), lock: lock('runner@gpu-runner-1') })
    const res = await plan(tf, newPr(), workspace(), { 'unlock-stale': 'true' })
    expect(res.errors).toEqual([])
    expect(res.exitCode).toBe(0)
    expect(tf.read().unlocked).toEqual(['a0b1c2d3-0000-4000-8000-00000000beef'])
    expect(res.warnings.join('\n')).toContain('Releasing stale state lock')
  })

  test('keeps the lock when the holding job is still running', async () => {
    sim.state.addRun(REPO, { status: 'in_progress', conclusion: null, created_at: at(-60_000), jobs: [{ name: 'apply', status: 'in_progress', conclusion: null, runner_name: 'gpu-runner-2', started_at: at(-30_000), completed_at: null }] })
    const tf = createTerraformStandIn({ plan: fixture('create'), lock: lock('runner@gpu-runner-2') })
    const res = await plan(tf, newPr(), workspace(), { 'unlock-stale': 'true' })
    expect(res.exitCode).not.toBe(0)
    expect(res.outputs['failure-reason']).toBe('lock-held')
    expect(res.errors.join('\n')).toContain('still in_progress')
    expect(tf.read().unlocked).toBeUndefined()
  })

  test('keeps the lock when the holder is not a GitHub Actions run of this repository', async () => {
    const tf = createTerraformStandIn({ plan: fixture('create'), lock: lock('alice@laptop') })
    const res = await plan(tf, newPr(), workspace(), { 'unlock-stale': 'true' })
    expect(res.exitCode).not.toBe(0)
    expect(res.errors.join('\n')).toContain("no GitHub Actions job of octo-org/inference ran on 'laptop'")
    expect(tf.read().unlocked).toBeUndefined()
  })
})
