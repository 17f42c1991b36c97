import { describe, test, expect, afterEach } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startKubeSimulator, type KubeSimulator } from '@gpuship/testkit'
import { applyObject, createKubeClient, proxyTarget, waitForRollout, KubeApiError, type KubeObject } from '../src/index.js'
import { tritonDeployment } from './sim-fixture.js'

let sim: KubeSimulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const admin = { username: 'admin', groups: ['system:masters'] }

describe('KubeClient credentials', () => {
  test('an exec plugin credential is fetched again after a 401 (EKS token expiry mid-rollout)', async () => {
    const valid = new Set(['tok-1'])
    sim = await startKubeSimulator({ authenticate: async (t) => (valid.has(t) ? admin : null) })
    const dir = mkdtempSync(join(tmpdir(), 'exec-'))
    const counter = join(dir, 'n')
    const plugin = join(dir, 'plugin.sh')
    writeFileSync(
      plugin,
      `#!/bin/sh\nn=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}\necho "{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"tok-$n\\"}}"\n`
    )
    chmodSync(plugin, 0o755)
    const client = await createKubeClient({ kubeconfig: sim.kubeconfig({ exec: { command: plugin } }) })
    expect((await client.request('GET', '/api/v1/namespaces')).status).toBe(200)
    valid.clear()
    valid.add('tok-2')
    expect((await client.request('GET', '/api/v1/namespaces')).status).toBe(200)
    expect(readFileSync(counter, 'utf8').trim()).toBe('2')
    client.close()
  })

  test('a token provider is asked to refresh after a 401', async () => {
    let current = 'a'
    sim = await startKubeSimulator({ authenticate: async (t) => (t === current ? admin : null) })
    const calls: boolean[] = []
    let minted: string | undefined
    const provider = async ({ forceRefresh }: { forceRefresh: boolean }): Promise<string> => {
      calls.push(forceRefresh)
      if (!minted || forceRefresh) minted = current
      return minted
    }
    const client = await createKubeClient({ kubeconfig: sim.kubeconfig({ token: 'unused' }), tokenProvider: provider })
    expect((await client.request('GET', '/version')).status).toBe(200)
    current = 'b'
    expect((await client.request('GET', '/version')).status).toBe(200)
    expect(calls).toEqual([false, false, true])
    client.close()
  })

  test('429 with Retry-After and 503 are retried for GET and apply; 403 carries a hint', async () => {
    sim = await startKubeSimulator({
      tokens: { a: admin, v: { username: 'viewer', groups: [] } },
      rbac: { viewer: [{ verbs: ['get', 'list'], resources: ['*'] }] }
    })
    sim.scenario.ensureNamespace('inference')
    const client = await createKubeClient({ kubeconfig: sim.kubeconfig({ token: 'a' }) })
    sim.faults.failNext({ method: 'GET', path: '/api/v1/nodes', status: 429, retryAfterSeconds: 0, count: 2 })
    expect((await client.request('GET', '/api/v1/nodes')).status).toBe(200)
    sim.faults.failNext({ method: 'PATCH', status: 503, count: 1 })
    const r = await applyObject(client, tritonDeployment('img@sha256:' + '1'.repeat(64)) as KubeObject, { fieldManager: 'gpuship' })
    expect(r.created).toBe(true)
    expect(sim.requests.filter((q) => q.method === 'PATCH').map((q) => q.status)).toEqual([503, 201])
    const viewer = await createKubeClient({ kubeconfig: sim.kubeconfig({ token: 'v' }) })
    const err = await applyObject(viewer, tritonDeployment('img@sha256:' + '2'.repeat(64)) as KubeObject, { fieldManager: 'gpuship' }).catch((e) => e)
    expect(err).toBeInstanceOf(KubeApiError)
    expect(err.message).toContain('User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "inference"')
    expect(err.hint).toMatch(/access entry or a Role/)
    client.close()
    viewer.close()
  })
})

describe('server-side apply conflicts', () => {
  test('a field owned by another manager is a named conflict; our own rollback fields are taken back', async () => {
    sim = await startKubeSimulator()
    sim.scenario.addNode({ name: 'cpu-1' })
    sim.scenario.ensureNamespace('inference')
    const client = await createKubeClient({ kubeconfig: sim.kubeconfig() })
    const d = tritonDeployment('img@sha256:' + '1'.repeat(64), { gpus: 0, tolerate: false }) as KubeObject
    await applyObject(client, d, { fieldManager: 'gpuship' })
    // an autoscaler takes .spec.replicas through the scale subresource
    const scale = await client.request('PATCH', '/apis/apps/v1/namespaces/inference/deployments/triton/scale?fieldManager=hpa-like', {
      body: JSON.stringify({ spec: { replicas: 5 } }),
      contentType: 'application/merge-patch+json'
    })
    expect(scale.status).toBe(200)
    const err = await applyObject(client, d, { fieldManager: 'gpuship' }).catch((e) => e)
    expect(err.code).toBe('FieldManagerConflict')
    expect(err.message).toContain('.spec.replicas (owned by hpa-like)')
    const ok = await applyObject(client, d, { fieldManager: 'gpuship', ownManagers: ['hpa-like'] })
    expect(ok.forced).toBe(true)
    expect((ok.object.spec as { replicas: number }).replicas).toBe(2)
    client.close()
  })
})

describe('proxyTarget', () => {
  test('reaches a pod and a Service through the API server proxy', async () => {
    sim = await startKubeSimulator()
    sim.scenario.addNode({ name: 'cpu-1' })
    sim.scenario.ensureNamespace('inference')
    const client = await createKubeClient({ kubeconfig: sim.kubeconfig() })
    await applyObject(
      client,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'triton', namespace: 'inference' },
        spec: { selector: { app: 'triton' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }
      },
      { fieldManager: 'gpuship' }
    )
    const svc = proxyTarget(client, { namespace: 'inference', service: 'triton', port: 'http' })
    const none = await svc.request('GET', '/v2/health/ready')
    expect(none.status).toBe(503) // no ready endpoint yet
    expect(none.body).toContain('no endpoints available for service \\"triton\\"')
    await applyObject(client, tritonDeployment('img@sha256:' + '1'.repeat(64), { gpus: 0, tolerate: false, replicas: 1 }) as KubeObject, {
      fieldManager: 'gpuship'
    })
    const r = await waitForRollout(client, { namespace: 'inference', name: 'triton', timeoutMs: 15_000 })
    const pod = proxyTarget(client, { namespace: 'inference', pod: r.pods[0].name, port: 8000 })
    expect(pod.name).toBe(`pod/${r.pods[0].name}:8000`)
    expect((await pod.request('GET', '/v2/health/ready')).status).toBe(200)
    const meta = await svc.request('GET', '/v2')
    expect(meta.status).toBe(200)
    expect(JSON.parse(meta.body).name).toBe('triton')
    expect(sim.requests.some((q) => q.path === '/api/v1/namespaces/inference/services/triton:http/proxy/v2')).toBe(true)
    client.close()
  })
})
