import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createKubeClient } from '@gpuship/kube'
import { createDcgmExporterSimulator, createTritonSimulator, runAction, startKubeSimulator, type DcgmSimulator, type KubeSimulator, type TritonSimulator } from '@gpuship/testkit'

// The action's own discovery path: Deployment -> running pods -> Triton through the API server's
// pod proxy, and the dcgm-exporter DaemonSet pod on each pod's node; cordon through the API.
const actionDir = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const NODES = ['ip-10-0-2-11.ec2.internal', 'ip-10-0-2-12.ec2.internal']
let kube: KubeSimulator
let kubeconfig = ''
const dcgm = new Map<string, DcgmSimulator>()
const tritons = new Map<string, TritonSimulator>()

async function until(what: string, ok: () => boolean, ms = 15_000) {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

beforeAll(async () => {
  for (const n of NODES) {
    const s = createDcgmExporterSimulator({ node: n, gpus: 1 })
    s.load(45)
    dcgm.set(n, s)
  }
  kube = await startKubeSimulator({
    podBackend: (pod, port) => {
      const image = String(pod.spec?.containers?.[0]?.image ?? '')
      if (port === 9400 && /dcgm-exporter/.test(image)) return dcgm.get(String(pod.spec?.nodeName))?.handler
      if (!/triton/.test(image)) return undefined
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`
      if (!tritons.has(key)) tritons.set(key, createTritonSimulator())
      return port === 8000 ? tritons.get(key)!.handler : port === 8002 ? tritons.get(key)!.metricsHandler : undefined
    }
  })
  for (const n of NODES) kube.scenario.addNode({ name: n, gpus: 1, instanceType: 'g5.xlarge', taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }] })
  kube.scenario.devicePlugin(true)
  kube.scenario.dcgmExporter(true)
  kube.scenario.ensureNamespace('inference')
  const dir = mkdtempSync(join(tmpdir(), 'gpu-gate-kube-'))
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, kube.kubeconfig({ token: kube.adminToken }), { mode: 0o600 })
  const client = await createKubeClient({ kubeconfigPath: kubeconfig })
  const labels = { app: 'triton' }
  await client.json('POST', '/apis/apps/v1/namespaces/inference/deployments', {
    jsonBody: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'triton', namespace: 'inference', labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{ name: 'triton', image: 'nvcr.io/nvidia/tritonserver:24.08-py3', ports: [{ containerPort: 8000 }, { containerPort: 8002 }], resources: { limits: { 'nvidia.com/gpu': '1' } } }]
          }
        }
      }
    }
  })
  await until('2 running Triton pods and 2 exporters', () => kube.store.list('pods', 'inference').filter((p) => p.status?.phase === 'Running').length === 2 && kube.store.list('pods', 'gpu-monitoring').filter((p) => p.status?.phase === 'Running').length === 2)
})
afterAll(() => kube.close())

describe('gpu-gate through the Kubernetes API', () => {
  test('finds the pods and exporters, gates through the pod proxy, and cordons the node with the sick GPU', async () => {
    const sickNode = kube.store.list('pods', 'inference')[1].spec.nodeName as string
    dcgm.get(sickNode)!.faults.ecc(0, 4)
    const r = await runAction({
      actionDir,
      inputs: { namespace: 'inference', deployment: 'triton', samples: '2', interval: '1s', 'cordon-on-fail': 'true', models: 'add_sub' },
      env: { KUBECONFIG: kubeconfig }
    })
    expect(r.exitCode).toBe(1)
    expect(r.outputs['sick-nodes']).toBe(sickNode)
    expect(r.outputs['cordoned-nodes']).toBe(sickNode)
    expect(kube.store.get('nodes', undefined, sickNode)?.spec.unschedulable).toBe(true)
    expect(kube.store.get('nodes', undefined, sickNode)?.metadata.annotations?.['gpuship.io/cordon-reason']).toMatch(/ecc-dbe fail: .*double-bit ECC errors 4 > 0/)
    expect(kube.store.get('nodes', undefined, NODES.find((n) => n !== sickNode)!)?.spec.unschedulable).not.toBe(true)
    expect(r.summary).toMatch(/\| `pod\/triton-[a-z0-9-]+:8000` \| model add\\_sub ready \| ✅ pass/)
    // every call went through the API server: pod proxy for Triton (8000, 8002) and the exporters (9400)
    const proxied = kube.requests.filter((q) => q.path.includes('/proxy/')).map((q) => q.path.replace(/\/proxy\/.*/, '/proxy'))
    expect(proxied.some((p) => /\/namespaces\/inference\/pods\/triton-[^/]+:8000\/proxy/.test(p))).toBe(true)
    expect(proxied.some((p) => /\/namespaces\/inference\/pods\/triton-[^/]+:8002\/proxy/.test(p))).toBe(true)
    expect(proxied.some((p) => /\/namespaces\/gpu-monitoring\/pods\/dcgm-exporter-[^/]+:9400\/proxy/.test(p))).toBe(true)
    expect(r.leaks).toEqual([])
  })

  test('a missing Deployment is a clear error', async () => {
    const r = await runAction({ actionDir, inputs: { namespace: 'inference', deployment: 'nope' }, env: { KUBECONFIG: kubeconfig } })
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(/nope/)
  })
})
