import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startKubeSimulator, type KubeSimulator } from '../src/index.js'

// The preinstalled kubectl (the gcloud dispatcher, see shared/KUBECTL-WIRE.md) against the
// simulator. Asynchronous on purpose: the simulator answers from this very process.
const dir = mkdtempSync(join(tmpdir(), 'kube-fidelity-'))
function kubectl(kubeconfig: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', mkdtempSync(join(dir, 'cache-')), ...args],
      { encoding: 'utf8', timeout: timeoutMs },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
    )
  })
}

const deployment = (image: string, extra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: x }
spec:
  replicas: 2
${extra}  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{ name: http, containerPort: 8000 }]
        readinessProbe: { httpGet: { path: /v2/health/ready, port: http } }
`

let sim: KubeSimulator
let kc: string
const file = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

beforeAll(async () => {
  sim = await startKubeSimulator({
    timeScale: 20,
    tokens: { admin: { username: 'admin', groups: ['system:masters'] }, viewer: { username: 'viewer', groups: [] } },
    rbac: { viewer: [{ verbs: ['get', 'list', 'watch'], resources: ['*'] }] }
  })
  sim.scenario.addNode({ name: 'cpu-1' })
  sim.scenario.addNode({ name: 'gpu-1', gpus: 1, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] })
  sim.scenario.ensureNamespace('x')
  kc = file('admin.kubeconfig', sim.kubeconfig({ token: 'admin' }))
})
afterAll(async () => {
  await sim.close()
})

describe('kubectl against the Kubernetes simulator', () => {
  test('get nodes prints the real columns; -o json is a List', async () => {
    const r = await kubectl(kc, ['get', 'nodes'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\ncpu-1\s+Ready\s+<none>\s+\d+s\s+v1\.32\.4-eks-1234567\ngpu-1\s+Ready/)
    const j = await kubectl(kc, ['get', 'nodes', '-o', 'json'])
    expect(JSON.parse(j.stdout)).toMatchObject({ kind: 'List', items: [{ metadata: { name: 'cpu-1' } }, { metadata: { name: 'gpu-1' } }] })
    // the dispatcher's /version picked kubectl 1.32
    expect(sim.requests.some((q) => q.userAgent.startsWith('kubectl/v1.32.4'))).toBe(true)
    // aggregated discovery: /api and /apis answer everything, no per-group-version requests
    expect(sim.requests.filter((q) => /^\/(api\/v1|apis\/apps\/v1)\?timeout/.test(q.path))).toEqual([])
  })

  test('apply --server-side, rollout status, get deploy/pods, logs, rollout undo', async () => {
    const a = await kubectl(kc, ['apply', '--server-side', '-f', file('v1.yaml', deployment('nginx:1'))])
    expect(a).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied\n' })
    const s1 = await kubectl(kc, ['rollout', 'status', 'deploy/web', '-n', 'x', '--timeout=20s'])
    expect(s1.code).toBe(0)
    expect(s1.stdout.trim().split('\n').pop()).toBe('deployment "web" successfully rolled out')
    const g = await kubectl(kc, ['get', 'deploy', '-n', 'x'])
    expect(g.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+\d+s\n$/)
    const pods = JSON.parse((await kubectl(kc, ['get', 'pods', '-n', 'x', '-o', 'json'])).stdout)
    expect(pods.items).toHaveLength(2)
    expect(pods.items.every((p: { spec: { nodeName: string } }) => p.spec.nodeName === 'cpu-1')).toBe(true) // the GPU node is tainted
    sim.scenario.setLogs('x', pods.items[0].metadata.name, 'web', ['one', 'two', 'three'])
    const logs = await kubectl(kc, ['logs', pods.items[0].metadata.name, '-n', 'x', '--tail=2'])
    expect(logs).toMatchObject({ code: 0, stdout: 'two\nthree\n' })

    expect((await kubectl(kc, ['apply', '--server-side', '-f', file('v2.yaml', deployment('nginx:2'))])).code).toBe(0)
    expect((await kubectl(kc, ['rollout', 'status', 'deploy/web', '-n', 'x', '--timeout=20s'])).code).toBe(0)
    const u = await kubectl(kc, ['rollout', 'undo', 'deploy/web', '-n', 'x'])
    expect(u).toMatchObject({ code: 0, stdout: 'deployment.apps/web rolled back\n' })
    expect((await kubectl(kc, ['rollout', 'status', 'deploy/web', '-n', 'x', '--timeout=20s'])).code).toBe(0)
    const d = sim.store.get('deployments', 'x', 'web')!
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1')
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3')
    // the undo reused revision 1's ReplicaSet instead of making a new one
    expect(sim.store.list('replicasets', 'x')).toHaveLength(2)
  })

  test('server-side apply conflicts answer 409 FieldManagerConflict unless forced', async () => {
    const other = file('other.yaml', deployment('nginx:9'))
    const r = await kubectl(kc, ['apply', '--server-side', '--field-manager=someone-else', '-f', other])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.template.spec.containers[name="web"].image')
    const f = await kubectl(kc, ['apply', '--server-side', '--field-manager=someone-else', '--force-conflicts', '-f', other])
    expect(f.code).toBe(0)
    expect(sim.store.get('deployments', 'x', 'web')!.spec.template.spec.containers[0].image).toBe('nginx:9')
  })

  test('rollout status: progress deadline exceeded', async () => {
    sim.scenario.neverReady('nginx:bad')
    await kubectl(kc, ['apply', '--server-side', '--force-conflicts', '-f', file('bad.yaml', deployment('nginx:bad', '  progressDeadlineSeconds: 3\n'))])
    const s = await kubectl(kc, ['rollout', 'status', 'deploy/web', '-n', 'x', '--timeout=30s'])
    expect(s.code).toBe(1)
    expect(s.stderr).toContain('error: deployment "web" exceeded its progress deadline')
  })

  test('rollout status survives a watch cut and a 410', async () => {
    sim.scenario.slowReady('nginx:slow', 2500)
    await kubectl(kc, ['apply', '--server-side', '--force-conflicts', '-f', file('slow.yaml', deployment('nginx:slow'))])
    sim.faults.expireWatches(1, 'event')
    const p = kubectl(kc, ['rollout', 'status', 'deploy/web', '-n', 'x', '--timeout=40s'], 45_000)
    const start = Date.now()
    while (!sim.requests.some((q) => q.at >= start && q.path.includes('watch=true') && q.userAgent.startsWith('kubectl/')) && Date.now() - start < 20_000)
      await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 1500))
    sim.faults.cutWatches()
    const s = await p
    expect(s.code).toBe(0)
    expect(s.stdout).toContain('deployment "web" successfully rolled out')
    const watches = sim.requests.filter((q) => q.at >= start && q.path.includes('watch=true') && q.userAgent.startsWith('kubectl/'))
    expect(watches.length).toBeGreaterThanOrEqual(2)
  })

  test('bad token is 401; a user without the verb is 403 with the real message', async () => {
    const bad = await kubectl(file('bad.kubeconfig', sim.kubeconfig({ token: 'nope' })), ['get', 'nodes'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('You must be logged in to the server')
    const viewer = file('viewer.kubeconfig', sim.kubeconfig({ token: 'viewer' }))
    expect((await kubectl(viewer, ['get', 'deploy', '-n', 'x'])).code).toBe(0)
    const denied = await kubectl(viewer, ['delete', 'deploy', 'web', '-n', 'x'])
    expect(denied.code).toBe(1)
    expect(denied.stderr).toContain(
      'deployments.apps "web" is forbidden: User "viewer" cannot delete resource "deployments" in API group "apps" in the namespace "x"'
    )
  })

  test('exec credential plugin: kubectl runs it and its token is checked', async () => {
    const plugin = file('plugin.sh', `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"admin"}}'\n`)
    chmodSync(plugin, 0o755)
    const r = await kubectl(file('exec.kubeconfig', sim.kubeconfig({ exec: { command: plugin } })), ['get', 'ns'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+AGE\n/)
    expect(r.stdout).toContain('kube-system')
  })

  test('FailedScheduling events carry the scheduler message format', async () => {
    await kubectl(kc, [
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      file('gpu.yaml', deployment('nginx:1').replace('ports:', 'resources: { limits: { nvidia.com/gpu: "1" } }\n        ports:'))
    ])
    const start = Date.now()
    let ev = ''
    while (Date.now() - start < 10_000) {
      ev = (await kubectl(kc, ['get', 'events', '-n', 'x'])).stdout
      if (ev.includes('FailedScheduling')) break
    }
    expect(ev).toContain(
      '0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.'
    )
  })
})
