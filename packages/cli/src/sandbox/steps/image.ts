/** Step 4: `ecr-build-push`: validate the model repository, build, push to "ECR", resolve the digest. */
import type { SandboxStep } from '../step.js'
import type { AwsHandle } from '../world/identity.js'
import type { RegistryHandle } from '../world/registry.js'
import { declaredInputs, firstError, runRepoAction } from './run-action.js'

export const imageStep: SandboxStep = {
  id: 'image',
  action: 'ecr-build-push',
  title: 'build and push the Triton image by digest',
  after: ['oidc'],
  needs: ['aws', 'registry'],
  async run(job) {
    const aws = job.world.pieces.aws.handle as AwsHandle
    const reg = job.world.pieces.registry.handle as RegistryHandle
    const inputs: Record<string, string> = { repository: job.world.names.ecrRepository, context: 'model-server', 'create-repository': 'true' }
    const declared = declaredInputs(job, 'ecr-build-push')
    if (declared.includes('builder')) inputs.builder = reg.path === 'real' ? 'buildah' : 'oci-layout'
    const result = await runRepoAction(job, 'ecr-build-push', { inputs, env: { ...aws.env, ...reg.env } })
    const o = result.outputs
    const how = reg.path === 'real' ? 'buildah -> docker-registry' : 'in-process OCI writer -> registry protocol'
    const note = result.exitCode === 0 ? `${o.image ?? o.digest ?? 'pushed'} (${how})` : `failed: ${firstError(result)}`
    return { result, note }
  }
}
