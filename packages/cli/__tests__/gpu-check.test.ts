import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { createDcgmExporterSimulator } from '@gpuship/testkit'
import { main } from '../src/main.js'

let dir = ''

async function run(...argv: string[]) {
  const out = new PassThrough()
  const err = new PassThrough()
  let stdout = ''
  let stderr = ''
  out.on('data', (c) => (stdout += c))
  err.on('data', (c) => (stderr += c))
  const code = await main(['gpu-check', ...argv], { stdout: out, stderr: err, env: {}, cwd: dir })
  return { code, stdout, stderr }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpu-check-'))
  const healthy = createDcgmExporterSimulator({ node: 'gpu-node-1', gpus: 2 })
  writeFileSync(join(dir, 'healthy.prom'), healthy.render())
  const sick = createDcgmExporterSimulator({ node: 'gpu-node-7', gpus: 2 })
  writeFileSync(join(dir, 'sick-1.prom'), sick.render())
  sick.faults.xid(1, 48)
  writeFileSync(join(dir, 'sick-2.prom'), sick.render())
  sick.faults.gone(0)
  writeFileSync(join(dir, 'sick-3.prom'), sick.render())
  writeFileSync(join(dir, 'policy.yaml'), 'temperature:\n  maxC: 30\n')
  writeFileSync(join(dir, 'bad-policy.yaml'), 'temperature:\n  maxc: 30\n')
  writeFileSync(join(dir, 'html.prom'), '<html>login</html>\n')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('gpuship gpu-check', () => {
  test('a healthy scrape passes with the verdict table', async () => {
    const r = await run('--metrics', 'healthy.prom')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^NODE\s+GPU\s+UUID\s+MODEL\s+VERDICT\s+CHECKS/)
    expect(r.stdout).toMatch(/gpu-node-1\s+0\s+GPU-[0-9a-f-]+\s+NVIDIA H100 80GB HBM3\s+PASS\s+presence=1\/1 samples, xid=none/)
    expect(r.stdout).toMatch(/2 GPU\(s\) on 1 node\(s\): PASS/)
  })

  test('a window of files from one sick node: XID 48 and a vanished GPU exit 1', async () => {
    const r = await run('--metrics', 'sick-1.prom', 'sick-2.prom', 'sick-3.prom', '--metrics', 'healthy.prom')
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/gpu-node-7 GPU 1 .*xid fail: .*XID 48: Double-bit ECC error/)
    expect(r.stdout).toMatch(/gpu-node-7 GPU 0 .*presence fail: GPU vanished .* at sample 3/)
    expect(r.stdout).toMatch(/4 GPU\(s\) on 2 node\(s\): FAIL \(2 failing\)/)
  })

  test('--json and --policy', async () => {
    const r = await run('--metrics', 'healthy.prom', '--policy', 'policy.yaml', '--json')
    expect(r.code).toBe(1)
    const doc = JSON.parse(r.stdout) as { passed: boolean; gpus: { status: string; checks: { name: string; status: string; limit: string }[] }[] }
    expect(doc.passed).toBe(false)
    expect(doc.gpus[0].checks.find((c) => c.name === 'temperature')).toMatchObject({ status: 'fail', limit: '≤ 30 °C' })
  })

  test.each([
    [['--metrics', 'missing.prom'], /Cannot read --metrics missing\.prom: ENOENT/],
    [[], /needs at least one scrape file/],
    [['--metrics', 'html.prom'], /html\.prom:1: invalid metric name/],
    [['--metrics', 'healthy.prom', '--policy', 'bad-policy.yaml'], /bad-policy\.yaml: Invalid GPU policy key "temperature\.maxc": unknown key[\s\S]*Fix: Known keys under temperature: enabled, maxC/],
    [['--metrics', 'healthy.prom', '--frobnicate'], /Unknown flag --frobnicate/]
  ])('bad usage %j exits 2 with a clear error', async (argv, re) => {
    const r = await run(...argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(re)
  })
})
