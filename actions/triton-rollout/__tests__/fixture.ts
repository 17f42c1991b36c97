import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import {
  createDcgmExporterSimulator,
  createTritonSimulator,
  runAction,
  startKubeSimulator,
  type ActionResult,
  type KubeSimulator,
  type KubeSimulatorOptions
} from '@gpuship/testkit'

export const actionDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
export const IMG1 = 'registry.example/triton@sha256:' + 'a'.repeat(64)
export const IMG2 = 'registry.example/triton@sha256:' + 'b'.repeat(64)

/**
 * A cluster for the action: a CPU node and GPU nodes (1 GPU each, tainted) with the device plugin
 * and dcgm-exporter; every Triton pod answers with its own Triton simulator, every exporter pod
 * with a DCGM simulator for its node.
 */
export async function cluster(
  o: KubeSimulatorOptions & { gpuNodes?: number; onTriton?: (image: string, t: ReturnType<typeof createTritonSimulator>) => void } = {}
): Promise<{ sim: KubeSimulator; kubeconfig: string }> {
  const triton = new Map<string, ReturnType<typeof createTritonSimulator>>()
  const dcgm = new Map<string, ReturnType<typeof createDcgmExporterSimulator>>()
  const sim = await startKubeSimulator({
    ...o,
    podBackend: (pod, port) => {
      if (pod.metadata.labels?.app === 'dcgm-exporter' && port === 9400) {
        const node = pod.spec.nodeName
        if (!dcgm.has(node)) dcgm.set(node, createDcgmExporterSimulator({ node, gpus: 1 }))
        return dcgm.get(node)!.handler
      }
      if (pod.metadata.labels?.['app.kubernetes.io/name'] !== 'triton') return undefined
      if (!triton.has(pod.metadata.uid)) {
        const t = createTritonSimulator()
        o.onTriton?.(pod.spec.containers[0].image, t)
        triton.set(pod.metadata.uid, t)
      }
      const t = triton.get(pod.metadata.uid)!
      return port === 8000 ? t.handler : port === 8002 ? t.metricsHandler : undefined
    }
  })
  sim.scenario.addNode({ name: 'cpu-1' })
  const n = o.gpuNodes ?? 2
  for (let i = 1; i <= n; i++) sim.scenario.addNode({ name: `gpu-${i}`, gpus: 1, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] })
  sim.scenario.devicePlugin(true)
  sim.scenario.dcgmExporter(true)
  await until(() => sim.store.list('nodes').filter((x) => x.status.allocatable['nvidia.com/gpu'] === '1').length === n)
  const dir = mkdtempSync(join(tmpdir(), 'rollout-kube-'))
  const kubeconfig = join(dir, 'config')
  writeFileSync(kubeconfig, sim.kubeconfig())
  return { sim, kubeconfig }
}

export async function until<T>(fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

export const baseInputs = {
  namespace: 'inference',
  name: 'triton',
  replicas: '2',
  'scheduling-grace': '0s',
  timeout: '30s',
  'gate-samples': '1',
  'gate-interval': '100ms'
}

export function rollout(kubeconfig: string, inputs: Record<string, string>): Promise<ActionResult> {
  return runAction({
    actionDir,
    inputs: { ...baseInputs, ...inputs },
    env: { KUBECONFIG: kubeconfig, GITHUB_SHA: 'c0ffee1234', GITHUB_REPOSITORY: 'acme/models', GITHUB_RUN_ID: '42' },
    timeoutMs: 60_000
  })
}

/** The preinstalled kubectl against the simulator (async: the simulator lives in this process), with a fresh discovery cache. */
export function kubectl(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', mkdtempSync(join(tmpdir(), 'kc-')), ...args],
      { encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
      }
    )
  })
}
