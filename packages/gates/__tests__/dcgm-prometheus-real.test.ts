import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDcgmExporterSimulator, type DcgmSimulator } from '@gpuship/testkit'
import { runGates } from '../src/index.js'

// Fidelity: a real Prometheus (Debian's prometheus package) scrapes the dcgm-exporter
// simulators, and the gate reads the GPUs back through Prometheus's /api/v1/query.
const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0
const log = { debug() {}, info() {}, warning() {}, error() {}, startGroup() {}, endGroup() {} }

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

const sims: { sim: DcgmSimulator; close(): Promise<void>; port: number }[] = []
let prom: ChildProcess | undefined
let promUrl = ''
let dir = ''

;(hasPrometheus ? describe : describe.skip)('DCGM through a real Prometheus', () => {
  beforeAll(async () => {
    for (const node of ['gpu-node-1', 'gpu-node-2']) {
      const sim = createDcgmExporterSimulator({ node, gpus: 2 })
      sim.load(30)
      const l = await sim.listen()
      sims.push({ sim, close: l.close, port: l.port })
    }
    sims[1].sim.faults.overheat(0, 94)
    sims[0].sim.attribute(1, { name: 'triton-abc', namespace: 'inference' })
    dir = mkdtempSync(join(tmpdir(), 'gpuship-prom-'))
    writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: dcgm\n    static_configs:\n      - targets: [${sims.map((s) => `'127.0.0.1:${s.port}'`).join(', ')}]\n`)
    const port = await freePort()
    promUrl = `http://127.0.0.1:${port}`
    prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' })
    const end = Date.now() + 30_000
    for (;;) {
      try {
        const r = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent('count(DCGM_FI_DEV_GPU_TEMP)')}`)).json()) as { data?: { result?: { value: [number, string] }[] } }
        if (r.data?.result?.[0]?.value[1] === '4') break
      } catch {
        // not up yet
      }
      if (Date.now() > end) throw new Error('Prometheus did not scrape the simulators within 30 s')
      await new Promise((r) => setTimeout(r, 250))
    }
  }, 40_000)
  afterAll(async () => {
    if (prom?.pid) {
      prom.kill('SIGTERM')
      await new Promise((r) => prom!.once('exit', r))
    }
    await Promise.all(sims.map((s) => s.close()))
    rmSync(dir, { recursive: true, force: true })
  })

  test('reads every GPU, keeps workload attribution, and fails the hot one', async () => {
    const v = await runGates({ triton: [], dcgm: sims.map((s) => ({ node: s.sim.node, target: { name: 'unused', request: async () => ({ status: 599, headers: {}, body: '' }) } })), prometheusUrl: promUrl, window: { samples: 2, intervalMs: 1100 }, log })
    expect(v.gpus.map((g) => `${g.node}/${g.gpu}:${g.status}`)).toEqual(['gpu-node-1/0:pass', 'gpu-node-1/1:pass', 'gpu-node-2/0:fail', 'gpu-node-2/1:pass'])
    expect(v.gpus[1]).toMatchObject({ pod: 'triton-abc', namespace: 'inference', uuid: sims[0].sim.gpus[1].uuid, model: 'NVIDIA H100 80GB HBM3' })
    expect(v.failures.join('\n')).toMatch(/gpu-node-2 GPU 0 .*temperature fail: .*GPU temperature 9[45] °C > 85 °C/)
  }, 20_000)
})
