import { createDcgmExporterSimulator } from '../packages/testkit/src/dcgm/index.js'
import { evaluateDcgm, parsePrometheusText, resolvePolicy, snapshotFromText, type NodeWindow } from '../packages/gates/src/index.js'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { timeMedian, type Bench } from './harness.js'

/**
 * The gate's hot path at fleet scale: 125 GPU nodes × 8 GPUs, every node's full dcgm-exporter
 * scrape (the default counters plus ECC and clock-event reasons) parsed and evaluated against
 * the default policy, for one round and for a 6-sample window.
 */
const NODES = 125
const GPUS = 8

function scrapes(round: number): string[] {
  return sims.map((s) => {
    s.scrapes = round
    return s.render()
  })
}

const sims = Array.from({ length: NODES }, (_, i) => {
  const s = createDcgmExporterSimulator({ node: `ip-10-0-${Math.floor(i / 250)}-${i % 250}.ec2.internal`, gpus: GPUS })
  s.load(40 + (i % 50))
  for (let g = 0; g < GPUS; g += 3) s.attribute(g, { name: `triton-${i}-${g}`, namespace: 'inference' })
  if (i % 17 === 0) s.faults.xid(i % GPUS, 79)
  return s
})
const rounds = Array.from({ length: 6 }, (_, r) => scrapes(r + 1))
const policy = resolvePolicy({})

function evaluate(texts: string[][], onStep: () => void = () => {}): number {
  const windows: NodeWindow[] = sims.map((s, n) => ({
    node: s.node,
    samples: texts.map((round) => {
      const snap = snapshotFromText(round[n], s.node)
      onStep()
      return snap
    })
  }))
  const n = evaluateDcgm(windows, policy, { underLoad: true }).length
  onStep()
  return n
}

// a real gc() for a clean baseline, without asking the caller for --expose-gc
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Heap growth at its highest, sampled after every node's scrape is parsed and after the evaluation. */
function peakHeapMb(fn: (onStep: () => void) => unknown): number {
  gc()
  const base = process.memoryUsage().heapUsed
  let peak = base
  fn(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)))
  return (peak - base) / 1024 / 1024
}

const bench: Bench = {
  name: `gates: parse and evaluate dcgm-exporter metrics of ${NODES * GPUS} GPUs (${NODES} nodes × ${GPUS})`,
  async run() {
    const bytes = rounds[0].reduce((a, t) => a + t.length, 0)
    const lines = rounds[0].reduce((a, t) => a + t.split('\n').length, 0)
    const gpus = evaluate([rounds[0]])
    if (gpus !== NODES * GPUS) throw new Error(`expected ${NODES * GPUS} verdicts, got ${gpus}`)
    const split = await timeMedian(() => rounds[0].forEach((t) => t.split('\n')), 9)
    const parseOnly = await timeMedian(() => rounds[0].forEach((t) => parsePrometheusText(t)), 9)
    const one = await timeMedian(() => evaluate([rounds[0]]), 9)
    const six = await timeMedian(() => evaluate(rounds), 5)
    const heapOne = peakHeapMb((step) => evaluate([rounds[0]], step))
    const heapSix = peakHeapMb((step) => evaluate(rounds, step))
    return [
      { label: `one round: ${(bytes / 1e6).toFixed(1)} MB, ${lines} lines, parse (families kept)`, value: parseOnly, unit: 'ms', baseline: { label: 'String.split into lines', value: split } },
      { label: 'one round: parse (streaming) + evaluate, median', value: one, unit: 'ms' },
      { label: 'one round: peak heap growth', value: heapOne, unit: 'MB', note: 'includes garbage not yet collected; the scrape text is not counted' },
      { label: '6-sample window: parse + evaluate, median', value: six, unit: 'ms' },
      { label: '6-sample window: peak heap growth', value: heapSix, unit: 'MB' }
    ]
  }
}
export default bench
