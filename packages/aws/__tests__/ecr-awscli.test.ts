import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { execFile } from 'node:child_process'
import {
  attachEcrRegistry,
  createAwsSimulator,
  ecrService,
  pushOciImage,
  startRegistry,
  writeOciImage,
  type AwsSimulator,
  type LocalRegistry
} from '@gpuship/testkit'

// Fidelity: the real awscli (`aws ecr …` with --endpoint-url) against the simulated ECR, whose
// images live in a real docker-registry. If botocore parses every answer, so will the SDK.
let sim: AwsSimulator
let registry: LocalRegistry
let env: Record<string, string>
let digest: string

// Asynchronous on purpose: the simulator answers from this same process.
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('aws', args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- awscli JSON is read field by field
type Json = any

async function aws(...args: string[]): Promise<{ code: number; json: Json; stderr: string }> {
  const r = await run(['ecr', ...args, '--endpoint-url', sim.endpoint, '--output', 'json'])
  let json: unknown
  try {
    json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined
  } catch {
    json = r.stdout
  }
  return { code: r.code, json, stderr: r.stderr }
}

beforeAll(async () => {
  registry = await startRegistry()
  sim = await createAwsSimulator({ services: ['ecr'] })
  attachEcrRegistry(sim, registry)
  const key = sim.createUser({ account: '123456789012', name: 'ci' })
  env = { ...sim.env(key), AWS_ENDPOINT_URL: '', AWS_PAGER: '' }
  digest = await pushOciImage(registry.url, 'triton', 'v1', writeOciImage({ 'hello.txt': 'hi\n' }), registry)
})

afterAll(async () => {
  await sim?.close()
  await registry?.close()
})

describe('aws ecr against the simulator', () => {
  test('create-repository with immutable tags and scan on push, then describe-repositories', async () => {
    const c = await aws(
      'create-repository',
      '--repository-name',
      'triton',
      '--image-tag-mutability',
      'IMMUTABLE',
      '--image-scanning-configuration',
      'scanOnPush=true'
    )
    expect(c.stderr).toBe('')
    expect(c.json.repository).toMatchObject({
      repositoryName: 'triton',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      repositoryUri: `${registry.host}/triton`,
      registryId: '123456789012'
    })
    const d = await aws('describe-repositories', '--repository-names', 'triton')
    expect(d.json.repositories).toHaveLength(1)
    // awscli v1 prints the wire value (epoch seconds); botocore accepted it as a timestamp.
    expect(new Date(Number(d.json.repositories[0].createdAt) * 1000).getUTCFullYear()).toBe(sim.now().getUTCFullYear())
  })

  test('errors carry the ECR error code', async () => {
    const again = await aws('create-repository', '--repository-name', 'triton')
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/RepositoryAlreadyExistsException/)
    const missing = await aws('describe-repositories', '--repository-names', 'nope')
    expect(missing.stderr).toMatch(/\(RepositoryNotFoundException\) when calling the DescribeRepositories operation/)
  })

  test('get-authorization-token returns the registry credentials and its URL', async () => {
    const t = await aws('get-authorization-token')
    const data = t.json.authorizationData[0]
    expect(Buffer.from(data.authorizationToken, 'base64').toString()).toBe(`${registry.username}:${registry.password}`)
    expect(data.proxyEndpoint).toBe(registry.url)
    const pw = await run(['ecr', 'get-login-password', '--endpoint-url', sim.endpoint])
    expect(pw.stdout.trim()).toBe(registry.password)
  })

  test('describe-images and batch-get-image report the digest the registry computed', async () => {
    const d = await aws('describe-images', '--repository-name', 'triton', '--image-ids', 'imageTag=v1')
    expect(d.json.imageDetails[0]).toMatchObject({
      imageDigest: digest,
      imageTags: ['v1'],
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
    })
    expect(d.json.imageDetails[0].imageSizeInBytes).toBeGreaterThan(0)
    const b = await aws('batch-get-image', '--repository-name', 'triton', '--image-ids', 'imageTag=v1', 'imageTag=v9')
    expect(b.json.images[0].imageId.imageDigest).toBe(digest)
    expect(JSON.parse(b.json.images[0].imageManifest).schemaVersion).toBe(2)
    expect(b.json.failures[0]).toMatchObject({ imageId: { imageTag: 'v9' }, failureCode: 'ImageNotFound' })
    const none = await aws('describe-images', '--repository-name', 'triton', '--image-ids', 'imageTag=v9')
    expect(none.stderr).toMatch(/ImageNotFoundException/)
  })

  test('describe-image-scan-findings returns seeded findings', async () => {
    ecrService(sim).seedFindings('triton', digest, [{ name: 'CVE-2026-1234', severity: 'CRITICAL', description: 'libfoo overflow' }])
    const f = await aws('describe-image-scan-findings', '--repository-name', 'triton', '--image-id', `imageDigest=${digest}`)
    expect(f.json.imageScanStatus.status).toBe('COMPLETE')
    expect(f.json.imageScanFindings.findingSeverityCounts).toEqual({ CRITICAL: 1 })
    expect(f.json.imageScanFindings.findings[0]).toMatchObject({ name: 'CVE-2026-1234', severity: 'CRITICAL' })
  })
})

describe('image written in process', () => {
  test('filesFromDirectory + writeOciImage give a stable digest the registry agrees with', async () => {
    const { filesFromDirectory } = await import('@gpuship/testkit')
    const { mkdtempSync, writeFileSync, mkdirSync, rmSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'gpuship-oci-files-'))
    try {
      mkdirSync(join(dir, 'm', '1'), { recursive: true })
      writeFileSync(join(dir, 'm', 'config.pbtxt'), 'name: "m"\n')
      const files = filesFromDirectory(dir, 'models')
      expect(Object.keys(files)).toEqual(['models/m/config.pbtxt'])
      const a = writeOciImage(files)
      expect(writeOciImage(files).manifestDigest).toBe(a.manifestDigest)
      expect(await pushOciImage(registry.url, 'seeded', 'x', a, registry)).toBe(a.manifestDigest)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
