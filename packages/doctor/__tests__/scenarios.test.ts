import { describe, test, expect, afterEach } from '@jest/globals'
import { createAwsSimulator, startKubeSimulator, applyScenario, SCENARIOS, type AwsSimulator, type KubeSimulator } from '@gpuship/testkit'
import { diagnose, createSdkAwsReader, createKubeHttpReader, RULES } from '../src/index.js'

// Each scenario over both simulators with the real SDK clients and @kubernetes/client-node:
// the scenario's rule fires (and nothing else), the healthy cluster yields nothing, and every
// request either simulator saw was a read.
let aws: AwsSimulator | undefined
let kube: KubeSimulator | undefined
afterEach(async () => {
  await aws?.close()
  await kube?.close()
  aws = kube = undefined
})

async function run(name: string) {
  aws = await createAwsSimulator()
  kube = await startKubeSimulator({ clusterName: 'gpu-prod' })
  const s = await applyScenario(name, { aws, kube })
  const reader = createKubeHttpReader({ kubeconfig: kube.kubeconfig() })
  try {
    const { report } = await diagnose({
      clusterName: s.clusterName,
      aws: createSdkAwsReader({ region: s.region, endpoint: aws.endpoint, credentials: s.credentials, maxAttempts: 1 }),
      kube: reader
    })
    return report
  } finally {
    reader.close()
  }
}

describe('doctor over the scenarios', () => {
  test('every rule has a scenario that makes it fire', () => {
    const covered = new Set(Object.values(SCENARIOS).map((s) => s.rule))
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([])
  })

  test.each(Object.entries(SCENARIOS).map(([name, s]) => [name, s.rule ?? '(none)']))('%s -> %s', async (name, rule) => {
    const report = await run(name)
    expect(report.readErrors).toEqual([])
    const fired = [...new Set(report.findings.map((f) => f.rule))]
    expect(fired).toEqual(rule === '(none)' ? [] : [rule])
    // read-only: AWS operations are Describe/List/Get (REST: GET), Kubernetes requests are GETs
    const writes = (aws as AwsSimulator).calls.filter((c) => !(/^(Describe|List|Get|Filter)/.test(c.action) || c.action.startsWith('GET ')))
    expect(writes).toEqual([])
    expect((kube as KubeSimulator).requests.filter((r) => r.method !== 'GET')).toEqual([])
    if (rule !== '(none)') {
      const f = report.findings[0]
      expect(f.runbook).toBe(`docs/runbooks/${rule}.md`)
      expect(Object.keys(f.evidence).length).toBeGreaterThan(0)
      expect(f.fix.text.length).toBeGreaterThan(10)
    }
  })
})
