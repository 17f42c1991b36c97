import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { isGpushipError, actionsLogger, codeBlock, failAction, formatError, GpushipError, inlineCode } from '@gpuship/core'
import {
  applyCounts,
  artifactName,
  artifactsAvailable,
  assertSamePlan,
  createGitHubClient,
  findPullRequest,
  findReviewed,
  keySlug,
  openRoot,
  planComment,
  planHeading,
  planOutputs,
  planRoot,
  readRunContext,
  sensitiveValues,
  renderPlan,
  reviewedChangeMap,
  TerraformError,
  upsertComment,
  withMarkerStatus,
  withStatusSection,
  type PlanMarker,
  type SeenComment,
  rootOptions
} from '@gpuship/terraform'
import { getInputs } from './inputs.js'

export async function run(): Promise<void> {
  const log = actionsLogger(core)
  const ctx = readRunContext()
  // Set once the reviewed comment is known, so a failure can be reported on it.
  let report: ((section: string, status: PlanMarker['status']) => Promise<void>) | undefined
  try {
    const inputs = getInputs()
    const gh = inputs['github-token'] ? await createGitHubClient(inputs['github-token'], { log }) : undefined
    if (!gh && !inputs['auto-approve']) {
      throw new GpushipError('terraform-apply needs github-token to find the reviewed plan comment.', { input: 'github-token', hint: 'Pass github-token: ${{ github.token }} with permissions pull-requests: write, or set auto-approve: true to apply without review.' })
    }
    const root = await openRoot(rootOptions(inputs, log))
    const key = root.key
    core.setOutput('terraform-version', root.version)

    let reviewed: { comment: SeenComment; marker: PlanMarker } | undefined
    let pr: number | undefined
    if (gh) {
      try {
        const found = await findPullRequest(gh, ctx, inputs['pull-request'])
        pr = found.number
        core.setOutput('pull-request', String(pr))
        reviewed = await findReviewed(gh, { owner: ctx.owner, repo: ctx.repo, issue: pr }, key, inputs['comment-author'])
        core.setOutput('reviewed-hash', reviewed.marker.hash)
        core.info(`Reviewed plan on #${pr}: ${reviewed.marker.hash}`)
        if (found.headSha && reviewed.marker.sha && found.headSha !== reviewed.marker.sha && !inputs['auto-approve']) {
          throw new TerraformError(`The plan comment on #${pr} is for commit ${reviewed.marker.sha.slice(0, 12)}, but the pull request's head is ${found.headSha.slice(0, 12)}: the last push was never planned.`, { reason: 'plan-not-found', hint: 'Wait for terraform-plan on the latest push (or re-run it), review, then merge.' })
        }
        const r = reviewed
        report = async (section, status) => {
          if (!inputs.comment) return
          const body = withStatusSection(withMarkerStatus(r.comment.body, r.marker, status), section)
          const res = await upsertComment(gh, { owner: ctx.owner, repo: ctx.repo, issue: pr! }, key, body, [r.comment], inputs['comment-author'])
          core.setOutput('comment-url', res.url ?? '')
        }
      } catch (e) {
        if (!inputs['auto-approve']) throw e instanceof TerraformError || !(e instanceof GpushipError) ? e : new TerraformError(e.message, { reason: 'plan-not-found', hint: e.hint, input: e.input })
        core.warning(`auto-approve: true, applying without a reviewed plan (${formatError(e).split('\n')[0]}).`)
      }
    }

    const outDir = join(inputs['plan-dir'], `apply-${keySlug(key)}`)
    mkdirSync(outDir, { recursive: true })
    const planned = await planRoot(root, outDir, {}, { unlockStale: inputs['unlock-stale'], github: gh, repo: { owner: ctx.owner, repo: ctx.repo } })
    // show -json carries sensitive values in clear text: mask them before terraform prints any more output.
    for (const secret of sensitiveValues(planned.plan)) core.setSecret(secret)
    for (const [k, v] of Object.entries(planOutputs(planned))) core.setOutput(k, v)

    if (reviewed && !inputs['auto-approve']) {
      const downloaded = reviewed.marker.changes ? undefined : await downloadReviewed(inputs['github-token'], ctx.owner, ctx.repo, key, reviewed.marker).catch(() => undefined)
      try {
        assertSamePlan(reviewed.marker, planned, reviewedChangeMap(reviewed.marker, inputs['plan-dir'], key, downloaded), pr!)
      } catch (e) {
        if (e instanceof TerraformError && e.detail) core.setOutput('plan-diff', e.detail.join('\n'))
        throw e
      }
      core.info(`The fresh plan matches the reviewed one (${planned.hash}).`)
    }

    if (!planned.changes) {
      core.setOutput('applied', 'false')
      core.info('No changes to apply.')
      await core.summary.addRaw(`${planHeading({ label: key.label, workingDirectory: key.dir, workspace: key.workspace }, 'Terraform apply')}\n\nNo changes to apply.\n`).write()
      if (report) await report(`ℹ️ **Nothing to apply** ([run](${encodeURI(ctx.runUrl)})): the plan has no changes.`, 'applied')
      return
    }

    const res = await core.group('terraform apply', () => root.runner.apply(planned.planFile, { lockTimeout: `${Math.round(inputs['lock-timeout'] / 1000)}s`, parallelism: inputs.parallelism }))
    core.setOutput('applied', 'true')
    const counts = applyCounts(res.stdout)
    const line = counts ? `${counts.added} added, ${counts.changed} changed, ${counts.destroyed} destroyed` : 'see the log'
    const banner = `✅ **Applied** in [run ${inlineCode(ctx.runId)}](${encodeURI(ctx.runUrl)}): ${line}.`
    const full = renderPlan(planned.plan, { heading: `${planHeading({ label: key.label, workingDirectory: key.dir, workspace: key.workspace }, 'Terraform apply')}\n\n${banner}`, limit: 1_000_000, footer: `Plan hash \`${planned.hash}\`` })
    await core.summary.addRaw(full.markdown, true).write()
    if (gh && pr !== undefined && inputs.comment) {
      const body = planComment(planned, key, root.version, { runUrl: ctx.runUrl, sha: reviewed?.marker.sha ?? ctx.sha, planDir: inputs['plan-dir'] }, 'applied', banner)
      const up = await upsertComment(gh, { owner: ctx.owner, repo: ctx.repo, issue: pr }, key, body, reviewed ? [reviewed.comment] : undefined, inputs['comment-author'])
      core.setOutput('comment-url', up.url ?? '')
    }
  } catch (err) {
    const reason = err instanceof TerraformError ? err.failureReason : isGpushipError(err) && err.input ? 'invalid-input' : 'apply-failed'
    core.setOutput('failure-reason', reason)
    core.setOutput('applied', 'false')
    if (err instanceof TerraformError && err.lock) core.setOutput('lock-info', JSON.stringify(err.lock))
    if (report) {
      const title = reason === 'plan-changed' ? '⛔ **Apply refused**: the plan changed since this review.' : `❌ **Apply failed** (${inlineCode(reason)}).`
      const detail = err instanceof TerraformError && err.detail ? err.detail.join('\n') : formatError(err)
      await report(`${title} [Run ${inlineCode(ctx.runId)}](${encodeURI(ctx.runUrl)})\n\n${codeBlock(detail.slice(0, 20_000))}`, reason === 'plan-changed' ? 'refused' : 'apply-failed').catch((e: unknown) => core.warning(`Could not update the plan comment: ${formatError(e)}`))
    }
    failAction(core, err)
  }
}

/** The reviewed plan JSON from the plan run's artifact, when the runner has artifact storage. */
async function downloadReviewed(token: string, owner: string, repo: string, key: Parameters<typeof artifactName>[0], marker: PlanMarker): Promise<string | undefined> {
  if (!artifactsAvailable() || !marker.run || !/^\d+$/.test(marker.run)) return undefined
  const { downloadPlanArtifact } = await import('@gpuship/terraform')
  const dest = mkdtempSync(join(process.env.RUNNER_TEMP ?? '/tmp', 'reviewed-'))
  const dir = await downloadPlanArtifact(artifactName(key), { runId: Number(marker.run), token, owner, repo, path: dest })
  const file = readdirSync(dir).find((f) => f === 'plan.json')
  return file ? readFileSync(join(dir, file), 'utf8') : undefined
}
