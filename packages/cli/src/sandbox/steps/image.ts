/** Step 4: `ecr-build-push`: validate the model repository, build, push to "ECR", resolve the digest. */
import type { SandboxStep } from '../step.js'
import type { AwsHandle } from '../world/identity.js'
import type { RegistryHandle } from '../world/registry.js'
import { join } from 'node:path'
import type { ActionResult } from '@gpuship/testkit'
import type { JobState, StepRun } from '../step.js'
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
    if (reg.path === 'in-process') return inProcessImage(job, aws, reg)
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

/**
 * No image builder on this machine (ecr-build-push needs buildah or docker), so the action is not
 * run and the terminal says so. The same image content, the build context's model repository, is
 * written in-process by testkit's OCI writer and pushed over the registry protocol into the
 * repository the simulated ECR serves, so the rollout deploys a real digest.
 */
async function inProcessImage(job: JobState, aws: AwsHandle, reg: RegistryHandle): Promise<StepRun> {
  const tk = await import('@gpuship/testkit')
  const repo = job.world.names.ecrRepository
  const started = Date.now()
  await tk.ecrService(aws.sim, job.world.names.account, job.world.names.region).handle('CreateRepository', { repositoryName: repo, imageTagMutability: 'MUTABLE' })
  const files = tk.filesFromDirectory(join(job.workspace, 'model-server', 'models'), 'models')
  const image = tk.writeOciImage(files, { labels: { 'org.opencontainers.image.title': 'gpuship-sandbox' } })
  const tag = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
  const digest: string = await tk.pushOciImage(reg.registry.url, repo, tag, image, { username: reg.registry.username, password: reg.registry.password })
  const ref = `${reg.registry.host}/${repo}@${digest}`
  const summary = ['### Image (in-process)', '', 'ecr-build-push was not run: no image builder (buildah or docker) on this machine.', '', `The model repository was written as an OCI image in-process and pushed over the registry protocol: \`${ref}\``, ''].join('\n')
  const result: ActionResult = {
    exitCode: 0, stdout: '', stderr: '', outputs: { image: ref, digest, tags: tag, registry: reg.registry.host, skipped: 'false' }, env: {}, state: {}, path: [],
    summary, commands: [], masks: [], errors: [], warnings: [], leaks: [], durationMs: Date.now() - started, runnerTemp: ''
  }
  return { result, note: `ecr-build-push not run (no buildah/docker): ${ref} written in-process and pushed over the registry protocol` }
}
