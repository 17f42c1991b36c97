/**
 * Steps 2 and 3: `terraform-plan` on the pull request (sticky comment, plan hash) and
 * `terraform-apply` after the merge (re-plan, compare with the reviewed hash, apply the saved plan).
 * Terraform is testkit's stand-in on PATH; the comment lives in the GitHub simulator.
 */
import type { JobState, SandboxStep, StepRun } from '../step.js'
import type { GithubHandle } from '../world/github.js'
import type { TerraformHandle } from '../world/terraform.js'
import { declaredInputs, firstError, runRepoAction } from './run-action.js'

function terraformCall(job: JobState, action: string) {
  const gh = job.world.pieces.github.handle as GithubHandle
  const tf = job.world.pieces.terraform.handle as TerraformHandle
  const names = job.world.names
  const inputs: Record<string, string> = { 'working-directory': 'terraform', 'lock-timeout': '2s', label: 'gpu-sandbox' }
  if (declaredInputs(job, action).includes('github-token')) inputs['github-token'] = gh.token
  const event = {
    number: names.pullNumber,
    pull_request: { number: names.pullNumber, head: { sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', repo: { full_name: names.repository } }, base: { ref: 'main' } },
    repository: { full_name: names.repository, name: names.repository.split('/')[1], owner: { login: names.repository.split('/')[0] } }
  }
  return { inputs, env: { ...gh.env, ...tf.env }, event }
}

function latestComment(job: JobState): string | undefined {
  const gh = job.world.pieces.github.handle as GithubHandle
  return gh.comments().at(-1)
}

export const planStep: SandboxStep = {
  id: 'plan',
  action: 'terraform-plan',
  title: 'terraform plan on the pull request, sticky comment',
  after: ['oidc'],
  needs: ['github', 'terraform', 'aws'],
  async run(job): Promise<StepRun> {
    const call = terraformCall(job, 'terraform-plan')
    const result = await runRepoAction(job, 'terraform-plan', { ...call, eventName: 'pull_request' })
    const o = result.outputs
    const note = result.exitCode === 0 ? `plan: ${o.changes === 'true' ? 'changes' : 'no changes'}, hash ${(o['plan-hash'] ?? '').replace(/^sha256:/, '').slice(0, 12)}; comment posted` : `failed: ${firstError(result)}`
    return { result, note, comment: latestComment(job) }
  }
}

export const applyStep: SandboxStep = {
  id: 'apply',
  action: 'terraform-apply',
  title: 'terraform apply of the reviewed plan',
  after: ['plan'],
  needs: ['github', 'terraform', 'aws'],
  async run(job): Promise<StepRun> {
    const call = terraformCall(job, 'terraform-apply')
    if (job.scenario.name === 'plan-changed') {
      // The twist of the story: another change reached the infrastructure after the plan was reviewed.
      ;(job.world.pieces.terraform.handle as TerraformHandle).usePlan('destroy-replace')
      job.progress.line('         scenario: the infrastructure changed after review; the next plan destroys and replaces')
    }
    const reviewed = job.outputs.plan?.['plan-hash']
    if (reviewed && declaredInputs(job, 'terraform-apply').includes('plan-hash')) call.inputs['plan-hash'] = reviewed
    const result = await runRepoAction(job, 'terraform-apply', { ...call, eventName: 'push', event: { ...call.event, ref: 'refs/heads/main' } })
    const note = result.exitCode === 0 ? 'applied the reviewed plan; comment updated' : `refused/failed: ${firstError(result)}`
    return { result, note, comment: latestComment(job) }
  }
}
