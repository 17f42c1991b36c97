import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { existsSync, writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  attachEcrRegistry,
  createAwsSimulator,
  createBuildahSandbox,
  ecrService,
  runAction,
  startRegistry,
  tempContext,
  type AwsSimulator,
  type BuildahSandbox,
  type LocalRegistry
} from '@gpuship/testkit'

// The bundled action (node scripts/bundle.mjs --only ecr-build-push) run as the runner runs it,
// against docker-registry + the AWS simulator's ECR, building with the real buildah.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
let sim: AwsSimulator
let registry: LocalRegistry
let store: BuildahSandbox
let env: Record<string, string>
let secrets: string[]
const contexts: { remove(): void }[] = []

function ctx(opts?: Parameters<typeof tempContext>[0]): string {
  const c = tempContext(opts)
  contexts.push(c)
  return c.dir
}

async function manifestDigest(repo: string, tag: string): Promise<string | null> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
      accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
    }
  })
  return res.headers.get('docker-content-digest')
}

beforeAll(async () => {
  if (!existsSync(join(actionDir, 'dist', 'index.js'))) throw new Error('Build the bundle first: node scripts/bundle.mjs --only ecr-build-push')
  registry = await startRegistry()
  sim = await createAwsSimulator({ services: ['ecr'] })
  attachEcrRegistry(sim, registry)
  const key = sim.createUser({ account: '123456789012', name: 'ci' })
  store = createBuildahSandbox()
  // AWS_ENDPOINT_URL from sim.env() is what the SDK honours; no endpoint input needed.
  env = { ...sim.env(key), ...store.env }
  secrets = [registry.password, key.secretAccessKey, Buffer.from(`${registry.username}:${registry.password}`).toString('base64')]
})

afterAll(async () => {
  await sim?.close()
  await registry?.close()
  store?.remove()
  for (const c of contexts) c.remove()
})

describe('ecr-build-push action', () => {
  test('first run builds, pushes and outputs the image by the digest the registry serves; second run is skipped', async () => {
    const workspace = ctx()
    const inputs = { repository: 'team/triton', 'create-repository': 'true', builder: 'buildah' }
    const r = await runAction({ actionDir, inputs, env, workspace, secrets, timeoutMs: 60_000 })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    const digest = await manifestDigest('team/triton', SHA)
    expect(r.outputs).toEqual({ image: `${registry.host}/team/triton@${digest}`, digest, tags: SHA, registry: registry.host, skipped: 'false' })
    expect(r.masks).toContain(registry.password)
    expect(r.leaks).toEqual([])
    expect(r.summary).toContain(digest)
    expect(r.summary).toContain('Triton model repository valid: echo \\[1\\]')
    expect(r.stdout).toContain('::stop-commands::')

    const again = await runAction({ actionDir, inputs, env, workspace: ctx({ marker: 'other' }), secrets, timeoutMs: 60_000 })
    expect(again.exitCode).toBe(0)
    expect(again.outputs.skipped).toBe('true')
    expect(again.outputs.digest).toBe(digest)
    expect(again.stdout).not.toMatch(/buildah build/)
    expect(again.summary).toContain('reused')
    expect(again.leaks).toEqual([])
  })

  test('a bad input fails before anything else is loaded, with the input named in the error and the summary', async () => {
    const calls = ecrService(sim).calls.length
    const r = await runAction({ actionDir, inputs: { repository: 'triton', builder: 'podman', tags: 'v1' }, env, workspace: ctx(), secrets })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain("Invalid builder 'podman'")
    expect(r.summary).toContain('ecr\\-build\\-push failed')
    expect(r.summary).toContain('Input: `builder`')
    expect(ecrService(sim).calls.length).toBe(calls)
    expect(r.leaks).toEqual([])
  })

  test('a bad model repository fails with the file and line, before ECR is called', async () => {
    const workspace = ctx()
    writeFileSync(join(workspace, 'models', 'echo', 'config.pbtxt'), 'name: "echo"\nbackend: "python"\ninput [ { name: "IN" ]\n')
    const calls = ecrService(sim).calls.length
    const r = await runAction({ actionDir, inputs: { repository: 'triton', builder: 'buildah', tags: 'v1' }, env, workspace, secrets })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/models\/echo\/config\.pbtxt:3:\d+: error: syntax error/)
    expect(r.errors.join('\n')).toContain('(input: model-repository)')
    expect(r.summary).toContain('ecr\\-build\\-push failed')
    expect(r.summary).toContain('config.pbtxt:3:22: error: syntax error')
    expect(ecrService(sim).calls.length).toBe(calls)
  })

  test('the scan gate fails the step and the summary lists the findings, escaped', async () => {
    const workspace = ctx({ marker: 'scan' })
    const inputs = { repository: 'scanned', 'create-repository': 'true', builder: 'buildah', tags: 'v1', 'scan-severity-threshold': 'high' }
    ecrService(sim).seedFindings('scanned', 'v1', [{ name: 'CVE-2026-9999 <b>|x', severity: 'CRITICAL' }])
    const r = await runAction({ actionDir, inputs, env, workspace, secrets, timeoutMs: 60_000 })
    expect(r.exitCode).toBe(1)
    expect(r.errors[0]).toMatch(/findings at or above HIGH: 1 CRITICAL/)
    expect(r.summary).toContain('| CRITICAL | 1 |')
    expect(r.summary).toContain('CVE\\-2026\\-9999 &lt;b&gt;\\|x')
    expect(r.summary).not.toContain('<b>')
    expect(r.leaks).toEqual([])
  })

  test('a registry host in repository is refused with the fix', async () => {
    const r = await runAction({ actionDir, inputs: { repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/triton' }, env, workspace: ctx() })
    expect(r.exitCode).toBe(1)
    expect(r.errors[0]).toMatch(/^Invalid repository '123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/triton'\. Expected the repository name only/)
    expect(r.errors[0]).toContain('Drop the registry host')
    expect(r.errors[0]).toContain('(input: repository)')
  })

  test('a missing repository without create-repository names the input to set', async () => {
    const r = await runAction({ actionDir, inputs: { repository: 'absent', builder: 'buildah', tags: 'v1' }, env, workspace: ctx(), secrets })
    expect(r.exitCode).toBe(1)
    expect(r.errors[0]).toMatch(/ECR repository 'absent' does not exist.*create-repository: true/s)
    expect(r.leaks).toEqual([])
  })
})
