import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_TOKEN, createDcgmExporterSimulator, createTritonSimulator, runAction, startGitHubSimulator, type DcgmSimulator, type GitHubSimulator, type TritonSimulator } from '@gpuship/testkit'

// Runs the bundled dist (node scripts/bundle.mjs --only gpu-gate) as the runner would, against
// loopback Triton and dcgm-exporter simulators given as URLs, and the GitHub simulator.
const actionDir = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const REPO = 'octo-org/inference'
let gh: GitHubSimulator
let triton: TritonSimulator
let tritonSrv: Awaited<ReturnType<TritonSimulator['listen']>>
const nodes: { sim: DcgmSimulator; url: string; close(): Promise<void> }[] = []
let ws = ''

beforeAll(async () => {
  gh = await startGitHubSimulator()
  gh.state.repo(REPO)
  triton = createTritonSimulator()
  tritonSrv = await triton.listen()
  for (const name of ['gpu-node-a', 'gpu-node-b']) {
    const sim = createDcgmExporterSimulator({ node: name, gpus: 2 })
    sim.load(55)
    const l = await sim.listen()
    nodes.push({ sim, url: l.url, close: l.close })
  }
  ws = mkdtempSync(join(tmpdir(), 'gpu-gate-ws-'))
  const x = Array.from({ length: 16 }, (_, i) => i / 2)
  writeFileSync(join(ws, 'request.json'), JSON.stringify({ inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [16], data: x }, { name: 'INPUT1', datatype: 'FP32', shape: [16], data: x }] }))
  writeFileSync(join(ws, 'expected.json'), JSON.stringify({ OUTPUT0: x.map((v) => v * 2), OUTPUT1: x.map(() => 0) }))
  writeFileSync(join(ws, 'policy.yaml'), 'temperature:\n  maxC: 80\n')
})
afterAll(async () => {
  await Promise.all([gh.stop(), tritonSrv.close(), ...nodes.map((n) => n.close())])
})

function gate(inputs: Record<string, string> = {}) {
  return runAction({
    actionDir,
    workspace: ws,
    repository: REPO,
    inputs: {
      'triton-urls': tritonSrv.url,
      'triton-metrics-urls': tritonSrv.metricsUrl,
      'dcgm-urls': nodes.map((n) => `${n.sim.node}=${n.url}`).join('\n'),
      'smoke-model': 'add_sub',
      'smoke-request': 'request.json',
      'smoke-expected': 'expected.json',
      'latency-requests': '5',
      samples: '3',
      interval: '1s',
      'github-token': DEFAULT_TOKEN,
      ...inputs
    },
    env: { GITHUB_API_URL: gh.url },
    secrets: [DEFAULT_TOKEN]
  })
}

function gpuIssues() {
  return [...(gh.state.repo(REPO)?.issues.values() ?? [])].filter((i) => i.labels.includes('gpu-health'))
}

describe('gpu-gate action', () => {
  test('a healthy deploy passes; the summary has the verdict table and both Mermaid charts', async () => {
    const r = await gate({ policy: 'policy.yaml' })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    expect(r.outputs).toMatchObject({ passed: 'true', inconclusive: 'false', 'failing-gpus': '[]', 'sick-nodes': '', 'cordoned-nodes': '', 'issue-number': '' })
    expect(r.summary).toContain('### ✅ GPU gates passed')
    expect(r.summary).toMatch(/\| `gpu-node-a` \| 0 \| `GPU-[0-9a-f-]+` \| NVIDIA H100 80GB HBM3 \|/)
    expect(r.summary).toContain('title "GPU temperature over the window"')
    expect(r.summary).toContain('title "GPU utilisation over the window"')
    expect(r.summary).toMatch(/smoke inference \| ✅ pass/)
    expect(r.stdout).toMatch(/::group::DCGM window: 3 sample\(s\) every 1000 ms on 2 node\(s\)/)
    expect(r.leaks).toEqual([])
  })

  test('a sick GPU fails the step, opens one issue, updates it on the next run, and closes it when healthy', async () => {
    nodes[1].sim.faults.xid(1, 79)
    try {
    const first = await gate({ 'open-issue': 'true' })
    expect(first.exitCode).toBe(1)
    expect(first.outputs.passed).toBe('false')
    expect(first.outputs['sick-nodes']).toBe('gpu-node-b')
    const failing = JSON.parse(first.outputs['failing-gpus']) as { node: string; gpu: string; reasons: string[] }[]
    expect(failing.map((g) => `${g.node}/${g.gpu}`)).toEqual(['gpu-node-b/1'])
    expect(first.errors.join('\n')).toMatch(/GPU gate failed: .*gpu-node-b GPU 1 .*XID 79: GPU has fallen off the bus/)
    expect(gpuIssues()).toHaveLength(1)
    const issue = gpuIssues()[0]
    expect(first.outputs['issue-number']).toBe(String(issue.number))
    expect(issue.title).toBe('GPU health: 1 sick GPU(s) on gpu-node-b')
    expect(issue.body).toContain('<!-- gpuship:gpu-health')
    expect(issue.body).toMatch(/\| `gpu-node-b` \| 1 \| `GPU-[0-9a-f-]+` \| NVIDIA H100 80GB HBM3 \| xid fail: .*XID 79/)

    nodes[0].sim.faults.overheat(0, 92)
    const second = await gate({ 'open-issue': 'true' })
    expect(second.exitCode).toBe(1)
    expect(gpuIssues()).toHaveLength(1)
    expect(gpuIssues()[0].title).toBe('GPU health: 2 sick GPU(s) on gpu-node-a, gpu-node-b')

    nodes[1].sim.faults.xid(1, 0)
    nodes[0].sim.faults.overheat(0, 40)
    const third = await gate({ 'open-issue': 'true' })
    expect(third.exitCode).toBe(0)
    expect(gpuIssues()[0].state).toBe('closed')
    expect(third.leaks).toEqual([])
    } finally {
      nodes[1].sim.faults.xid(1, 0)
      nodes[0].sim.faults.overheat(0, 34)
    }
  })

  test('wrong inference output fails with the difference in the summary', async () => {
    triton.faults.wrongOutput = true
    try {
      const r = await gate()
      expect(r.exitCode).toBe(1)
      expect(r.summary).toMatch(/smoke inference \| ❌ fail \| output OUTPUT0: 16 of 16 elements outside/)
    } finally {
      triton.faults.wrongOutput = false
    }
  })

  test('fleet scope over exporters only; inconclusive can be allowed', async () => {
    const r = await gate({ scope: 'fleet', 'triton-urls': '', 'triton-metrics-urls': '', 'smoke-model': '', 'latency-requests': '0', policy: '' })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    expect(r.summary).toContain('0 Triton pod(s), 4 GPU(s) checked, 0 failing.')
    nodes[0].sim.emptyNext(100)
    try {
      const strict = await gate({ scope: 'fleet', 'triton-urls': '', 'triton-metrics-urls': '', 'smoke-model': '', 'latency-requests': '0', samples: '2' })
      expect(strict.exitCode).toBe(1)
      expect(strict.errors.join('\n')).toMatch(/GPU gate inconclusive/)
      const lenient = await gate({ scope: 'fleet', 'triton-urls': '', 'triton-metrics-urls': '', 'smoke-model': '', 'latency-requests': '0', samples: '2', 'fail-on-inconclusive': 'false' })
      expect(lenient.exitCode).toBe(0)
      expect(lenient.warnings.join('\n')).toMatch(/gpu-node-a: no GPU metrics in 2 scrape\(s\)/)
    } finally {
      nodes[0].sim.emptyNext(0)
    }
  })

  test.each([
    [{ 'dcgm-urls': 'gpu-node-a http://x' }, /Invalid dcgm-urls entry 'gpu-node-a http:\/\/x'. Expected NODE=URL/],
    [{ 'smoke-request': 'missing.json' }, /Cannot read smoke-request file missing\.json: ENOENT/],
    [{ scope: 'cluster' }, /scope/],
    [{ policy: 'request.json' }, /request\.json: Invalid GPU policy key "inputs": unknown key/],
    [{ 'cordon-on-fail': 'yes' }, /cordon-on-fail/]
  ])('bad input %j fails with a clear error', async (inputs, re) => {
    const r = await gate(inputs)
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(re)
  })
})
