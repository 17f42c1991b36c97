/* eslint-disable @typescript-eslint/no-explicit-any */
import { startKubeSimulator, type KubeSimulator, type KubeSimulatorOptions } from '@gpuship/testkit'
import { createKubeClient, type KubeClient } from '../src/index.js'

export interface Fixture {
  sim: KubeSimulator
  client: KubeClient
}

/** A simulator with one CPU node and two tainted GPU nodes (1 GPU each) running the device plugin. */
export async function gpuCluster(opts: KubeSimulatorOptions = {}, devicePlugin = true): Promise<Fixture> {
  const sim = await startKubeSimulator(opts)
  sim.scenario.addNode({ name: 'cpu-1' })
  for (const n of ['gpu-1', 'gpu-2']) sim.scenario.addNode({ name: n, gpus: 1, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] })
  if (devicePlugin) sim.scenario.devicePlugin(true)
  sim.scenario.ensureNamespace('inference')
  // GPU nodes advertise nvidia.com/gpu only once the device plugin pods are ready
  if (devicePlugin) await until(() => sim.store.list('nodes').filter((n) => n.status.allocatable['nvidia.com/gpu'] === '1').length === 2)
  const client = await createKubeClient({ kubeconfig: sim.kubeconfig() })
  return { sim, client }
}

export function tritonDeployment(
  image: string,
  o: {
    name?: string
    replicas?: number
    gpus?: number
    tolerate?: boolean
    nodeSelector?: Record<string, string>
    progressDeadlineSeconds?: number
    maxSurge?: number
  } = {}
): Record<string, any> {
  const name = o.name ?? 'triton'
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'inference' },
    spec: {
      replicas: o.replicas ?? 2,
      progressDeadlineSeconds: o.progressDeadlineSeconds,
      ...(o.maxSurge !== undefined ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge, maxUnavailable: 1 } } } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector: o.nodeSelector,
          tolerations: o.tolerate === false ? undefined : [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [
            {
              name: 'triton',
              image,
              ports: [
                { name: 'http', containerPort: 8000 },
                { name: 'metrics', containerPort: 8002 }
              ],
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' } },
              resources: { limits: { 'nvidia.com/gpu': String(o.gpus ?? 1) } }
            }
          ]
        }
      }
    }
  }
}

export async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
