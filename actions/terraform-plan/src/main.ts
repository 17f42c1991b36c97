import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { isGpushipError, actionsLogger, failAction, formatError } from '@gpuship/core'
import {
  artifactName,
  artifactsAvailable,
  createGitHubClient,
  failureComment,
  isDestructive,
  keySlug,
  listComments,
  openRoot,
  planComment,
  planHeading,
  planOutputs,
  planRoot,
  PLAN_LABELS,
  readRunContext,
  sensitiveValues,
  renderPlan,
  setPlanLabels,
  storePlan,
  TerraformError,
  upsertComment,
  type CommentKey,
  type GitHub,
  rootOptions
} from '@gpuship/terraform'
import { getInputs, type Inputs } from './inputs.js'

const SUMMARY_LIMIT = 1_000_000 // GitHub's job summary limit is 1 MiB per step

export async function run(): Promise<void> {
  const log = actionsLogger(core)
  let inputs: Inputs | undefined
  let key: CommentKey | undefined
  let gh: GitHub | undefined
  const ctx = readRunContext()
  try {
    inputs = getInputs()
    const pr = ctx.pullRequest
    if (inputs['github-token'] && (pr !== undefined || inputs['unlock-stale'])) gh = await createGitHubClient(inputs['github-token'], { log })
    const root = await openRoot(rootOptions(inputs, log))
    key = root.key
    core.setOutput('terraform-version', root.version)
    const outDir = storeDir(inputs, key)
    const planned = await planRoot(root, outDir, { destroy: inputs.destroy }, { unlockStale: inputs['unlock-stale'], github: gh, repo: { owner: ctx.owner, repo: ctx.repo } })
    // show -json carries sensitive values in clear text: mask them before terraform prints any more output.
    for (const secret of sensitiveValues(planned.plan)) core.setSecret(secret)
    for (const [k, v] of Object.entries(planOutputs(planned))) core.setOutput(k, v)
    core.info(`Plan hash ${planned.hash}`)

    const name = artifactName(key)
    storePlan(inputs['plan-dir'], key, { planFile: planned.planFile, json: planned.json }, { hash: planned.hash, key, sha: ctx.sha, run: ctx.runId })
    let uploaded = ''
    if (inputs['upload-artifact'] && artifactsAvailable()) {
      await core.group('Upload plan artifact', async () => {
        await (await import('@gpuship/terraform')).uploadPlanArtifact(name, [planned.planFile, planned.jsonFile], outDir)
        uploaded = name
      })
    } else core.info(`No artifact storage on this runner: the plan stays in ${inputs['plan-dir']}; terraform-apply trusts the hash in the PR comment.`)
    core.setOutput('artifact-name', uploaded)

    const full = renderPlan(planned.plan, { heading: planHeading({ label: key.label, workingDirectory: key.dir, workspace: key.workspace }), limit: SUMMARY_LIMIT, footer: `Plan hash \`${planned.hash}\`` })
    await core.summary.addRaw(full.markdown, true).write()

    if (gh && pr !== undefined && inputs.comment) {
      const target = { owner: ctx.owner, repo: ctx.repo, issue: pr }
      const body = planComment(planned, key, root.version, { runUrl: ctx.runUrl, sha: headSha(ctx.event) ?? ctx.sha, artifact: uploaded || undefined, planDir: uploaded ? undefined : inputs['plan-dir'] })
      const seen = await listComments(gh, target)
      const res = await upsertComment(gh, target, key, body, seen, inputs['comment-author'])
      core.setOutput('comment-url', res.url ?? '')
      core.info(`${res.created ? 'Created' : 'Updated'} plan comment ${res.url ?? res.id}`)
      if (inputs['add-labels']) {
        const want = !planned.summary.changes ? [PLAN_LABELS.noChanges] : isDestructive(planned.summary) ? [PLAN_LABELS.changes, PLAN_LABELS.destroy] : [PLAN_LABELS.changes]
        await setPlanLabels(gh, target, want)
      }
    } else if (pr === undefined) core.info('Not a pull request event: no plan comment.')
  } catch (err) {
    const reason = err instanceof TerraformError ? err.failureReason : isGpushipError(err) && err.input ? 'invalid-input' : 'terraform-failed'
    core.setOutput('failure-reason', reason)
    if (err instanceof TerraformError && err.lock) core.setOutput('lock-info', JSON.stringify(err.lock))
    if (gh && key && inputs?.comment && ctx.pullRequest !== undefined) {
      const body = failureComment(key, err, { runUrl: ctx.runUrl, sha: ctx.sha }, 'Terraform plan failed', 'plan-failed')
      await upsertComment(gh, { owner: ctx.owner, repo: ctx.repo, issue: ctx.pullRequest }, key, body, undefined, inputs['comment-author']).catch((e: unknown) => core.warning(`Could not post the failure comment: ${formatError(e)}`))
      if (inputs['add-labels']) await setPlanLabels(gh, { owner: ctx.owner, repo: ctx.repo, issue: ctx.pullRequest }, [PLAN_LABELS.failed]).catch(() => undefined)
    }
    failAction(core, err)
  }
}

function storeDir(inputs: Inputs, key: CommentKey): string {
  const dir = join(inputs['plan-dir'], keySlug(key))
  mkdirSync(dir, { recursive: true })
  return dir
}

function headSha(event: Record<string, unknown>): string | undefined {
  return (event.pull_request as { head?: { sha?: string } } | undefined)?.head?.sha
}
