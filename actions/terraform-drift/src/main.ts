import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { isGpushipError, actionsLogger, failAction, GpushipError } from '@gpuship/core'
import { createGitHubClient, keySlug, openRoot, planHeading, planRoot, readRunContext, renderPlan, sensitiveValues, syncDriftIssue, TerraformError, rootOptions } from '@gpuship/terraform'
import { getInputs } from './inputs.js'

export async function run(): Promise<void> {
  const log = actionsLogger(core)
  const ctx = readRunContext()
  try {
    const inputs = getInputs()
    if (inputs.issue && !inputs['github-token']) {
      throw new GpushipError('terraform-drift needs github-token to keep the drift issue.', { input: 'github-token', hint: 'Pass github-token: ${{ github.token }} with permissions issues: write, or set issue: false.' })
    }
    const gh = inputs['github-token'] ? await createGitHubClient(inputs['github-token'], { log }) : undefined
    const root = await openRoot(rootOptions(inputs, log))
    const key = root.key
    const outDir = join(inputs['plan-dir'], `drift-${keySlug(key)}`)
    mkdirSync(outDir, { recursive: true })
    const planned = await planRoot(root, outDir, { refreshOnly: true }, { unlockStale: inputs['unlock-stale'], github: gh, repo: { owner: ctx.owner, repo: ctx.repo } })
    // show -json carries sensitive values in clear text: mask them before terraform prints any more output.
    for (const secret of sensitiveValues(planned.plan)) core.setSecret(secret)
    // -detailed-exitcode of a refresh-only plan: 2 when the state would change, i.e. drift.
    const drifted = planned.summary.addresses.drift
    const isDrift = planned.changes && drifted.length > 0
    core.setOutput('drift', String(isDrift))
    core.setOutput('drift-count', String(drifted.length))
    core.setOutput('drifted', drifted.join('\n'))
    core.setOutput('json-path', planned.jsonFile)

    const name = key.label || key.dir
    const heading = planHeading({ label: key.label, workingDirectory: key.dir, workspace: key.workspace }, 'Terraform drift')
    const intro = isDrift ? `**${drifted.length} resource${drifted.length === 1 ? '' : 's'} changed outside Terraform**, found by a refresh-only plan in [run ${ctx.runId}](${encodeURI(ctx.runUrl)}). Apply the configuration to undo it, or change the code to accept it.` : 'No drift: the real infrastructure matches the state.'
    const rendered = renderPlan(planned.plan, { heading: `${heading}\n\n${intro}`, limit: 60_000, restLocation: `The full list is in the [job summary](${encodeURI(ctx.runUrl)}).` })
    await core.summary.addRaw(renderPlan(planned.plan, { heading: `${heading}\n\n${intro}`, limit: 1_000_000 }).markdown, true).write()
    core.info(isDrift ? `Drift in ${drifted.length} resource(s).` : 'No drift.')

    if (gh && inputs.issue) {
      const res = await syncDriftIssue(gh, { owner: ctx.owner, repo: ctx.repo }, key, { drifted: isDrift, title: `Terraform drift: ${name}${key.workspace !== 'default' ? ` (${key.workspace})` : ''}`, body: rendered.markdown, runUrl: ctx.runUrl })
      core.setOutput('issue-action', res.action)
      core.setOutput('issue-number', res.issue ? String(res.issue) : '')
      core.setOutput('issue-url', res.url ?? '')
      if (res.action !== 'none') core.info(`Drift issue #${res.issue} ${res.action}.`)
    }
  } catch (err) {
    core.setOutput('failure-reason', err instanceof TerraformError ? err.failureReason : isGpushipError(err) && err.input ? 'invalid-input' : 'plan-failed')
    if (err instanceof TerraformError && err.lock) core.setOutput('lock-info', JSON.stringify(err.lock))
    failAction(core, err)
  }
}
