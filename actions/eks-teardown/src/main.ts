import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { actionsLogger, failAction, GpushipError } from '@gpuship/core'
import { checkConfirmation, createAwsTeardownPort, createKubeTeardownPort, createTerraformTeardownPort, renderTeardownReport, teardown } from '@gpuship/teardown'
import { getInputs } from './inputs.js'

export async function run(): Promise<void> {
  try {
    const inputs = getInputs()
    // Refuse before anything is loaded or called.
    checkConfirmation(inputs['cluster-name'], inputs.confirm)
    const log = actionsLogger(core)
    const kubeconfig = inputs.kubeconfig && existsSync(inputs.kubeconfig) ? inputs.kubeconfig : undefined
    const report = await teardown({
      clusterName: inputs['cluster-name'],
      region: inputs['aws-region'],
      confirm: inputs.confirm,
      deleteImages: inputs['delete-images'],
      forgetUnreachable: inputs['forget-unreachable'],
      loadBalancerTimeoutMs: inputs['load-balancer-timeout'],
      nodeTimeoutMs: inputs['node-timeout'],
      aws: createAwsTeardownPort({ region: inputs['aws-region'] }),
      kube: kubeconfig ? await createKubeTeardownPort(kubeconfig) : undefined,
      terraform: createTerraformTeardownPort({
        workingDirectory: inputs['working-directory'],
        binary: inputs['terraform-binary'],
        backendConfig: inputs['backend-config'],
        varFiles: inputs['var-file'],
        lockTimeout: `${Math.round(inputs['lock-timeout'] / 1000)}s`,
        log
      }),
      log
    })
    core.setOutput('outcome', report.outcome)
    core.setOutput('leftovers', String(report.leftovers.length))
    core.setOutput('leftovers-json', JSON.stringify(report.leftovers))
    core.setOutput('deleted', JSON.stringify(report.deleted))
    core.setOutput('unreachable-addresses', JSON.stringify(report.recovery?.unreachable ?? []))
    await core.summary.addRaw(renderTeardownReport(report)).write()

    if (report.outcome === 'failed') throw new GpushipError(report.error ?? 'Teardown failed.')
    if (report.outcome === 'recovery-needed') {
      throw new GpushipError(`Cluster '${report.cluster}' no longer exists, but Terraform state still holds ${report.recovery?.unreachable.length} of its addresses; destroy was not run.`, {
        input: 'forget-unreachable',
        hint: 'Commit the removed blocks from the job summary (or run the terraform state rm command there), or rerun with forget-unreachable: true.'
      })
    }
    if (report.outcome === 'leftovers' && inputs['fail-on-leftovers']) {
      throw new GpushipError(`Teardown left ${report.leftovers.length} resource(s) tagged or named for the cluster: ${report.leftovers.map((o) => `${o.kind} ${o.id}`).join(', ')}.`, {
        input: 'fail-on-leftovers',
        hint: 'The job summary lists each with the command that deletes it.'
      })
    }
  } catch (err) {
    failAction(core, err)
  }
}
