/**
 * Doctor figures: the rules over a large cluster's evidence (pure CPU), one full diagnosis of
 * the healthy scenario over the loopback simulators with the real SDK clients (and how many read
 * calls it makes), and the eks-doctor bundle as the runner runs it, beside one awscli call.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createKubeHttpReader, createSdkAwsReader, diagnose, evaluate } from '../packages/doctor/src/index.js'
import { applyScenario, createAwsSimulator, runAction, startKubeSimulator } from '../packages/testkit/src/index.js'
import { gpuNode, healthyEvidence, node, pod } from '../packages/doctor/__tests__/evidence-fixture.js'
import { timeMedian, type Bench, type Figure } from './harness.js'

const exec = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function bigEvidence(nodes: number, podsPerNode: number) {
  const e = healthyEvidence()
  const k = e.kube!
  k.nodes = Array.from({ length: nodes }, (_, i) => (i % 4 === 0 ? gpuNode(`gpu-${i}`, 8) : node(`cpu-${i}`)))
  k.pods = k.nodes.flatMap((n) => Array.from({ length: podsPerNode }, (_, j) => pod(`p-${n.name}-${j}`, { nodeName: n.name })))
  for (let i = 0; i < 200; i++) {
    k.pods.push(pod(`pending-${i}`, { phase: 'Pending', nodeName: undefined, gpuRequest: 1 }))
    k.events.push({
      namespace: 'inference',
      type: 'Warning',
      reason: 'FailedScheduling',
      message: `0/${nodes} nodes are available: ${nodes} Insufficient nvidia.com/gpu.`,
      kind: 'Pod',
      name: `pending-${i}`,
      count: 3
    })
  }
  return e
}

const bench: Bench = {
  name: 'doctor',
  async run() {
    const figures: Figure[] = []
    const big = bigEvidence(1000, 20)
    figures.push({ label: 'rules over 1000 nodes, 20k pods, 200 Pending (evaluate)', value: await timeMedian(() => evaluate(big), 5), unit: 'ms' })

    const aws = await createAwsSimulator()
    const kube = await startKubeSimulator({ clusterName: 'gpu-prod' })
    try {
      const s = await applyScenario('healthy', { aws, kube })
      const kubeconfig = kube.kubeconfig()
      const once = async () => {
        const reader = createKubeHttpReader({ kubeconfig })
        try {
          return await diagnose({
            clusterName: s.clusterName,
            aws: createSdkAwsReader({ region: s.region, endpoint: aws.endpoint, credentials: s.credentials }),
            kube: reader
          })
        } finally {
          reader.close()
        }
      }
      const awsBefore = aws.calls.length
      const kubeBefore = kube.requests.length
      await once()
      figures.push({
        label: 'read calls per diagnosis (AWS / Kubernetes)',
        value: aws.calls.length - awsBefore,
        unit: 'AWS calls',
        note: `${kube.requests.length - kubeBefore} Kubernetes GETs`
      })
      figures.push({ label: 'full diagnosis over the simulators (healthy, in-process)', value: await timeMedian(once, 5), unit: 'ms' })

      const dir = mkdtempSync(join(tmpdir(), 'bench-doctor-'))
      writeFileSync(join(dir, 'kubeconfig'), kubeconfig)
      const env = { ...aws.env(s.credentials, s.region), KUBECONFIG: join(dir, 'kubeconfig'), RUNNER_TEMP: dir }
      const actionDir = join(root, 'actions/eks-doctor')
      if (existsSync(join(actionDir, 'dist/index.js'))) {
        const action = await timeMedian(() => runAction({ actionDir, inputs: { 'cluster-name': 'gpu-prod' }, env }), 3)
        const cli = '/usr/bin/aws'
        let baseline: Figure['baseline']
        if (existsSync(cli)) {
          const home = mkdtempSync(join(tmpdir(), 'bench-aws-'))
          const one = await timeMedian(
            () =>
              exec(cli, ['eks', 'describe-nodegroup', '--cluster-name', 'gpu-prod', '--nodegroup-name', 'gpu', '--endpoint-url', aws.endpoint], {
                env: { ...env, PATH: process.env.PATH ?? '', HOME: home }
              }),
            3
          )
          baseline = { label: 'one `aws eks describe-nodegroup`', value: one }
        }
        figures.push({ label: 'eks-doctor bundle, whole step (healthy)', value: action, unit: 'ms', baseline })
      }
    } finally {
      await Promise.all([aws.close(), kube.close()])
    }
    return figures
  }
}

export default bench
