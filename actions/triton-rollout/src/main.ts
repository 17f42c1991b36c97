import * as core from '@actions/core'
import { actionsLogger, failAction, formatError } from '@gpuship/core'
import { createKubeClient, type TokenProvider } from '@gpuship/kube'
import { getInputs, type Inputs } from './inputs.js'
import { resolveImage } from './image-ref.js'
import { rolloutFlow } from './rollout-flow.js'
import { renderSummary } from './summary.js'

/** An in-process EKS token provider (refreshed before expiry) when cluster-name is given. */
async function eksTokens(i: Inputs): Promise<TokenProvider | undefined> {
  if (!i['cluster-name']) return undefined
  const region = i['aws-region'] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? ''
  const aws = await import('@gpuship/aws')
  const provider = aws.createEksTokenProvider({ clusterName: i['cluster-name'], region, credentials: () => aws.resolveCredentials(process.env, region) })
  return async () => {
    const t = await provider.getToken()
    core.setSecret(t)
    return t
  }
}

export async function run(): Promise<void> {
  const log = actionsLogger(core)
  try {
    const inputs = getInputs()
    core.debug(`inputs: ${JSON.stringify({ ...inputs, kubeconfig: inputs.kubeconfig ? '(path)' : undefined })}`)
    const { image, resolvedFrom } = await resolveImage(inputs.image)
    if (resolvedFrom) log.info(`resolved ${resolvedFrom} to ${image}`)
    const client = await createKubeClient({ kubeconfigPath: inputs.kubeconfig, tokenProvider: await eksTokens(inputs), log })
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com'
    const runUrl =
      process.env.GITHUB_REPOSITORY && process.env.GITHUB_RUN_ID
        ? `${server}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
        : undefined
    const { report, failure } = await rolloutFlow({ client, inputs, image, resolvedFrom, log, commit: process.env.GITHUB_SHA, runUrl }).finally(() =>
      client.close()
    )
    core.setOutput('revision', report.revision ?? '')
    core.setOutput('previous-revision', report.previousRevision ?? '')
    core.setOutput('rolled-back', String(report.outcome === 'rolled-back'))
    core.setOutput('ready-replicas', String(report.readyReplicas ?? 0))
    core.setOutput('image', image)
    try {
      await core.summary.addRaw(renderSummary(report)).write()
    } catch (e) {
      log.warning(`could not write the job summary: ${formatError(e)}`)
    }
    if (failure) failAction(core, failure)
  } catch (e) {
    failAction(core, e)
  }
}
