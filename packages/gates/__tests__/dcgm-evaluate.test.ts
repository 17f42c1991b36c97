import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDcgmExporterSimulator, type DcgmSimulator } from '@gpuship/testkit'
import { DEFAULT_POLICY, evaluateDcgm, resolvePolicy, snapshotFromText, type DcgmSnapshot, type GpuVerdict } from '../src/index.js'

/** Renders `n` scrapes of the simulator, running `before(i)` ahead of each. */
function window(sim: DcgmSimulator, n: number, before: (i: number) => void = () => {}): DcgmSnapshot[] {
  return Array.from({ length: n }, (_, i) => {
    before(i)
    sim.scrapes++
    return snapshotFromText(sim.render(), sim.node)
  })
}

function check(v: GpuVerdict, name: string) {
  const c = v.checks.find((x) => x.name === name)
  if (!c) throw new Error(`no check ${name} in ${v.checks.map((x) => x.name).join(',')}`)
  return c
}

const node = 'ip-10-0-1-17.ec2.internal'
const policy = resolvePolicy({})

describe('DCGM evaluation over a window', () => {
  test('a healthy node under load passes every check with values', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 2 })
    sim.load(63)
    const gpus = evaluateDcgm([{ node, samples: window(sim, 4) }], policy, { underLoad: true })
    expect(gpus).toHaveLength(2)
    for (const g of gpus) {
      expect(g.status).toBe('pass')
      expect(g).toMatchObject({ node, model: 'NVIDIA H100 80GB HBM3', uuid: sim.gpus[Number(g.gpu)].uuid })
      expect(g.checks.map((c) => [c.name, c.status])).toEqual([
        ['presence', 'pass'],
        ['xid', 'pass'],
        ['ecc-dbe', 'pass'],
        ['row-remap', 'pass'],
        ['temperature', 'pass'],
        ['memory-temperature', 'pass'],
        ['framebuffer', 'pass'],
        ['throttling', 'pass'],
        ['utilization', 'pass']
      ])
      expect(check(g, 'utilization').value).toBe('mean 63 %')
      expect(g.series.temperature).toHaveLength(4)
      expect(check(g, 'temperature').counts).toEqual({ Successful: 4, Failed: 0, Inconclusive: 0, Error: 0 })
    }
  })

  test.each([
    ['critical XID 79', (s: DcgmSimulator) => s.faults.xid(1, 79), 'xid', /XID 79: GPU has fallen off the bus/],
    ['double-bit ECC', (s: DcgmSimulator) => s.faults.ecc(1, 2), 'ecc-dbe', /double-bit ECC errors 2 > 0/],
    ['row-remap failure', (s: DcgmSimulator) => s.faults.rowRemapFailure(1), 'row-remap', /row-remap failure 1 > 0/],
    ['overheating', (s: DcgmSimulator) => s.faults.overheat(1, 91), 'temperature', /GPU temperature 9[12] °C > 85 °C/],
    ['hot HBM', (s: DcgmSimulator) => s.faults.overheat(1, 60, 101), 'memory-temperature', /memory temperature 10[12] °C > 95 °C/],
    ['thermal throttling', (s: DcgmSimulator) => s.faults.throttle(1, 0x40), 'throttling', /throttled in 100 % of 4 samples > 25 %/],
    ['framebuffer full', (s: DcgmSimulator) => { s.gpus[1].fbUsed = 80_000; s.gpus[1].fbFree = 1000 }, 'framebuffer', /framebuffer 98\.1 % used > 95 %/],
    ['idle under load', (s: DcgmSimulator) => s.load(0, [1]), 'utilization', /GPU utilisation mean 0 % < 1 %/]
  ])('%s fails that GPU only', (_, fault, name, message) => {
    const sim = createDcgmExporterSimulator({ node, gpus: 2 })
    sim.load(50)
    fault(sim)
    const [g0, g1] = evaluateDcgm([{ node, samples: window(sim, 4) }], policy, { underLoad: true })
    expect(g0.status).toBe('pass')
    expect(g1.status).toBe('fail')
    expect(check(g1, name).status).toBe('fail')
    expect(check(g1, name).message).toMatch(message)
    expect(g1.reasons.join('\n')).toMatch(name)
  })

  test('a non-critical XID is recorded but passes', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 1 })
    sim.faults.xid(0, 13)
    const [g] = evaluateDcgm([{ node, samples: window(sim, 2) }], policy)
    expect(check(g, 'xid')).toMatchObject({ status: 'pass', value: '13' })
    expect(check(g, 'xid').measurements[0].message).toMatch(/XID 13 \(not critical\)/)
  })

  test('throttling in a quarter of the samples or less passes; power capping counts as throttling', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 1 })
    const [ok] = evaluateDcgm([{ node, samples: window(sim, 4, (i) => sim.faults.throttle(0, i === 0 ? 0x4 : 0)) }], policy)
    expect(check(ok, 'throttling')).toMatchObject({ status: 'pass', value: '25 % of 4' })
    const [bad] = evaluateDcgm([{ node, samples: window(sim, 4, (i) => sim.faults.throttle(0, i < 2 ? 0x4 : 0x1)) }], policy)
    expect(check(bad, 'throttling').status).toBe('fail')
  })

  test('the utilisation check is skipped when no load ran, unless always', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 1 })
    const [g] = evaluateDcgm([{ node, samples: window(sim, 2) }], policy)
    expect(check(g, 'utilization')).toMatchObject({ status: 'skipped', message: 'no load ran during the window' })
    const [h] = evaluateDcgm([{ node, samples: window(sim, 2) }], resolvePolicy({ utilization: { always: true } }))
    expect(check(h, 'utilization').status).toBe('fail')
  })

  test('a GPU that vanishes mid-window fails for that GPU, and its chart drops out', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 3 })
    const samples = window(sim, 5, (i) => (i === 2 ? sim.faults.gone(1) : undefined))
    const gpus = evaluateDcgm([{ node, samples }], policy)
    expect(gpus.map((g) => g.status)).toEqual(['pass', 'fail', 'pass'])
    expect(check(gpus[1], 'presence')).toMatchObject({ status: 'fail', value: '2/5 samples' })
    expect(check(gpus[1], 'presence').message).toMatch(/vanished .* at sample 3/)
    expect(gpus[1].series.temperature.slice(2)).toEqual([null, null, null])
    // only presence judges the absent samples: no cascade of inconclusive checks
    expect(gpus[1].reasons).toHaveLength(1)
    expect(check(gpus[1], 'temperature')).toMatchObject({ status: 'pass', counts: { Successful: 2, Failed: 0, Inconclusive: 0, Error: 0 } })
  })

  test('missing metrics: inconclusive by default, fail or skip when the policy says so', () => {
    const text = '# TYPE DCGM_FI_DEV_GPU_TEMP gauge\nDCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-x",modelName="T4",Hostname="n1"} 50\n'
    const samples = [snapshotFromText(text), snapshotFromText(text)]
    const [g] = evaluateDcgm([{ node: 'n1', samples }], policy)
    expect(g.status).toBe('inconclusive')
    expect(check(g, 'xid')).toMatchObject({ status: 'inconclusive' })
    expect(check(g, 'xid').message).toMatch(/2 inconclusive measurement\(s\) > inconclusiveLimit 1: DCGM_FI_DEV_XID_ERRORS not exported/)
    expect(check(g, 'ecc-dbe').status).toBe('skipped')
    const [f] = evaluateDcgm([{ node: 'n1', samples }], resolvePolicy({ whenMissing: 'fail' }))
    expect(check(f, 'xid').status).toBe('fail')
    const [s] = evaluateDcgm([{ node: 'n1', samples }], resolvePolicy({ whenMissing: 'skip' }))
    expect(s.status).toBe('pass')
    expect(check(s, 'temperature').status).toBe('pass')
  })

  test('NaN follows whenNaN; one NaN sample is within inconclusiveLimit', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 1 })
    const samples = window(sim, 4, (i) => (sim.gpus[0].temp = i === 1 ? NaN : 40))
    const [g] = evaluateDcgm([{ node, samples }], policy)
    expect(check(g, 'temperature').counts.Inconclusive).toBe(1)
    expect(check(g, 'temperature').status).toBe('pass')
    const [f] = evaluateDcgm([{ node, samples }], resolvePolicy({ temperature: { whenNaN: 'fail' } }))
    expect(check(f, 'temperature').status).toBe('fail')
  })

  test('DCGM blank values (not supported) count as missing, not as a temperature', () => {
    const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
    const snap = snapshotFromText(readFileSync(join(fixtures, 'readme-quickstart.prom'), 'utf8'), 'n1')
    const [g] = evaluateDcgm([{ node: 'n1', samples: [snap] }], resolvePolicy({ whenMissing: 'skip' }))
    expect(g.uuid).toBe('GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52')
    expect(check(g, 'memory-temperature').status).toBe('skipped')
  })

  test('scrape errors: within consecutiveErrorLimit they do not fail; beyond it they do', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 1 })
    const good = window(sim, 2)
    const err = (): DcgmSnapshot => ({ node, error: 'HTTP 503', gpus: new Map() })
    const [ok] = evaluateDcgm([{ node, samples: [good[0], err(), err(), good[1]] }], policy)
    expect(ok.status).toBe('pass')
    const [bad] = evaluateDcgm([{ node, samples: [good[0], err(), err(), err(), err(), err(), good[1]] }], policy)
    expect(check(bad, 'temperature').message).toMatch(/5 scrape errors in a row > consecutiveErrorLimit 4/)
    expect(bad.status).toBe('fail')
  })

  test('failureLimit tolerates that many failed measurements', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 1 })
    const samples = window(sim, 4, (i) => sim.faults.overheat(0, i === 2 ? 90 : 50))
    expect(evaluateDcgm([{ node, samples }], policy)[0].status).toBe('fail')
    expect(evaluateDcgm([{ node, samples }], resolvePolicy({ failureLimit: 1 }))[0].status).toBe('pass')
  })

  test('pod attribution and the GPU filter', () => {
    const sim = createDcgmExporterSimulator({ node, gpus: 4 })
    sim.attribute(2, { name: 'triton-7d9f-abc', namespace: 'inference' })
    const samples = window(sim, 1)
    const mine = evaluateDcgm([{ node, samples }], policy, { gpuFilter: (g) => g.pod?.startsWith('triton-') === true })
    expect(mine.map((g) => [g.gpu, g.pod, g.namespace])).toEqual([['2', 'triton-7d9f-abc', 'inference']])
  })

  test('every measurement is logged', () => {
    const lines: string[] = []
    const log = { debug() {}, info: (m: string) => lines.push(m), warning: (m: string) => lines.push(m), error() {}, startGroup() {}, endGroup() {} }
    const sim = createDcgmExporterSimulator({ node, gpus: 1 })
    evaluateDcgm([{ node, samples: window(sim, 2) }], DEFAULT_POLICY, { log })
    expect(lines.filter((l) => /sample \d\/2: .*temperature=3\d+ Successful/.test(l))).toHaveLength(2)
    expect(lines.at(-1)).toMatch(/GPU 0 .*: PASS/)
  })
})
