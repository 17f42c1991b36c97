import * as core from '@actions/core'
import { actionsLogger, createMasker, type Masker } from '@gpuship/core'
import { buildAndPushImage, createToolRunner, selectBuilder, type BuildPushResult, type CacheSpec } from '@gpuship/images'
import type { Inputs } from './inputs.js'
import { renderSummary, reportFailure } from './summary.js'

export async function run(inputs: Inputs): Promise<void> {
  const masker: Masker = createMasker((v) => core.setSecret(v))
  const log = actionsLogger(core)
  try {
    for (const [k, v] of Object.entries(inputs)) if (k !== 'build-args') core.debug(`${k}: ${JSON.stringify(v)}`)
    const i = inputs
    const run = createToolRunner(log, masker)
    const cache: CacheSpec = i.cache === 'gha' ? { type: 'gha', scope: i.repository } : i.cache === 'registry' ? { type: 'registry' } : { type: 'none' }
    const result: BuildPushResult = await buildAndPushImage({
      repository: i.repository,
      context: i.context,
      dockerfile: i.dockerfile,
      modelRepository: i['model-repository'],
      tags: i.tags,
      buildArgs: i['build-args'],
      platforms: i.platforms,
      createRepository: i['create-repository'],
      imageTagMutability: i['image-tag-mutability'],
      skipIfExists: i['skip-if-exists'],
      force: i.force,
      scanSeverityThreshold: i['scan-severity-threshold'],
      scanWaitMs: i['scan-timeout'],
      region: i['aws-region'],
      endpoint: i['ecr-endpoint'],
      logger: log,
      masker,
      labels: labelsFromEnv(),
      builder: async () => {
        const b = await selectBuilder({ choice: i.builder, run, log, tempDir: process.env.RUNNER_TEMP || undefined })
        if (b.kind === 'buildah' && i.cache === 'gha') core.warning('cache: gha needs docker buildx; buildah builds without a cache.')
        return b
      },
      cache
    })
    core.setOutput('image', result.image)
    core.setOutput('digest', result.digest)
    core.setOutput('tags', result.tags.join(','))
    core.setOutput('registry', result.registry)
    core.setOutput('skipped', String(result.skipped))
    core.info(`${result.skipped ? 'Reused' : 'Pushed'} ${result.image}`)
    await core.summary.addRaw(renderSummary(result), true).write()
  } catch (err) {
    await reportFailure(core, err, inputs, masker)
  }
}

function labelsFromEnv(): Record<string, string> {
  const e = process.env
  const out: Record<string, string> = {}
  if (e.GITHUB_SHA) out['org.opencontainers.image.revision'] = e.GITHUB_SHA
  if (e.GITHUB_SERVER_URL && e.GITHUB_REPOSITORY) out['org.opencontainers.image.source'] = `${e.GITHUB_SERVER_URL}/${e.GITHUB_REPOSITORY}`
  return out
}
