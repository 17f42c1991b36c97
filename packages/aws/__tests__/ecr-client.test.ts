import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import {
  createAwsSimulator,
  attachEcrRegistry,
  ecrService,
  pushOciImage,
  startRegistry,
  writeOciImage,
  type AwsSimulator,
  type LocalRegistry
} from '@gpuship/testkit'
import { createMasker } from '@gpuship/core'
import { createEcrClient } from '../src/ecr/ecr-client.js'

// Contract: the ECR client over the wire (real @aws-sdk/client-ecr, SigV4) against the simulator.
let sim: AwsSimulator
let registry: LocalRegistry
let key: { accessKeyId: string; secretAccessKey: string }
const noSleep = async () => {}

beforeAll(async () => {
  registry = await startRegistry()
  sim = await createAwsSimulator({ services: ['ecr'] })
  attachEcrRegistry(sim, registry)
  key = sim.createUser({ account: '123456789012', name: 'ci' })
})
afterAll(async () => {
  await sim?.close()
  await registry?.close()
})

const client = (over: Partial<Parameters<typeof createEcrClient>[0]> = {}) =>
  createEcrClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: key, sleep: noSleep, ...over })

describe('createEcrClient', () => {
  test('two jobs ensuring the same repository at once both succeed, one creates it', async () => {
    const [a, b] = await Promise.all([client().ensureRepository('race', { create: true }), client().ensureRepository('race', { create: true })])
    expect([a.created, b.created].sort()).toEqual([false, true])
    expect(a.uri).toBe(`${registry.host}/race`)
    expect(a.imageTagMutability).toBe('IMMUTABLE')
  })

  test('a missing repository without create names the input and the fix', async () => {
    await expect(client().ensureRepository('absent', { create: false })).rejects.toMatchObject({
      input: 'repository',
      message: "ECR repository 'absent' does not exist."
    })
  })

  test('login decodes the token, masks token and password, and normalises the endpoint', async () => {
    const masker = createMasker()
    const l = await client({ masker }).login()
    expect(l).toMatchObject({ registry: registry.host, proxyEndpoint: registry.url, username: registry.username, password: registry.password })
    expect(masker.values).toEqual(expect.arrayContaining([registry.password, Buffer.from(`${registry.username}:${registry.password}`).toString('base64')]))
  })

  test('describeImage by tag and by digest; absent is undefined', async () => {
    await client().ensureRepository('imgs', { create: true })
    const digest = await pushOciImage(registry.url, 'imgs', 'v1', writeOciImage({ a: '1' }), registry)
    expect((await client().describeImage('imgs', { tag: 'v1' }))?.digest).toBe(digest)
    expect((await client().describeImage('imgs', { digest }))?.tags).toEqual(['v1'])
    expect(await client().describeImage('imgs', { tag: 'nope' })).toBeUndefined()
  })

  test('5xx is retried; a permanent error is not', async () => {
    sim.faults.add({ kind: '5xx', service: 'ecr', action: 'GetAuthorizationToken', times: 2 })
    await expect(client().login()).resolves.toMatchObject({ username: registry.username })
    sim.faults.add({ kind: 'error', service: 'ecr', action: 'DescribeRepositories', code: 'AccessDeniedException', status: 400 })
    const before = sim.faults.hits.length
    await expect(client().ensureRepository('x1', { create: true })).rejects.toThrow(
      /ECR DescribeRepositories for repository 'x1' failed: AccessDeniedException/
    )
    expect(sim.faults.hits.length - before).toBe(1)
  })

  test('an unreachable endpoint is retried, then reported with the endpoint hint', async () => {
    let waits = 0
    const dead = createEcrClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: key, sleep: async () => void waits++, maxAttempts: 3 })
    await expect(dead.login()).rejects.toMatchObject({
      message: expect.stringMatching(/ECONNREFUSED/),
      hint: expect.stringMatching(/AWS_ENDPOINT_URL_ECR/),
      retryable: true
    })
    expect(waits).toBe(2)
  })

  test('a stalled ECR answer is cut off by timeoutMs and retried; one that never comes is reported', async () => {
    sim.faults.add({ kind: 'latency', service: 'ecr', action: 'GetAuthorizationToken', ms: 3000, times: 1 })
    expect((await client({ timeoutMs: 300 }).login()).username).toBe('AWS')
    sim.faults.add({ kind: 'latency', service: 'ecr', action: 'GetAuthorizationToken', ms: 3000, times: Infinity })
    await expect(client({ timeoutMs: 200, maxAttempts: 2 }).login()).rejects.toMatchObject({ code: 'TimeoutError', retryable: true, hint: expect.stringMatching(/unreachable or throttling/) })
    sim.faults.clear()
  })

  test('scan findings are returned with counts; no scan is undefined', async () => {
    const digest = await pushOciImage(registry.url, 'imgs', 'v2', writeOciImage({ b: '2' }), registry)
    ecrService(sim).seedFindings('imgs', digest, [{ name: 'CVE-1', severity: 'MEDIUM' }])
    expect(await client().scanFindings('imgs', digest)).toMatchObject({
      status: 'COMPLETE',
      counts: { MEDIUM: 1 },
      findings: [{ name: 'CVE-1', severity: 'MEDIUM' }]
    })
    ecrService(sim).scanInProgress('imgs', 2)
    let waited = 0
    const patient = client({ sleep: async () => void waited++ })
    expect((await patient.scanFindings('imgs', digest))?.counts).toEqual({ MEDIUM: 1 })
    expect(waited).toBe(2)
    ecrService(sim).repositories.get('imgs')!.scanOnPush = false
    const other = await pushOciImage(registry.url, 'imgs', 'v3', writeOciImage({ c: '3' }), registry)
    expect(await client().scanFindings('imgs', other)).toBeUndefined()
  })
})
