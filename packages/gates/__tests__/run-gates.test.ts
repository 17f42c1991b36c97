import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { createDcgmExporterSimulator, createTritonSimulator, type DcgmSimulator, type TritonSimulator } from '@gpuship/testkit'
import { runGates, urlTarget, type GateOptions, type SmokeSpec } from '../src/index.js'

const log = { debug() {}, info() {}, warning() {}, error() {}, startGroup() {}, endGroup() {} }
const noSleep = async () => {}

const x = Array.from({ length: 16 }, (_, i) => i)
const y = Array.from({ length: 16 }, () => 1)
const smoke: SmokeSpec = {
  model: 'add_sub',
  request: { inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [16], data: x }, { name: 'INPUT1', datatype: 'FP32', shape: [16], data: y }] },
  expected: { OUTPUT0: x.map((v) => v + 1), OUTPUT1: x.map((v) => v - 1) },
  tolerance: 1e-6
}

interface Pod {
  triton: TritonSimulator
  close(): Promise<void>
  url: string
  metricsUrl: string
}
interface Node {
  dcgm: DcgmSimulator
  url: string
  close(): Promise<void>
}

let pods: Pod[] = []
let nodes: Node[] = []

async function fleet(opts: { pods?: number; nodes?: number; gpus?: number } = {}) {
  await teardown()
  for (let i = 0; i < (opts.pods ?? 2); i++) {
    const triton = createTritonSimulator()
    const l = await triton.listen()
    pods.push({ triton, ...l })
  }
  for (let i = 0; i < (opts.nodes ?? 2); i++) {
    const dcgm = createDcgmExporterSimulator({ node: `gpu-node-${i + 1}`, gpus: opts.gpus ?? 2 })
    dcgm.load(40)
    const l = await dcgm.listen()
    nodes.push({ dcgm, url: l.url, close: l.close })
  }
}

async function teardown() {
  await Promise.all([...pods, ...nodes].map((p) => p.close()))
  pods = []
  nodes = []
}

function options(extra: Partial<GateOptions> = {}): GateOptions {
  return {
    triton: pods.map((p) => urlTarget(p.url, { timeoutMs: 2000 })),
    tritonMetrics: pods.map((p) => urlTarget(p.metricsUrl, { timeoutMs: 2000 })),
    dcgm: nodes.map((n) => ({ node: n.dcgm.node, target: urlTarget(n.url, { timeoutMs: 2000 }) })),
    smoke,
    window: { samples: 3, intervalMs: 1 },
    log,
    sleep: noSleep,
    ...extra
  }
}

afterAll(teardown)

describe('runGates over loopback simulators', () => {
  beforeAll(() => fleet())

  test('a healthy rollout passes, with a per-GPU verdict and Markdown', async () => {
    const v = await runGates(options({ latency: { requests: 5 } }))
    expect(v.failures).toEqual([])
    expect(v.passed).toBe(true)
    expect(v.triton.targets).toHaveLength(2)
    expect(v.triton.targets[0].checks.map((c) => c.name)).toEqual(['live', 'ready', 'model add_sub@1 ready', 'smoke inference', 'latency', 'failure counter'])
    expect(v.gpus.map((g) => `${g.node}/${g.gpu}:${g.status}`)).toEqual(['gpu-node-1/0:pass', 'gpu-node-1/1:pass', 'gpu-node-2/0:pass', 'gpu-node-2/1:pass'])
    expect(v.triton.targets[0].latency?.requests).toBe(5)
    const md = v.markdown()
    expect(md).toMatch(/### ✅ GPU gates passed/)
    expect(md).toMatch(/```mermaid\nxychart-beta\n {2}title "GPU temperature over the window"/)
    expect(md).toMatch(/title "GPU utilisation over the window"/)
    expect(md).toContain(nodes[0].dcgm.gpus[0].uuid)
    // the repository index was used because no models were given
    expect(pods[0].triton.requests.some((r) => r.path === '/v2/repository/index')).toBe(true)
  })

  test('model not ready fails that pod', async () => {
    pods[1].triton.faults.modelNotReady('add_sub')
    try {
      const v = await runGates(options({ models: ['add_sub'] }))
      expect(v.passed).toBe(false)
      expect(v.failures.join('\n')).toMatch(/127\.0\.0\.1:\d+: model add_sub ready: \/v2\/models\/add_sub\/ready returned HTTP 400/)
      expect(v.triton.targets.map((t) => t.status)).toEqual(['pass', 'fail'])
    } finally {
      pods[1].triton.faults.modelNotReady('add_sub', false)
    }
  })

  test('server not ready stops that pod before the models', async () => {
    pods[0].triton.faults.ready = false
    try {
      const v = await runGates(options())
      expect(v.triton.targets[0].checks.map((c) => `${c.name}:${c.status}`)).toEqual(['live:pass', 'ready:fail'])
    } finally {
      pods[0].triton.faults.ready = true
    }
  })

  test('a wrong inference output fails with the first differing element', async () => {
    pods[0].triton.faults.wrongOutput = true
    try {
      const v = await runGates(options())
      expect(v.passed).toBe(false)
      expect(v.failures.join('\n')).toMatch(/smoke inference: output OUTPUT0: 16 of 16 elements outside ±0\.000001 \(first: \[0\] = 2, expected 1\)/)
    } finally {
      pods[0].triton.faults.wrongOutput = false
    }
  })

  test('latency over the p95 limit fails', async () => {
    pods[1].triton.faults.slowMs = 25
    try {
      const v = await runGates(options({ latency: { requests: 4, p95Ms: 20 } }))
      const l = v.triton.targets[1].checks.find((c) => c.name === 'latency')!
      expect(l.status).toBe('fail')
      expect(l.detail).toMatch(/p95 \d+(\.\d+)? ms > 20 ms/)
      expect(v.triton.targets[1].latency!.p95Ms).toBeGreaterThanOrEqual(25)
    } finally {
      pods[1].triton.faults.slowMs = 0
    }
  })

  test('Triton failure counter rising during the gate fails', async () => {
    const metricsBefore = pods[0].triton.models.get('add_sub')!.failure
    // a backend failing on other traffic while the gate runs: rises after the first read
    const orig = pods[0].triton.metricsHandler
    let reads = 0
    pods[0].triton.metricsHandler = orig
    const target = urlTarget(pods[0].metricsUrl)
    const counting = { name: target.name, request: async (m: string, p: string, b?: string, h?: Record<string, string>) => { if (reads++ === 1) pods[0].triton.faults.failuresRise('add_sub', 3); return target.request(m, p, b, h) } }
    const v = await runGates(options({ tritonMetrics: [counting, urlTarget(pods[1].metricsUrl)] }))
    expect(v.failures.join('\n')).toMatch(new RegExp(`failure counter: nv_inference_request_failure ${metricsBefore} -> ${metricsBefore + 3} \\(\\+3 during the gate\\)`))
  })

  test('a GPU vanishing mid-window fails that GPU; the others pass', async () => {
    const sim = nodes[1].dcgm
    const at = sim.scrapes + 2
    sim.onScrape(at, (s) => s.faults.gone(0))
    try {
      const v = await runGates(options())
      const bad = v.gpus.filter((g) => g.status === 'fail')
      expect(bad.map((g) => `${g.node}/${g.gpu}`)).toEqual(['gpu-node-2/0'])
      expect(v.failures.join('\n')).toMatch(/gpu-node-2 GPU 0 .*presence fail: GPU vanished/)
    } finally {
      sim.faults.restore(0)
    }
  })

  test('"no data yet" waits for the exporter instead of counting empty scrapes', async () => {
    nodes[0].dcgm.emptyNext(2)
    const v = await runGates(options())
    expect(v.passed).toBe(true)
    const g = v.gpus.find((x) => x.node === 'gpu-node-1')!
    expect(g.checks.find((c) => c.name === 'presence')!.value).toBe('3/3 samples')
  })

  test('an exporter that never answers makes the verdict fail on consecutive errors', async () => {
    nodes[0].dcgm.failNext(10)
    try {
      const v = await runGates(options({ window: { samples: 6, intervalMs: 1 } }))
      expect(v.passed).toBe(false)
      expect(v.failures.join('\n')).toMatch(/gpu-node-1: dcgm-exporter failed 6 scrapes in a row > consecutiveErrorLimit 4: GET \/metrics on 127\.0\.0\.1:\d+ returned HTTP 503/)
    } finally {
      nodes[0].dcgm.failNext(0)
    }
  })

  test('no GPU metrics at all is inconclusive, not a pass', async () => {
    const v = await runGates(options({ gpuFilter: () => false }))
    expect(v.passed).toBe(false)
    expect(v.inconclusive).toBe(true)
  })

  test('Triton unreachable fails with the address', async () => {
    const v = await runGates(options({ triton: [urlTarget('http://127.0.0.1:1', { timeoutMs: 500 })], tritonMetrics: [], dcgm: [] }))
    expect(v.passed).toBe(false)
    expect(v.failures[0]).toMatch(/live: \/v2\/health\/live: GET http:\/\/127\.0\.0\.1:1\/v2\/health\/live failed/)
  })
})

describe('DCGM from a Prometheus server (/api/v1/query)', () => {
  let prom: Server
  let promUrl = ''
  const queries: string[] = []
  beforeAll(async () => {
    await fleet({ pods: 1, nodes: 2 })
    nodes[1].dcgm.faults.overheat(1, 93)
    // a minimal Prometheus: answers an instant vector from the exporters' current output, with the
    // target labels a ServiceMonitor adds (the exporter pod's own pod/namespace)
    const { snapshotFromText } = await import('../src/index.js')
    prom = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://p')
      queries.push(url.searchParams.get('query') ?? '')
      const result = nodes.flatMap((n) => {
        n.dcgm.scrapes++
        const snap = snapshotFromText(n.dcgm.render(), '')
        return [...snap.gpus.values()].flatMap((g) =>
          Object.entries(g.values).map(([name, v]) => ({
            metric: { __name__: name, gpu: g.gpu, UUID: g.uuid, modelName: g.model, Hostname: g.node, pod: 'nvidia-dcgm-exporter-wqqqn', namespace: 'gpu-operator', container: 'nvidia-dcgm-exporter', instance: '10.0.0.1:9400', job: 'nvidia-dcgm-exporter' },
            value: [1773114089.184, String(v)]
          }))
        )
      })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }))
    })
    await new Promise<void>((r) => prom.listen(0, '127.0.0.1', () => r()))
    const a = prom.address()
    promUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`
  })
  afterAll(async () => {
    prom.closeAllConnections()
    await new Promise((r) => prom.close(r))
  })

  test('reads every GPU of the nodes through Prometheus and fails the hot one', async () => {
    const v = await runGates(options({ prometheusUrl: promUrl }))
    expect(queries[0]).toBe('{__name__=~"DCGM_FI_.*",Hostname=~"gpu-node-1|gpu-node-2"}')
    expect(v.gpus).toHaveLength(4)
    expect(v.gpus.filter((g) => g.status === 'fail').map((g) => `${g.node}/${g.gpu}`)).toEqual(['gpu-node-2/1'])
    // the exporter pod's own labels are not mistaken for a workload's
    expect(v.gpus.every((g) => g.pod === undefined)).toBe(true)
  })
})

describe('verdict Markdown escapes untrusted text', () => {
  test('a hostile model name and node name cannot inject Markdown, HTML or Mermaid', async () => {
    const { renderVerdictMarkdown } = await import('../src/index.js')
    const g = {
      node: 'n<script>|x',
      gpu: '0',
      uuid: 'GPU-`x`',
      model: '**bold** [link](http://x)',
      status: 'fail' as const,
      checks: [],
      series: { temperature: [50, 90], utilization: [1, 2] },
      reasons: []
    }
    const text = renderVerdictMarkdown({ passed: false, inconclusive: false, failures: ['n<script>: "quoted" ]] %%{init}%%'], triton: { passed: true, targets: [] }, gpus: [g] })
    // only inside a code span (the chart legend), where GitHub shows it as text
    expect(text.replace(/`n<script>[^`]*`/g, '')).not.toContain('<script>')
    expect(text).toContain('| `n<script>\\|x` |')
    expect(text).toContain('\\*\\*bold\\*\\*')
    expect(text).toContain('`` GPU-`x` ``')
    const chart = text.slice(text.indexOf('```mermaid'))
    expect(chart).not.toMatch(/"[^"\n]*<script/)
  })
})
