import { describe, test, expect, afterEach } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubeSimulator } from '@gpuship/testkit'
import { IMG1, IMG2, cluster, kubectl, rollout, until } from './fixture.js'

let sim: KubeSimulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const image = async (kc: string): Promise<string> =>
  JSON.parse((await kubectl(kc, ['get', 'deploy', 'triton', '-n', 'inference', '-o', 'json'])).stdout).spec.template.spec.containers[0].image

describe('triton-rollout over its dist against the Kubernetes simulator', () => {
  test('healthy rollout: outputs, summary, gates, and kubectl agrees', async () => {
    const c = await cluster()
    sim = c.sim
    const r = await rollout(c.kubeconfig, { image: IMG1 })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    expect(r.outputs).toMatchObject({ revision: '1', 'previous-revision': '', 'rolled-back': 'false', 'ready-replicas': '2', image: IMG1 })
    expect(r.summary).toContain('```mermaid\ngantt')
    expect(r.summary).toMatch(/gpu-1[\s\S]*gpu-2|gpu-2[\s\S]*gpu-1/)
    expect(r.summary).toContain('Gates')
    expect(r.leaks).toEqual([])
    const dep = sim.store.get('deployments', 'inference', 'triton')!
    expect(dep.metadata.annotations['kubernetes.io/change-cause']).toContain('commit c0ffee1234 run https://github.com/acme/models/actions/runs/42')
    expect(
      dep.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'gpuship-triton-rollout' && m.operation === 'Apply')
    ).toBe(true)
    expect(sim.store.get('poddisruptionbudgets', 'inference', 'triton')?.spec.minAvailable).toBe(1)
    const pdb = await kubectl(c.kubeconfig, ['get', 'pdb', '-n', 'inference'])
    expect(pdb.stdout).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\ntriton\s+1\s+N\/A\s+1\s+/)
    expect(await image(c.kubeconfig)).toBe(IMG1)
    const st = await kubectl(c.kubeconfig, ['rollout', 'status', 'deploy/triton', '-n', 'inference', '--timeout=10s'])
    expect(st).toMatchObject({ code: 0, stdout: 'deployment "triton" successfully rolled out\n' })
    const get = await kubectl(c.kubeconfig, ['get', 'deploy', '-n', 'inference'])
    expect(get.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ntriton\s+2\/2\s+2\s+2\s+/)
  })

  test('a crash-looping image is caught, its logs reported, and the previous image restored healthy', async () => {
    const c = await cluster()
    sim = c.sim
    expect((await rollout(c.kubeconfig, { image: IMG1, gates: 'false' })).exitCode).toBe(0)
    sim.scenario.crash(IMG2, {
      logs: ['I1204 loading add_sub', 'E1204 failed to load add_sub: <script>alert(1)</script> config.pbtxt missing', '::error::injected by the pod'],
      exitCode: 1
    })
    const r = await rollout(c.kubeconfig, { image: IMG2 })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain('keeps crashing (exit code 1')
    expect(r.errors.join('\n')).not.toContain('injected by the pod') // the log went out inside ::stop-commands::
    expect(r.stdout).toContain('::error::injected by the pod')
    expect(r.outputs).toMatchObject({ 'rolled-back': 'true', 'previous-revision': '1', revision: '3', 'ready-replicas': '2' })
    expect(r.summary).toContain('config.pbtxt missing')
    // log lines sit verbatim inside a fenced code block, where nothing renders as HTML
    expect(r.summary).toMatch(
      /```\nI1204 loading add_sub\nE1204 failed to load add_sub: <script>alert\(1\)<\/script> config.pbtxt missing\n::error::injected by the pod\n```/
    )
    expect(r.summary).toContain('↩️ failed and rolled back')
    expect(await image(c.kubeconfig)).toBe(IMG1)
    expect((await kubectl(c.kubeconfig, ['rollout', 'status', 'deploy/triton', '-n', 'inference', '--timeout=10s'])).code).toBe(0)
    const history = await kubectl(c.kubeconfig, ['rollout', 'history', 'deploy/triton', '-n', 'inference'])
    expect(history.stdout).toMatch(/2\s+gpuship triton-rollout registry.example\/triton@sha256:b+/)
  })

  test('failed gates roll back to the previous revision', async () => {
    // the new image serves /v2/health/ready but its model never loads
    const c = await cluster({ onTriton: (img, t) => img === IMG2 && t.faults.modelNotReady('add_sub') })
    sim = c.sim
    expect((await rollout(c.kubeconfig, { image: IMG1 })).exitCode).toBe(0)
    const r = await rollout(c.kubeconfig, { image: IMG2 })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/Gates failed: .*add_sub/)
    expect(r.outputs).toMatchObject({ 'rolled-back': 'true', 'previous-revision': '1', revision: '3' })
    expect(r.summary).toContain('GPU gates failed')
    expect(await image(c.kubeconfig)).toBe(IMG1)
  })

  test('an image missing from the registry fails fast with the reason and rolls back', async () => {
    const c = await cluster({ imageExists: (ref) => ref !== IMG2 })
    sim = c.sim
    expect((await rollout(c.kubeconfig, { image: IMG1, gates: 'false' })).exitCode).toBe(0)
    const r = await rollout(c.kubeconfig, { image: IMG2, gates: 'false' })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/cannot be pulled .*does not exist in the registry/)
    expect(r.outputs['rolled-back']).toBe('true')
    expect(r.summary).toContain('ErrImagePull'.slice(0, 0) + 'failed to resolve reference')
    expect(await image(c.kubeconfig)).toBe(IMG1)
  })

  test.each([
    ['no GPU capacity', { 'gpus-per-pod': '2' }, /No node has 2 free nvidia\.com\/gpu .*device plugin runs on all 2 GPU node/, 'Insufficient nvidia.com/gpu'],
    [
      'untolerated taint',
      { 'gpus-per-pod': '0', 'node-selector': 'nvidia.com/gpu.present=true', tolerations: 'dedicated=other:NoSchedule' },
      /does not tolerate the taint \{nvidia\.com\/gpu: present\}/,
      'untolerated taint'
    ],
    [
      'selector matching no node',
      { 'node-selector': 'karpenter.sh/nodepool=gpu' },
      /node selector karpenter\.sh\/nodepool=gpu .*matches no schedulable node/,
      "didn't match Pod's node affinity/selector"
    ]
  ])('%s fails fast on the first rollout (nothing to roll back to)', async (_n, inputs, message, detail) => {
    const c = await cluster()
    sim = c.sim
    const r = await rollout(c.kubeconfig, { image: IMG1, gates: 'false', ...inputs })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(message)
    expect(r.outputs).toMatchObject({ 'rolled-back': 'false', 'previous-revision': '' })
    expect(r.summary).toContain(detail)
    const pods = await kubectl(c.kubeconfig, ['get', 'pods', '-n', 'inference'])
    expect(pods.stdout).toMatch(/triton-\S+\s+0\/1\s+Pending/)
  })

  test('progress deadline exceeded (user manifests with the image substituted)', async () => {
    const c = await cluster({ timeScale: 40 })
    sim = c.sim
    sim.scenario.neverReady(IMG1)
    sim.scenario.ensureNamespace('inference')
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'))
    writeFileSync(
      join(dir, 'triton.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: triton }
spec:
  replicas: 1
  progressDeadlineSeconds: 4
  selector: { matchLabels: { app.kubernetes.io/name: triton } }
  template:
    metadata: { labels: { app.kubernetes.io/name: triton } }
    spec:
      containers:
      - name: triton
        image: registry.example/triton:latest
        ports: [{ name: http, containerPort: 8000 }]
        readinessProbe: { httpGet: { path: /v2/health/ready, port: http } }
`
    )
    const r = await rollout(c.kubeconfig, { image: IMG1, manifests: dir, gates: 'false' })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toContain('exceeded its progress deadline')
    const st = await kubectl(c.kubeconfig, ['rollout', 'status', 'deploy/triton', '-n', 'inference', '--timeout=10s'])
    expect(st.code).toBe(1)
    expect(st.stderr).toContain('error: deployment "triton" exceeded its progress deadline')
  })

  test('an image reference that was not substituted is an error, before anything is applied', async () => {
    const c = await cluster()
    sim = c.sim
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'))
    writeFileSync(
      join(dir, 'd.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: triton }\nspec:\n  selector: { matchLabels: { app: t } }\n  template:\n    metadata: { labels: { app: t } }\n    spec: { containers: [{ name: triton, image: "nvcr.io/nvidia/tritonserver:24.08-py3" }] }\n'
    )
    const r = await rollout(c.kubeconfig, { image: IMG1, manifests: dir })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/No container image in Deployment triton was substituted: it uses nvcr\.io\/nvidia\/tritonserver:24\.08-py3/)
    expect(sim.store.get('deployments', 'inference', 'triton')).toBeUndefined()
  })

  test('a tag that cannot be resolved is refused', async () => {
    const c = await cluster()
    sim = c.sim
    const r = await rollout(c.kubeconfig, { image: '127.0.0.1:1/triton:v1' })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/is not by digest and its tag could not be resolved/)
  })

  test('a watch cut mid-rollout and a 410 are survived', async () => {
    const c = await cluster()
    sim = c.sim
    sim.scenario.slowReady(IMG1, 1500)
    sim.faults.expireWatches(1, 'http')
    const p = rollout(c.kubeconfig, { image: IMG1, gates: 'false' })
    await until(() => sim!.requests.some((q) => q.path.includes('watch=true') && q.userAgent.startsWith('gpuship') && q.path.includes('/pods?')), 30_000)
    await new Promise((r) => setTimeout(r, 300))
    const cutAt = Date.now()
    expect(sim.faults.cutWatches()).toBeGreaterThan(0)
    const r = await p
    expect(r.exitCode).toBe(0)
    expect(r.outputs['ready-replicas']).toBe('2')
    const ours = sim.requests.filter((q) => q.userAgent.startsWith('gpuship') && q.path.includes('watch=true'))
    expect(ours.some((q) => q.status === 410)).toBe(true)
    // after the cut: watches resumed from a resourceVersion, not from scratch
    expect(ours.filter((q) => q.at >= cutAt && /resourceVersion=\d+/.test(q.path)).length).toBeGreaterThan(0)
  })

  test('HPA scale-up from a fed metric is observed and reported', async () => {
    const c = await cluster()
    sim = c.sim
    sim.scenario.setMetric('inference', 'nv_inference_pending_request_count', 20)
    const r = await rollout(c.kubeconfig, { image: IMG1, 'gpus-per-pod': '0', 'autoscaling-min': '1', 'autoscaling-max': '4', 'autoscaling-target': '5' })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    await until(() => sim!.store.get('deployments', 'inference', 'triton')?.spec.replicas === 4)
    expect(r.summary).toMatch(/desired 4/)
    expect(r.summary).toContain('ValidMetricFound')
    const hpa = await kubectl(c.kubeconfig, ['get', 'hpa', '-n', 'inference'])
    expect(hpa.stdout).toMatch(/triton\s+Deployment\/triton\s+20\/5\s+1\s+4\s+4/)
  })

  test('an HPA whose metric is missing is a clear failure', async () => {
    const c = await cluster()
    sim = c.sim
    const r = await rollout(c.kubeconfig, {
      image: IMG1,
      'gpus-per-pod': '0',
      'autoscaling-min': '1',
      'autoscaling-max': '3',
      'autoscaling-metric': 'external:queue_depth',
      gates: 'false'
    })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(
      /HorizontalPodAutoscaler triton cannot scale: FailedGetExternalMetric: the HPA was unable to compute the replica count: unable to get external metric inference\/queue_depth/
    )
    expect(r.errors.join('\n')).toContain('KEDA or prometheus-adapter')
  })
})
