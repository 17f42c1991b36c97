import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '@gpuship/core'
import type { Builder, BuildRequest, RegistryLogin } from './builder.js'
import { mustSucceed, type ToolRunner } from './tool-runner.js'

/**
 * buildah: daemonless, so it runs where docker does not (self-hosted runners, containers). The
 * login goes to an auth file in a private temp folder (never ~/.docker), the password on stdin.
 * Storage can be pinned (`--root`/`--runroot`, vfs driver) so a job leaves nothing behind.
 */
export interface BuildahOptions {
  run: ToolRunner
  log: Logger
  /** Global storage flags; default: buildah's own configuration. */
  storage?: { root?: string; runroot?: string; driver?: string }
  /** --isolation for RUN steps; chroot works unprivileged and in containers. */
  isolation?: 'chroot' | 'oci' | 'rootless'
  /** Temp folder for the auth file and digest files. */
  tempDir?: string
}

export function createBuildahBuilder(o: BuildahOptions): Builder {
  const dir = mkdtempSync(join(o.tempDir ?? tmpdir(), 'gpuship-buildah-'))
  const authfile = join(dir, 'auth.json')
  let tls = true
  const global = [
    ...(o.storage?.root ? ['--root', o.storage.root] : []),
    ...(o.storage?.runroot ? ['--runroot', o.storage.runroot] : []),
    ...(o.storage?.driver ? ['--storage-driver', o.storage.driver] : [])
  ]
  const env = { ...process.env, REGISTRY_AUTH_FILE: authfile }
  const tlsFlag = () => `--tls-verify=${tls}`

  return {
    kind: 'buildah',
    async login(login: RegistryLogin) {
      tls = login.tls
      await mustSucceed(
        o.run,
        `buildah login to ${login.registry}`,
        'buildah',
        [...global, 'login', '--authfile', authfile, tlsFlag(), '--username', login.username, '--password-stdin', login.registry],
        { stdin: `${login.password}\n`, env },
        'The registry refused the ECR token: check the role may call ecr:GetAuthorizationToken and push to the repository.'
      )
    },
    async buildAndPush(req: BuildRequest) {
      const local = `localhost/gpuship-build-${Date.now().toString(36)}`
      const multi = req.platforms.length > 1
      const args = [...global, 'build', '--isolation', o.isolation ?? 'chroot', '-f', req.dockerfile, ...(multi ? ['--manifest', local] : ['-t', local])]
      if (req.platforms.length) args.push('--platform', req.platforms.join(','))
      for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`)
      for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`)
      if (req.cache.type === 'registry' && req.cache.ref) {
        const repo = req.cache.ref.replace(/:[^/:]+$/, '')
        args.push('--layers', '--cache-from', repo, '--cache-to', repo)
      }
      args.push(req.context)
      o.log.info(`buildah ${args.join(' ')}`)
      await mustSucceed(o.run, 'buildah build', 'buildah', args, { env }, 'Read the build log above; the Dockerfile step that failed is the last one printed.')
      let digest: string | undefined
      try {
        for (const [i, tag] of req.tags.entries()) {
          const digestfile = join(dir, `digest-${i}`)
          const push = multi
            ? [...global, 'manifest', 'push', '--all', '--authfile', authfile, tlsFlag(), '--digestfile', digestfile, local, `docker://${tag}`]
            : [...global, 'push', '--authfile', authfile, tlsFlag(), '--digestfile', digestfile, local, `docker://${tag}`]
          await mustSucceed(
            o.run,
            `buildah push ${tag}`,
            'buildah',
            push,
            { env },
            'Check the repository exists and the role may call ecr:PutImage, ecr:InitiateLayerUpload, ecr:UploadLayerPart and ecr:CompleteLayerUpload.'
          )
          if (i === 0 && existsSync(digestfile)) digest = readFileSync(digestfile, 'utf8').trim()
        }
      } finally {
        await o.run('buildah', [...global, multi ? 'manifest' : 'rmi', ...(multi ? ['rm'] : []), local], { env, quiet: true })
      }
      return { digest }
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
