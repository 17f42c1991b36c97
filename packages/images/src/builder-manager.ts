import { GpushipError, type Logger } from '@gpuship/core'
import type { Builder, BuilderChoice } from './builder.js'
import { createBuildahBuilder, type BuildahOptions } from './buildah-builder.js'
import { createDockerBuilder } from './docker-builder.js'
import type { ToolRunner } from './tool-runner.js'

/**
 * Picks the builder: `docker` (buildx, what GitHub-hosted runners have), `buildah`, or `auto`,
 * which prefers a working `docker buildx` and falls back to buildah, so the same workflow runs
 * on hosted runners and in containers without a daemon.
 */

export interface BuilderManagerOptions {
  choice: BuilderChoice
  run: ToolRunner
  log: Logger
  buildah?: Omit<BuildahOptions, 'run' | 'log'>
  tempDir?: string
}

async function works(run: ToolRunner, file: string, args: string[]): Promise<boolean> {
  try {
    return (await run(file, args, { quiet: true })).code === 0
  } catch {
    return false
  }
}

export async function selectBuilder(o: BuilderManagerOptions): Promise<Builder> {
  let kind: 'docker' | 'buildah'
  if (o.choice === 'auto') {
    if (await works(o.run, 'docker', ['buildx', 'version'])) kind = 'docker'
    else if (await works(o.run, 'buildah', ['--version'])) kind = 'buildah'
    else {
      throw new GpushipError('No image builder found: neither `docker buildx` nor `buildah` runs on this runner.', {
        input: 'builder',
        hint: 'Use a GitHub-hosted ubuntu runner (docker buildx is preinstalled), or install buildah (sudo apt-get install -y buildah) and set builder: buildah.'
      })
    }
    o.log.info(`builder: auto chose ${kind}`)
  } else kind = o.choice
  return kind === 'docker'
    ? createDockerBuilder({ run: o.run, log: o.log, tempDir: o.tempDir })
    : createBuildahBuilder({ run: o.run, log: o.log, tempDir: o.tempDir, ...o.buildah })
}
