import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '@gpuship/core'
import type { Builder, BuildRequest, CacheSpec, RegistryLogin } from './builder.js'
import { mustSucceed, type ToolRunner } from './tool-runner.js'

/**
 * docker buildx on GitHub-hosted runners: one `buildx build --push` builds every platform and
 * pushes every tag, and its metadata file names the pushed digest. DOCKER_CONFIG points at a
 * private temp folder so the ECR login never lands in the runner's ~/.docker/config.json.
 */
export interface DockerOptions {
  run: ToolRunner
  log: Logger
  tempDir?: string
}

export function cacheArgs(cache: CacheSpec): string[] {
  switch (cache.type) {
    case 'gha':
      return [
        '--cache-from',
        `type=gha${cache.scope ? `,scope=${cache.scope}` : ''}`,
        '--cache-to',
        `type=gha,mode=max${cache.scope ? `,scope=${cache.scope}` : ''}`
      ]
    case 'registry':
      return cache.ref
        ? ['--cache-from', `type=registry,ref=${cache.ref}`, '--cache-to', `type=registry,ref=${cache.ref},mode=max,image-manifest=true,oci-mediatypes=true`]
        : []
    default:
      return []
  }
}

export function createDockerBuilder(o: DockerOptions): Builder {
  const dir = mkdtempSync(join(o.tempDir ?? tmpdir(), 'gpuship-docker-'))
  const env = { ...process.env, DOCKER_CONFIG: dir }
  return {
    kind: 'docker',
    async login(login: RegistryLogin) {
      await mustSucceed(
        o.run,
        `docker login to ${login.registry}`,
        'docker',
        ['login', '--username', login.username, '--password-stdin', login.registry],
        { stdin: `${login.password}\n`, env },
        'The registry refused the ECR token: check the role may call ecr:GetAuthorizationToken and push to the repository.'
      )
    },
    async buildAndPush(req: BuildRequest) {
      const metadata = join(dir, 'metadata.json')
      const args = ['buildx', 'build', '--push', '--provenance=false', '--metadata-file', metadata, '-f', req.dockerfile]
      for (const t of req.tags) args.push('-t', t)
      if (req.platforms.length) args.push('--platform', req.platforms.join(','))
      for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`)
      for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`)
      args.push(...cacheArgs(req.cache), req.context)
      o.log.info(`docker ${args.join(' ')}`)
      await mustSucceed(
        o.run,
        'docker buildx build',
        'docker',
        args,
        { env },
        'Read the build log above; for cache: gha, the step needs the ACTIONS_CACHE_URL and ACTIONS_RUNTIME_TOKEN the runner provides (docker/setup-buildx-action sets up the builder).'
      )
      const meta = existsSync(metadata) ? (JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, unknown>) : {}
      const digest = meta['containerimage.digest']
      return { digest: typeof digest === 'string' ? digest : undefined }
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
