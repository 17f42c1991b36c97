import { describe, expect, test } from '@jest/globals'
import { Writable } from 'node:stream'
import { FIXTURES } from './helpers.js'

// `gpuship plan-render`, run through the CLI's own dispatcher.
const { main } = await import('../../cli/src/main.js')

async function cli(args: string[]) {
  let out = ''
  let err = ''
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) })
  const code = await main(['plan-render', ...args], { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: {}, cwd: FIXTURES })
  return { code, out, err }
}

describe('gpuship plan-render', () => {
  test('markdown: the same renderer as the PR comment', async () => {
    const r = await cli(['destroy-replace.json'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('**Plan: 1 to import, 0 to add, 1 to change, 1 to replace, 1 to destroy, 1 to move, 1 to forget. 1 output to change.**')
    expect(r.out).toContain('🗑️ **destroy** `aws_eks_node_group.gpu`')
    expect(r.out).toMatch(/Plan hash `sha256:[0-9a-f]{64}`/)
  })

  test('json: counts per action and the addresses under each', async () => {
    const r = await cli(['destroy-replace.json', '--format', 'json'])
    const j = JSON.parse(r.out)
    expect(j.counts).toMatchObject({ add: 0, change: 1, replace: 1, destroy: 1, import: 1, move: 1, forget: 1 })
    expect(j.addresses.destroy).toEqual(['aws_eks_node_group.gpu'])
    expect(j.addresses.replace).toEqual(['aws_launch_template.gpu'])
    expect(j.addresses.import).toEqual(['aws_s3_bucket.models'])
    expect(j.addresses.move).toEqual(['module.monitoring.aws_cloudwatch_log_group.eks'])
    expect(j.changes).toBe(true)
  })

  test('bad input is exit 2 naming what was wrong', async () => {
    expect((await cli(['README.md'])).code).toBe(2)
    expect((await cli(['README.md'])).err).toContain('not JSON')
    expect((await cli(['create.json', '--format', 'yaml'])).err).toContain("Invalid --format 'yaml'")
    expect((await cli([])).code).toBe(2)
  })
})
