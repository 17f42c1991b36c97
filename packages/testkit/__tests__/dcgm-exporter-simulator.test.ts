import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createDcgmExporterSimulator, type Listening } from '../src/index.js'

const promtool = spawnSync('promtool', ['--version']).status === 0

describe('dcgm-exporter simulator', () => {
  const sim = createDcgmExporterSimulator({ node: 'ip-10-0-3-7.ec2.internal', gpus: 2, driver: '580.105.08' })
  let l: Listening
  beforeAll(async () => {
    sim.attribute(0, { name: 'triton-6f9c-x2', namespace: 'inference' })
    l = await sim.listen()
  })
  afterAll(() => l.close())

  test('writes the exporter template: label order, attribution only on held GPUs, HELP/TYPE per counter', async () => {
    const res = await fetch(`${l.url}/metrics`)
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await res.text()
    const lines = text.split('\n')
    expect(lines.slice(0, 2)).toEqual(['# HELP DCGM_FI_DEV_SM_CLOCK SM clock frequency (in MHz).', '# TYPE DCGM_FI_DEV_SM_CLOCK gauge'])
    expect(lines[2]).toMatch(/^DCGM_FI_DEV_SM_CLOCK\{gpu="0",UUID="GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",pci_bus_id="00000000:53:00\.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="ip-10-0-3-7\.ec2\.internal",DCGM_FI_DRIVER_VERSION="580\.105\.08",container="triton",namespace="inference",pod="triton-6f9c-x2"\} 1980$/)
    expect(lines[3]).toMatch(/^DCGM_FI_DEV_SM_CLOCK\{gpu="1",.*DCGM_FI_DRIVER_VERSION="580\.105\.08"\} 1980$/)
    expect(text).toMatch(/^DCGM_FI_DEV_POWER_USAGE\{gpu="0".*\} \d+\.\d{6}$/m)
    expect(text).toContain('# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter')
    expect(text).toContain('# HELP DCGM_FI_DEV_XID_ERRORS Value of the last XID error encountered.')
  })

  test('faults: XID, ECC, heat, throttling, a GPU gone, scheduled by scrape', async () => {
    const s = createDcgmExporterSimulator({ node: 'n', gpus: 2 })
    s.faults.xid(1, 79)
    s.faults.ecc(1, 3)
    s.faults.overheat(0, 95, 99)
    s.faults.throttle(0, 0x40)
    s.onScrape(2, (x) => x.faults.gone(1))
    const srv = await s.listen()
    try {
      const first = await (await fetch(`${srv.url}/metrics`)).text()
      expect(first).toMatch(/DCGM_FI_DEV_XID_ERRORS\{gpu="1".*\} 79/)
      expect(first).toMatch(/DCGM_FI_DEV_ECC_DBE_VOL_TOTAL\{gpu="1".*\} 3/)
      expect(first).toMatch(/DCGM_FI_DEV_GPU_TEMP\{gpu="0".*\} 9[56]/)
      expect(first).toMatch(/DCGM_FI_DEV_CLOCKS_EVENT_REASONS\{gpu="0".*\} 64/)
      const second = await (await fetch(`${srv.url}/metrics`)).text()
      expect(second).not.toMatch(/gpu="1"/)
      s.failNext(1)
      expect((await fetch(`${srv.url}/metrics`)).status).toBe(503)
      s.emptyNext(1)
      expect(await (await fetch(`${srv.url}/metrics`)).text()).not.toMatch(/^DCGM_FI_DEV_GPU_TEMP\{/m)
      expect((await fetch(`${srv.url}/nope`)).status).toBe(404)
    } finally {
      await srv.close()
    }
  })

  test('the newer hostname label and the older throttle metric name', () => {
    const text = createDcgmExporterSimulator({ node: 'n', gpus: 1, hostnameLabel: 'hostname', throttleMetric: 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS' }).render()
    expect(text).toMatch(/modelName="[^"]+",hostname="n",/)
    expect(text).toContain('# TYPE DCGM_FI_DEV_CLOCK_THROTTLE_REASONS gauge')
  })

  // fidelity: Prometheus's own linter parses the output; what it flags is exactly what it flags
  // on real dcgm-exporter output (camelCase labels, counters without _total), nothing malformed
  ;(promtool ? test : test.skip)('promtool check metrics parses it (only the lint the real exporter also gets)', () => {
    const s = createDcgmExporterSimulator({ node: 'n', gpus: 3 })
    s.attribute(1, { name: 'p', namespace: 'ns' })
    const r = spawnSync('promtool', ['check', 'metrics'], { input: s.render(), encoding: 'utf8' })
    const problems = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean)
    expect(problems.length).toBeGreaterThan(0)
    const unexpected = problems.filter((p) => !/label names should be written in 'snake_case' not 'camelCase'|counter metrics should have "_total" suffix|metric name should not include type 'counter'/.test(p))
    expect(unexpected).toEqual([])
  })
})
