/* eslint-disable @typescript-eslint/no-explicit-any */
import { describe, test, expect, beforeEach, afterEach } from '@jest/globals'
import { applyObject, waitForRollout, rollbackDeployment, RolloutError, newWatchStats, watchLoop, type KubeObject } from '../src/index.js'
import { gpuCluster, tritonDeployment, type Fixture } from './sim-fixture.js'

const IMG1 = 'registry.example/triton@sha256:' + '1'.repeat(64)
const IMG2 = 'registry.example/triton@sha256:' + '2'.repeat(64)

let f: Fixture
afterEach(async () => {
  expect(f.sim.errors).toEqual([])
  await f.sim.close()
})

async function deploy(img: string, o: Parameters<typeof tritonDeployment>[1] = {}): Promise<void> {
  await applyObject(f.client, tritonDeployment(img, o) as KubeObject, { fieldManager: 'gpuship' })
}

describe('waitForRollout against the simulator', () => {
  beforeEach(async () => {
    f = await gpuCluster()
  })

  test('healthy rollout completes by kubectl rules, over watches', async () => {
    await deploy(IMG1)
    const stats = newWatchStats()
    const r = await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000, stats })
    expect(r.revision).toBe('1')
    expect(r.readyReplicas).toBe(2)
    expect(r.pods.map((p) => p.node).sort()).toEqual(['gpu-1', 'gpu-2'])
    expect(stats.watches).toBeGreaterThanOrEqual(2)
    // watch, not polling: a handful of deployment GETs at most
    expect(f.sim.requests.filter((q) => q.method === 'GET' && q.path.startsWith('/apis/apps/v1/namespaces/inference/deployments/triton')).length).toBe(0)
  })

  test('a watch cut mid-rollout resumes from the last resourceVersion', async () => {
    f.sim.scenario.slowReady(IMG1, 300)
    await deploy(IMG1)
    const p = waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000, sleep: async () => {} })
    await new Promise((r) => setTimeout(r, 150))
    expect(f.sim.faults.cutWatches()).toBeGreaterThan(0)
    const r = await p
    expect(r.readyReplicas).toBe(2)
    const rewatch = f.sim.requests.filter((q) => q.path.includes('watch=true') && q.path.includes('deployments') && !/resourceVersion=(&|$)/.test(q.path))
    expect(rewatch.length).toBeGreaterThanOrEqual(2)
  })

  test('410 Expired relists and still completes', async () => {
    f.sim.scenario.slowReady(IMG1, 200)
    f.sim.faults.expireWatches(2, 'event')
    await deploy(IMG1)
    const stats = newWatchStats()
    const r = await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000, stats })
    expect(r.readyReplicas).toBe(2)
    expect(stats.relistsAfter410).toBe(2)
  })

  test('image that does not exist fails fast with the reason', async () => {
    await f.sim.close()
    f = await gpuCluster({ imageExists: (ref) => ref !== IMG2 })
    await deploy(IMG2)
    const err = await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 }).catch((e) => e)
    expect(err).toBeInstanceOf(RolloutError)
    expect((err as RolloutError).rolloutCause.kind).toBe('ImagePull')
    expect((err as RolloutError).message).toContain('does not exist in the registry')
  })

  test('no GPU capacity names per-node free GPUs and the device plugin', async () => {
    await deploy(IMG1, { replicas: 3 })
    const err = (await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 }).catch((e) => e)) as RolloutError
    expect(err.rolloutCause.kind).toBe('NoGpuCapacity')
    expect(err.rolloutCause.detail).toMatch(/^0\/3 nodes are available: 1 node\(s\) had untolerated taint|Insufficient nvidia.com\/gpu/)
    expect(err.rolloutCause.gpus?.find((g) => g.node === 'gpu-1')).toMatchObject({ allocatable: 1, free: 0, devicePlugin: true })
    expect(err.rolloutCause.devicePlugin).toEqual({ present: true, ready: 2, desired: 2 })
  })

  test('without the device plugin the cause says so', async () => {
    await f.sim.close()
    f = await gpuCluster({}, false)
    await deploy(IMG1, { replicas: 1 })
    const err = (await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 }).catch((e) => e)) as RolloutError
    expect(err.rolloutCause.kind).toBe('NoGpuCapacity')
    expect(err.message).toContain('device plugin DaemonSet is not installed')
    expect(err.hint).toContain('nvidia-device-plugin')
  })

  test('untolerated taint and a selector matching no node', async () => {
    await deploy(IMG1, { tolerate: false, gpus: 0, nodeSelector: { 'nvidia.com/gpu.present': 'true' } })
    let err = (await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 }).catch((e) => e)) as RolloutError
    expect(err.rolloutCause.kind).toBe('UntoleratedTaint')
    expect(err.rolloutCause.detail).toContain('untolerated taint {nvidia.com/gpu: present}')
    await deploy(IMG1, { nodeSelector: { 'karpenter.sh/nodepool': 'gpu' } })
    err = (await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 }).catch((e) => e)) as RolloutError
    expect(err.rolloutCause.kind).toBe('SelectorMatchesNoNode')
    expect(err.rolloutCause.detail).toContain("3 node(s) didn't match Pod's node affinity/selector")
  })

  test('crash loop carries the last log lines; rollback restores the previous image', async () => {
    // every GPU is taken: the rolling update must replace pods in place (maxSurge 0)
    await deploy(IMG1, { maxSurge: 0 })
    await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 })
    f.sim.scenario.crash(IMG2, { logs: ['I1204 loading model add_sub', 'E1204 failed to load model add_sub: config.pbtxt not found'], exitCode: 1 })
    await deploy(IMG2, { maxSurge: 0 })
    const err = (await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 }).catch((e) => e)) as RolloutError
    expect(err.rolloutCause.kind).toBe('CrashLoop')
    expect(err.rolloutCause.logs).toContain('E1204 failed to load model add_sub: config.pbtxt not found')
    const rb = await rollbackDeployment(f.client, 'inference', 'triton')
    expect(rb).toMatchObject({ rolledBack: true, fromRevision: '2', toRevision: '1', image: IMG1 })
    const r = await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 })
    expect(r.revision).toBe('3')
    expect(r.pods.every((p) => p.image === IMG1 && p.ready)).toBe(true)
    // the undo patch has kubectl's shape
    const patch = f.sim.requests.find((q) => q.method === 'PATCH' && !q.path.includes('fieldManager=gpuship&'))
    expect(patch).toBeDefined()
  })

  test('the caller timeout ends the wait with the last state and the readiness failure', async () => {
    f.sim.scenario.neverReady(IMG1)
    await deploy(IMG1, { replicas: 1 })
    const err = (await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 800 }).catch((e) => e)) as RolloutError
    expect(err.rolloutCause.kind).toBe('Timeout')
    expect(err.message).toMatch(
      /^Timed out after .* waiting for deployment triton: Waiting for deployment "triton" rollout to finish: 0 of 1 updated replicas are available\.\.\./
    )
    expect(err.pods[0]).toMatchObject({ ready: false, status: 'Running' })
  })

  test('progress deadline exceeded is reported', async () => {
    await f.sim.close()
    f = await gpuCluster({ timeScale: 50 })
    f.sim.scenario.neverReady(IMG1)
    await deploy(IMG1, { progressDeadlineSeconds: 5 })
    const err = (await waitForRollout(f.client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 }).catch((e) => e)) as RolloutError
    expect(err.rolloutCause.kind).toBe('ProgressDeadlineExceeded')
    expect(err.rolloutCause.detail).toMatch(/has timed out progressing/)
  })

  test('watch errors back off 1 s doubling, reset by an event, and end once', async () => {
    const sleeps: number[] = []
    f.sim.faults.failNext({ method: 'GET', path: /watch=true/, status: 500, count: 3 })
    const seen: string[] = []
    const loop = watchLoop<any>({
      client: f.client,
      path: '/api/v1/namespaces/inference/configmaps',
      sleep: async (ms) => void sleeps.push(ms),
      onSync: () => {},
      onEvent: (type, o) => seen.push(`${type} ${o.metadata.name}`)
    })
    await new Promise((r) => setTimeout(r, 300))
    await f.client.json('POST', '/api/v1/namespaces/inference/configmaps', { jsonBody: { metadata: { name: 'c1' } } })
    const start = Date.now()
    while (!seen.length && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20))
    expect(seen).toEqual(['ADDED c1'])
    expect(sleeps).toEqual([1000, 2000, 4000])
    // the event reset the backoff: a dropped connection now waits 1 s again
    expect(f.sim.faults.cutWatches()).toBe(1)
    while (sleeps.length < 4 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20))
    expect(sleeps[3]).toBe(1000)
    loop.stop()
    loop.stop(new Error('second end is ignored'))
    await expect(loop.done).resolves.toBeUndefined()
  })
})
