/**
 * Rollout: how soon a finished rollout is noticed, by @gpuship/kube's watch and by
 * `kubectl rollout status`, on the same Kubernetes simulator; and what one rollout costs in API
 * requests (the library's wait, and the whole triton-rollout action over its dist).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startKubeSimulator, runAction, type KubeSimulator } from '../packages/testkit/src/index.js'
import { applyObject, createKubeClient, deploymentRolloutState, waitForRollout, type KubeObject } from '../packages/kube/src/index.js'
import { median, type Bench, type Figure } from './harness.js'

const IMG = 'registry.example/triton@sha256:' + 'c'.repeat(64)

function deployment(name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'bench' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'triton',
              image: IMG,
              ports: [{ name: 'http', containerPort: 8000 }],
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' } }
            }
          ]
        }
      }
    }
  }
}

/** Resolves with the time the simulator's store first holds the deployment in a completed state. */
function completedAt(sim: KubeSimulator, name: string): Promise<number> {
  return new Promise((resolve) => {
    const stop = sim.store.watch({
      plural: 'deployments',
      send: (ev) => {
        if (ev.object.metadata.name === name && deploymentRolloutState(ev.object).done) {
          const t = performance.now()
          stop()
          resolve(t)
        }
      }
    })
  })
}

function kubectlNotices(kubeconfig: string, name: string): { noticed: Promise<number> } {
  const child = spawn('kubectl', [
    '--kubeconfig',
    kubeconfig,
    '--cache-dir',
    mkdtempSync(join(tmpdir(), 'kc-bench-')),
    'rollout',
    'status',
    `deploy/${name}`,
    '-n',
    'bench',
    '--timeout=60s'
  ])
  let out = ''
  let noticed!: (t: number) => void
  const p = new Promise<number>((r) => (noticed = r))
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString()
    if (out.includes('successfully rolled out')) noticed(performance.now())
  })
  return { noticed: p }
}

export default {
  name: 'rollout (Kubernetes simulator, loopback HTTPS)',
  async run(): Promise<Figure[]> {
    const sim = await startKubeSimulator({ timing: { tickMs: 5 } })
    sim.scenario.addNode({ name: 'cpu-1', cpu: '64' })
    sim.scenario.ensureNamespace('bench')
    sim.scenario.slowReady(IMG, 2000)
    const dir = mkdtempSync(join(tmpdir(), 'rollout-bench-'))
    const kubeconfig = join(dir, 'config')
    writeFileSync(kubeconfig, sim.kubeconfig())
    const client = await createKubeClient({ kubeconfig: sim.kubeconfig() })
    const lib: number[] = []
    const kubectl: number[] = []
    const libRequests: number[] = []
    const kubectlRequests: number[] = []
    try {
      for (let i = 0; i < 5; i++) {
        const name = `web-${i}`
        const done = completedAt(sim, name)
        await applyObject(client, deployment(name), { fieldManager: 'bench' })
        const before = sim.requests.length
        const k = kubectlNotices(kubeconfig, name)
        const startCount = client.requestCount()
        const l = waitForRollout(client, { namespace: 'bench', name, timeoutMs: 60_000 }).then(() => performance.now())
        const [tDone, tLib, tKubectl] = await Promise.all([done, l, k.noticed])
        lib.push(tLib - tDone)
        kubectl.push(tKubectl - tDone)
        libRequests.push(client.requestCount() - startCount)
        kubectlRequests.push(sim.requests.slice(before).filter((q) => q.userAgent.startsWith('kubectl')).length)
      }
      const figures: Figure[] = [
        {
          label: 'rollout complete -> @gpuship/kube waitForRollout notices (median of 5)',
          value: median(lib),
          unit: 'ms',
          baseline: { label: 'kubectl rollout status', value: median(kubectl) }
        },
        {
          label: 'API requests of one waitForRollout (deployment + pod watches)',
          value: median(libRequests),
          unit: 'requests',
          baseline: { label: 'kubectl rollout status, cold cache', value: median(kubectlRequests) }
        }
      ]
      const dist = join(import.meta.dirname ?? '.', '..', 'actions', 'triton-rollout', 'dist', 'index.js')
      if (existsSync(dist)) {
        sim.scenario.slowReady(IMG, 200)
        const before = sim.requests.length
        const r = await runAction({
          actionDir: join(import.meta.dirname ?? '.', '..', 'actions', 'triton-rollout'),
          inputs: { image: IMG, namespace: 'bench', name: 'triton', 'gpus-per-pod': '0', replicas: '2', gates: 'false', timeout: '60s' },
          env: { KUBECONFIG: kubeconfig }
        })
        if (r.exitCode !== 0) throw new Error(`triton-rollout failed: ${r.errors.join('; ')}`)
        figures.push({
          label: 'API requests of one triton-rollout run (apply, watch, summary; gates off)',
          value: sim.requests.slice(before).filter((q) => q.userAgent.startsWith('gpuship')).length,
          unit: 'requests',
          note: `${r.durationMs} ms wall`
        })
      } else figures.push({ label: 'triton-rollout dist not built (node scripts/bundle.mjs --only triton-rollout)', value: 0, unit: 'requests' })
      return figures
    } finally {
      client.close()
      await sim.close()
    }
  }
} satisfies Bench
