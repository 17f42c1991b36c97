import * as core from '@actions/core'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { actionsLogger, failAction, group, inlineCode, table } from '@gpuship/core'
import { canonicalPrincipalArn, createEksToken, describeCluster, getCallerIdentity, resolveCredentials, verifyClusterAccess, writeKubeconfig, type AccessResult } from '@gpuship/aws'
import type { Inputs } from './inputs.js'

/** The bundled exec plugin sits beside this bundle: dist/token/index.js. */
function tokenEntry(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'token', 'index.js')
}

export async function run(inputs: Inputs): Promise<void> {
  try {
    for (const [k, v] of Object.entries(inputs)) core.debug(`${k}: ${JSON.stringify(v)}`)
    const log = actionsLogger(core)
    const name = inputs['cluster-name']
    const region = inputs['aws-region']
    // A session re-assumed here (the old one was about to expire) is new: mask it before anything runs.
    const credentials = await resolveCredentials(process.env, region, new Date(), (v) => core.setSecret(v))
    const cluster = await group(log, `Describe EKS cluster ${name}`, () => describeCluster({ clusterName: name, region, credentials }))
    core.info(`${cluster.arn}: ${cluster.status}, Kubernetes ${cluster.version}, ${cluster.endpoint}`)
    const context = inputs.alias ?? cluster.arn
    const path = await writeKubeconfig(inputs['kubeconfig-path'], {
      name: context,
      server: cluster.endpoint,
      certificateAuthorityData: cluster.certificateAuthorityData,
      namespace: inputs.namespace,
      exec: { command: process.execPath, args: [tokenEntry(), '--cluster-name', name, '--region', region] }
    })
    core.exportVariable('KUBECONFIG', path)
    core.info(`Wrote ${path} (context ${context}); KUBECONFIG is set for later steps.`)
    let access: AccessResult | undefined
    if (inputs['verify-access']) {
      access = await group(log, 'Verify access to the cluster', async () => {
        const { token } = await createEksToken({ clusterName: name, region, credentials })
        core.setSecret(token)
        // The access entry EKS looks for is the role's ARN, not the session's: ask STS who we are.
        const caller = await getCallerIdentity({ region, credentials }).catch(() => undefined)
        const principalArn = caller ? canonicalPrincipalArn(caller.arn) : process.env.AWS_ROLE_ARN || undefined
        if (principalArn) core.info(`Principal: ${principalArn}`)
        return verifyClusterAccess({ server: cluster.endpoint, certificateAuthorityData: cluster.certificateAuthorityData, token, clusterName: name, region, principalArn })
      })
      core.info(`Authenticated as ${access.username} (groups: ${access.groups.join(', ') || 'none'}); server ${access.gitVersion}`)
    }
    core.setOutput('kubeconfig-path', path)
    core.setOutput('context', context)
    core.setOutput('cluster-endpoint', cluster.endpoint)
    core.setOutput('cluster-arn', cluster.arn)
    core.setOutput('cluster-version', cluster.version)
    core.setOutput('cluster-role-arn', cluster.roleArn)
    core.setOutput('certificate-authority-data', cluster.certificateAuthorityData)
    core.setOutput('username', access?.username ?? '')
    const rows = [
      ['Cluster', inlineCode(cluster.arn)],
      ['Status', `${cluster.status}, Kubernetes ${inlineCode(cluster.version)}`],
      ['Endpoint', inlineCode(cluster.endpoint)],
      ['Context', inlineCode(context)],
      ['Kubeconfig', inlineCode(path)],
      ['Access', access ? `${inlineCode(access.username)} in ${access.groups.map(inlineCode).join(', ') || 'no groups'}` : 'not verified']
    ]
    await core.summary.addRaw(`### EKS kubeconfig\n\n${table(['', ''], rows, { raw: true })}\n`).write()
  } catch (err) {
    failAction(core, err)
  }
}
