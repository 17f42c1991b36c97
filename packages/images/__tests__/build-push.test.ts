import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { createEcrClient, type EcrClient } from '@gpuship/aws'
import { createMasker, silentLogger, isGpushipError } from '@gpuship/core'
import {
  attachEcrRegistry,
  createAwsSimulator,
  createBuildahSandbox,
  ecrService,
  startRegistry,
  tempContext,
  type AwsSimulator,
  type BuildahSandbox,
  type LocalRegistry
} from '@gpuship/testkit'
import { buildAndPushImage, createBuildahBuilder, createToolRunner, type Builder, type BuildPushOptions } from '../src/index.js'

// Real parts: Debian's docker-registry (htpasswd auth) and buildah (vfs, chroot) on loopback,
// with the AWS simulator's ECR in front of the registry. No base image is downloaded.
const ACCOUNT = '123456789012'
let sim: AwsSimulator
let registry: LocalRegistry
let store: BuildahSandbox
let key: { accessKeyId: string; secretAccessKey: string }
let builds = 0
const contexts: { remove(): void }[] = []
const noSleep = async () => {}

function ecr(): EcrClient {
  return createEcrClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: key, sleep: noSleep })
}

function builder(): () => Promise<Builder> {
  return async () => {
    builds++
    return createBuildahBuilder({
      run: createToolRunner(silentLogger),
      log: silentLogger,
      storage: { root: store.root, runroot: store.runroot, driver: 'vfs' },
      isolation: 'chroot'
    })
  }
}

function context(opts?: Parameters<typeof tempContext>[0]): string {
  const c = tempContext(opts)
  contexts.push(c)
  return c.dir
}

function options(over: Partial<BuildPushOptions>): BuildPushOptions {
  return {
    repository: 'triton',
    context: context(),
    tags: ['abc1234'],
    region: 'us-east-1',
    createRepository: true,
    skipIfExists: true,
    builder: builder(),
    ecr: ecr(),
    retry: { sleep: noSleep, maxAttempts: 3 },
    ...over
  }
}

/** The registry's own answer, asked directly (not through the code under test). */
async function registryDigest(repo: string, tag: string): Promise<string | null> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
      accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
    }
  })
  return res.headers.get('docker-content-digest')
}

async function failure(p: Promise<unknown>): Promise<Error & { code?: string; hint?: string; input?: string }> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a failure')
}

beforeAll(async () => {
  registry = await startRegistry()
  sim = await createAwsSimulator({ services: ['ecr'] })
  attachEcrRegistry(sim, registry)
  key = sim.createUser({ account: ACCOUNT, name: 'ci' })
  store = createBuildahSandbox()
})

afterAll(async () => {
  await sim?.close()
  await registry?.close()
  store?.remove()
  for (const c of contexts) c.remove()
})

describe('buildAndPushImage with buildah and docker-registry', () => {
  test('first build creates the repository, pushes, and outputs the digest the registry serves', async () => {
    const r = await buildAndPushImage(options({}))
    expect(r.skipped).toBe(false)
    expect(r.repositoryCreated).toBe(true)
    expect(r.builder).toBe('buildah')
    expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(r.digest).toBe(await registryDigest('triton', 'abc1234'))
    expect(r.image).toBe(`${registry.host}/triton@${r.digest}`)
    expect(r.models?.models.map((m) => m.name)).toEqual(['echo'])
    const repo = ecrService(sim, ACCOUNT).repositories.get('triton')
    expect(repo).toMatchObject({ imageTagMutability: 'IMMUTABLE', scanOnPush: true })
    // and ECR, asked with the real SDK, reports the same digest
    const sdk = new ECRClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: key })
    const described = await sdk.send(new DescribeImagesCommand({ repositoryName: 'triton', imageIds: [{ imageTag: 'abc1234' }] }))
    expect(described.imageDetails?.[0].imageDigest).toBe(r.digest)
    sdk.destroy()
  })

  test('a rebuild of an existing tag is skipped: API calls only, same digest', async () => {
    const before = builds
    const first = await registryDigest('triton', 'abc1234')
    const r = await buildAndPushImage(options({ context: context({ marker: 'changed' }) }))
    expect(r.skipped).toBe(true)
    expect(builds).toBe(before)
    expect(r.digest).toBe(first)
  })

  test('a new tag beside an existing one in an immutable repository builds and pushes only the new tag', async () => {
    const before = builds
    const old = await registryDigest('triton', 'abc1234')
    const r = await buildAndPushImage(options({ tags: ['abc1234', 'triton-24.09'], context: context({ marker: 'new-triton' }) }))
    expect(builds).toBe(before + 1)
    expect(r.skipped).toBe(false)
    expect(r.tags).toEqual(['triton-24.09'])
    expect(r.digest).toBe(await registryDigest('triton', 'triton-24.09'))
    expect(r.digest).not.toBe(old)
    expect(await registryDigest('triton', 'abc1234')).toBe(old)
    // and once both exist, the same request is a no-op
    const again = await buildAndPushImage(options({ tags: ['abc1234', 'triton-24.09'] }))
    expect(again.skipped).toBe(true)
    expect(builds).toBe(before + 1)
  })

  test('an existing tag in an immutable repository is refused without skip-if-exists, naming the fix', async () => {
    const e = await failure(buildAndPushImage(options({ skipIfExists: false })))
    expect(e.message).toMatch(/immutable tags/)
    expect(e.hint).toMatch(/new tag/)
  })

  test('force rebuilds and moves the tag in a mutable repository', async () => {
    const first = await buildAndPushImage(options({ repository: 'mutable', imageTagMutability: 'MUTABLE', context: context({ marker: 'one' }) }))
    const before = builds
    const forced = await buildAndPushImage(options({ repository: 'mutable', force: true, context: context({ marker: 'two' }) }))
    expect(builds).toBe(before + 1)
    expect(forced.skipped).toBe(false)
    expect(forced.digest).not.toBe(first.digest)
    expect(forced.digest).toBe(await registryDigest('mutable', 'abc1234'))
  })

  test('a bad model repository fails before any ECR call, naming the file and line', async () => {
    const svc = ecrService(sim, ACCOUNT)
    const calls = svc.calls.length
    const dir = context({ modelName: 'resnet', configName: 'resnet50' })
    writeFileSync(join(dir, 'models', 'resnet', 'config.pbtxt'), '# a comment\nname: "resnet50"\nbackend: "python"\n')
    const e = await failure(buildAndPushImage(options({ context: dir, tags: ['bad'] })))
    expect(isGpushipError(e)).toBe(true)
    expect(e.message).toContain('models/resnet/config.pbtxt:2: error: name "resnet50" does not match the model folder \'resnet\'')
    expect(e.input).toBe('model-repository')
    expect(svc.calls.length).toBe(calls)
  })

  test('wrong registry credentials give a clear error, and the password never appears in it', async () => {
    const wrong = 'definitely-not-the-password'
    attachEcrRegistry(sim, { ...registry, password: wrong })
    try {
      const masker = createMasker()
      const e = await failure(
        buildAndPushImage(options({ tags: ['creds'], ecr: createEcrClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: key, masker }) }))
      )
      expect(e.message).toMatch(/refused the ECR credentials \(HTTP 401\)/)
      expect(e.message).not.toContain(wrong)
      expect(masker.values).toContain(wrong)
    } finally {
      attachEcrRegistry(sim, registry)
    }
  })

  test('registry down: retried with backoff, then a clear error', async () => {
    await registry.stop()
    const delays: number[] = []
    try {
      const e = await failure(buildAndPushImage(options({ tags: ['down'], retry: { maxAttempts: 4, baseMs: 10, sleep: async (ms) => void delays.push(ms) } })))
      expect(e.message).toMatch(new RegExp(`Registry ${registry.host.replace(/\./g, '\\.')} is unreachable .*Gave up after 4 attempts`))
      expect(e.hint).toMatch(/is up/)
      expect(delays.length).toBe(3)
    } finally {
      await registry.start()
    }
  })

  test('a digest that ECR reports differently from the registry fails the step', async () => {
    const svc = ecrService(sim, ACCOUNT)
    const fake = `sha256:${'0'.repeat(64)}`
    svc.overrideDigest('triton', 'abc1234', fake)
    try {
      const e = await failure(buildAndPushImage(options({})))
      expect(e.code).toBe('DigestMismatch')
      expect(e.message).toContain(fake)
      expect(e.message).toContain((await registryDigest('triton', 'abc1234')) ?? 'missing')
    } finally {
      svc.overrideDigest('triton', 'abc1234', undefined)
    }
  })

  test('scan gate: findings at or above the threshold fail, below pass', async () => {
    const svc = ecrService(sim, ACCOUNT)
    svc.seedFindings('triton', 'abc1234', [
      { name: 'CVE-2026-0001', severity: 'HIGH' },
      { name: 'CVE-2026-0002', severity: 'LOW' }
    ])
    const passed = await buildAndPushImage(options({ scanSeverityThreshold: 'critical' }))
    expect(passed.scan?.verdict.passed).toBe(true)
    expect(passed.scan?.result.counts).toEqual({ HIGH: 1, LOW: 1 })
    const e = await failure(buildAndPushImage(options({ scanSeverityThreshold: 'high' })))
    expect(e.code).toBe('ScanGateFailed')
    expect(e.message).toMatch(/1 HIGH/)
  })

  test('a scan still in progress when scan-timeout ends fails the gate instead of passing it', async () => {
    ecrService(sim, ACCOUNT).scanInProgress('triton', 100)
    try {
      const e = await failure(buildAndPushImage(options({ scanSeverityThreshold: 'critical', scanWaitMs: 0 })))
      expect(e.code).toBe('ScanIncomplete')
      expect(e.input).toBe('scan-timeout')
    } finally {
      ecrService(sim, ACCOUNT).scanInProgress('triton', 0)
    }
  })

  test('an image ECR lists only after a moment is waited for, not called a mismatch', async () => {
    sim.faults.add({ kind: 'error', service: 'ecr', action: 'DescribeImages', code: 'ImageNotFoundException', status: 400, times: 2 })
    const r = await buildAndPushImage(options({ repository: 'mutable', tags: ['late'], context: context({ marker: 'late' }) }))
    expect(r.digest).toBe(await registryDigest('mutable', 'late'))
    expect(sim.faults.hits.filter((h) => h.action === 'DescribeImages').length).toBe(2)
  })

  test('ECR throttling is retried', async () => {
    sim.faults.add({ kind: 'throttle', service: 'ecr', action: 'DescribeRepositories', times: 2 })
    const r = await buildAndPushImage(options({}))
    expect(r.skipped).toBe(true)
    expect(sim.faults.hits.filter((h) => h.action === 'DescribeRepositories').length).toBe(2)
  })
})
