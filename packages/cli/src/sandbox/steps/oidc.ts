/** Step 1: GitHub OIDC token -> STS AssumeRoleWithWebIdentity, as `aws-credentials` does on a runner. */
import type { SandboxStep } from '../step.js'
import type { OidcHandle, AwsHandle } from '../world/identity.js'
import { firstError, runRepoAction } from './run-action.js'

export const oidcStep: SandboxStep = {
  id: 'oidc',
  action: 'aws-credentials',
  title: 'GitHub OIDC to an AWS role',
  after: [],
  needs: ['oidc', 'aws'],
  async run(job) {
    const oidc = job.world.pieces.oidc.handle as OidcHandle
    const aws = job.world.pieces.aws.handle as AwsHandle
    const { names } = job.world
    const result = await runRepoAction(job, 'aws-credentials', {
      inputs: { 'role-to-assume': names.roleArn, 'aws-region': names.region, 'role-session-name': 'gpuship-sandbox' },
      env: { ...oidc.env, ...aws.env }
    })
    const o = result.outputs
    const note = result.exitCode === 0 ? `assumed ${o['assumed-role-arn'] ?? names.roleArn}${o.expiration ? ` until ${o.expiration}` : ''}` : `failed: ${firstError(result)}`
    return { result, note }
  }
}
