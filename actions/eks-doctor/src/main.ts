import * as core from '@actions/core'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { actionsLogger, failAction, group } from '@gpuship/core'
import { createKubeHttpReader, createSdkAwsReader, diagnose, renderJson, renderSummary, shouldFail, type Report } from '@gpuship/doctor'
import { getInputs } from './inputs.js'

/** Runbook links point at the gpuship repository and ref the step runs from (uses: OWNER/REPO/actions/eks-doctor@REF). */
function runbookBase(env: NodeJS.ProcessEnv): string | undefined {
  const repo = env.GITHUB_ACTION_REPOSITORY
  const ref = env.GITHUB_ACTION_REF
  if (!repo || !ref) return undefined
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repo}/blob/${ref}/docs/runbooks`
}

function annotate(report: Report): void {
  for (const f of report.findings) {
    // @actions/core escapes %, CR and LF in annotation data, so untrusted names cannot start a command.
    const text = `${f.rule}: ${f.message} Fix: ${f.fix.text}`
    if (f.severity === 'error') core.error(text, { title: `EKS doctor: ${f.resource}` })
    else if (f.severity === 'warning') core.warning(text, { title: `EKS doctor: ${f.resource}` })
    else core.notice(text, { title: `EKS doctor: ${f.resource}` })
  }
}

export async function run(): Promise<void> {
  try {
    const inputs = getInputs()
    for (const [k, v] of Object.entries(inputs)) core.debug(`${k}: ${JSON.stringify(v)}`)
    const log = actionsLogger(core)
    const kube = createKubeHttpReader({ kubeconfig: inputs.kubeconfig ? readFileSync(inputs.kubeconfig, 'utf8') : undefined })
    let report: Report
    try {
      report = (
        await group(log, `Read ${inputs['cluster-name']} (AWS and Kubernetes, read-only)`, () =>
          diagnose({ clusterName: inputs['cluster-name'], namespaces: inputs.namespaces, aws: createSdkAwsReader({ region: inputs['aws-region'] }), kube, log })
        )
      ).report
    } finally {
      kube.close()
    }
    const { error, warning, info } = report.counts
    core.info(`${report.findings.length} finding(s): ${error} error(s), ${warning} warning(s), ${info} info; ${report.calls.length} distinct read calls.`)
    for (const r of report.readErrors) core.warning(`Could not read ${r.call}: ${r.error}`)
    annotate(report)
    mkdirSync(dirname(inputs['json-path']), { recursive: true })
    writeFileSync(inputs['json-path'], renderJson(report))
    core.setOutput('findings-count', String(report.findings.length))
    core.setOutput('errors', String(error))
    core.setOutput('warnings', String(warning))
    core.setOutput(
      'json',
      JSON.stringify(report.findings.map((f) => ({ rule: f.rule, severity: f.severity, resource: f.resource, message: f.message, runbook: f.runbook })))
    )
    core.setOutput('json-path', inputs['json-path'])
    await core.summary.addRaw(renderSummary(report, { runbookBase: runbookBase(process.env) })).write()
    if (shouldFail(report, inputs['fail-on'])) {
      core.setFailed(
        `EKS doctor found ${error} error(s) and ${warning} warning(s) in ${report.cluster} (fail-on: ${inputs['fail-on']}). The job summary lists each with its evidence and fix.`
      )
    }
  } catch (err) {
    failAction(core, err)
  }
}
