import { describe, test, expect } from '@jest/globals'
import { silentLogger } from '@gpuship/core'
import { cacheArgs, createBuildahBuilder, createDockerBuilder, parseBuildArgs, selectBuilder, type BuildRequest, type ToolRunner } from '../src/index.js'

type Call = { file: string; args: string[]; stdin?: string; env?: NodeJS.ProcessEnv }
function recorder(fail: (c: Call) => boolean = () => false): { run: ToolRunner; calls: Call[] } {
  const calls: Call[] = []
  const run: ToolRunner = async (file, args, opts = {}) => {
    const c = { file, args, stdin: opts.stdin, env: opts.env }
    calls.push(c)
    return { code: fail(c) ? 1 : 0, stdout: '', stderr: fail(c) ? 'boom' : '' }
  }
  return { run, calls }
}

const req: BuildRequest = {
  context: '/ctx',
  dockerfile: '/ctx/Dockerfile',
  tags: ['reg:5000/triton:abc', 'reg:5000/triton:latest'],
  buildArgs: { TRITON_VERSION: '24.08' },
  platforms: ['linux/amd64'],
  cache: { type: 'none' },
  labels: { 'org.opencontainers.image.revision': 'abc' }
}
const login = { registry: 'reg:5000', username: 'AWS', password: 's3cret-password', tls: false }

describe('buildah builder', () => {
  test('the password goes on stdin, never in argv; the auth file is private; storage flags are global', async () => {
    const { run, calls } = recorder()
    const b = createBuildahBuilder({ run, log: silentLogger, storage: { root: '/r', runroot: '/rr', driver: 'vfs' } })
    await b.login(login)
    await b.buildAndPush(req)
    await b.cleanup()
    for (const c of calls) expect(c.args.join(' ')).not.toContain(login.password)
    expect(calls[0].stdin).toBe(`${login.password}\n`)
    expect(calls[0].args).toEqual(expect.arrayContaining(['--password-stdin', '--tls-verify=false', 'reg:5000']))
    expect(calls[0].args.slice(0, 7)).toEqual(['--root', '/r', '--runroot', '/rr', '--storage-driver', 'vfs', 'login'])
    expect(calls[0].env?.REGISTRY_AUTH_FILE).toMatch(/gpuship-buildah-.*auth\.json$/)
    const build = calls[1].args
    expect(build).toEqual(
      expect.arrayContaining([
        'build',
        '--isolation',
        'chroot',
        '--platform',
        'linux/amd64',
        '--build-arg',
        'TRITON_VERSION=24.08',
        '--label',
        'org.opencontainers.image.revision=abc'
      ])
    )
    expect(build[build.length - 1]).toBe('/ctx')
    const pushes = calls.filter((c) => c.args.includes('push'))
    expect(pushes.map((c) => c.args[c.args.length - 1])).toEqual(['docker://reg:5000/triton:abc', 'docker://reg:5000/triton:latest'])
  })

  test('several platforms build a manifest list and push it with --all', async () => {
    const { run, calls } = recorder()
    const b = createBuildahBuilder({ run, log: silentLogger })
    await b.buildAndPush({ ...req, platforms: ['linux/amd64', 'linux/arm64'], tags: ['reg/t:1'] })
    await b.cleanup()
    expect(calls[0].args).toEqual(expect.arrayContaining(['--manifest', '--platform', 'linux/amd64,linux/arm64']))
    expect(calls[1].args.slice(0, 3)).toEqual(['manifest', 'push', '--all'])
  })

  test('a failed build names the tool and shows its output', async () => {
    const { run } = recorder((c) => c.args.includes('build'))
    const b = createBuildahBuilder({ run, log: silentLogger })
    await expect(b.buildAndPush(req)).rejects.toThrow(/buildah build failed \(buildah exited with 1\):\nboom/)
    await b.cleanup()
  })
})

describe('docker builder', () => {
  test('buildx build --push with every tag, platforms, cache and a private DOCKER_CONFIG', async () => {
    const { run, calls } = recorder()
    const b = createDockerBuilder({ run, log: silentLogger })
    await b.login({ ...login, tls: true })
    await b.buildAndPush({ ...req, platforms: ['linux/amd64', 'linux/arm64'], cache: { type: 'gha', scope: 'triton' } })
    expect(calls[0]).toMatchObject({ file: 'docker', args: ['login', '--username', 'AWS', '--password-stdin', 'reg:5000'], stdin: `${login.password}\n` })
    expect(calls[0].env?.DOCKER_CONFIG).toMatch(/gpuship-docker-/)
    const a = calls[1].args
    expect(a.slice(0, 3)).toEqual(['buildx', 'build', '--push'])
    expect(a).toEqual(
      expect.arrayContaining([
        '-t',
        'reg:5000/triton:abc',
        'reg:5000/triton:latest',
        '--platform',
        'linux/amd64,linux/arm64',
        '--cache-from',
        'type=gha,scope=triton',
        '--cache-to',
        'type=gha,mode=max,scope=triton'
      ])
    )
    for (const c of calls) expect(c.args.join(' ')).not.toContain(login.password)
    await b.cleanup()
  })

  test.each([
    [{ type: 'none' } as const, []],
    [
      { type: 'registry', ref: 'r/t:buildcache' } as const,
      ['--cache-from', 'type=registry,ref=r/t:buildcache', '--cache-to', 'type=registry,ref=r/t:buildcache,mode=max,image-manifest=true,oci-mediatypes=true']
    ]
  ])('cache %j', (cache, args) => {
    expect(cacheArgs(cache)).toEqual(args)
  })
})

describe('selectBuilder and build args', () => {
  test('auto prefers a working docker buildx, else buildah, else explains', async () => {
    const kind = async (run: ToolRunner, choice: 'auto' | 'buildah' = 'auto') => {
      const b = await selectBuilder({ choice, run, log: silentLogger })
      await b.cleanup()
      return b.kind
    }
    expect(await kind(recorder().run)).toBe('docker')
    expect(await kind(recorder((c) => c.file === 'docker').run)).toBe('buildah')
    await expect(selectBuilder({ choice: 'auto', run: recorder(() => true).run, log: silentLogger })).rejects.toThrow(/No image builder found/)
    expect(await kind(recorder().run, 'buildah')).toBe('buildah')
  })

  test('build args are NAME=value; values may hold = and commas', () => {
    expect(parseBuildArgs(['A=1', 'B=x=y,z', 'C='])).toEqual({ A: '1', B: 'x=y,z', C: '' })
    expect(() => parseBuildArgs(['=1'])).toThrow(/Invalid build-args entry '=1'. Expected NAME=value/)
    expect(() => parseBuildArgs(['no-equals'])).toThrow(/Invalid build-args/)
  })
})

describe('push race on an immutable tag', () => {
  test('ECR\'s "cannot be overwritten" push error becomes an explained ImageTagAlreadyExists', async () => {
    const { buildAndPushImage } = await import('../src/build-push.js')
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'gpuship-race-'))
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n')
    const ecr = {
      ensureRepository: async () => ({
        name: 't',
        uri: '',
        arn: '',
        registryId: '',
        imageTagMutability: 'IMMUTABLE' as const,
        scanOnPush: true,
        created: false
      }),
      login: async () => ({ registry: '127.0.0.1:9', proxyEndpoint: 'http://127.0.0.1:9', username: 'AWS', password: 'pw-xxxx' }),
      describeImage: async () => undefined,
      scanFindings: async () => undefined
    }
    // The tag lookup before the build goes to the registry: a loopback server answers 404 (tag absent).
    const { createServer } = await import('node:http')
    const server = createServer((_req, res) => res.writeHead(404).end())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    ecr.login = async () => ({ registry: `127.0.0.1:${port}`, proxyEndpoint: `http://127.0.0.1:${port}`, username: 'AWS', password: 'pw-xxxx' })
    try {
      const builder = {
        kind: 'buildah' as const,
        login: async () => {},
        buildAndPush: async () => {
          throw new Error(
            "buildah push failed: tag invalid: The image tag 'v1' already exists in the 't' repository and cannot be overwritten because the repository is immutable."
          )
        },
        cleanup: async () => {}
      }
      await expect(
        buildAndPushImage({
          repository: 't',
          context: dir,
          tags: ['v1'],
          region: 'us-east-1',
          ecr,
          builder: async () => builder,
          retry: { sleep: async () => {} }
        })
      ).rejects.toMatchObject({ code: 'ImageTagAlreadyExists', hint: expect.stringMatching(/skip-if-exists/) })
    } finally {
      server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
