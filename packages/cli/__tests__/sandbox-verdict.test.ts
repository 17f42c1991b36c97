import { describe, test, expect } from '@jest/globals'
import { judge } from '../src/sandbox/verdict.js'
import { SCENARIOS } from '../src/sandbox/scenarios.js'
import type { PlayedStep } from '../src/sandbox/pipeline.js'

const ok = (id: string, extra: Partial<PlayedStep> = {}): PlayedStep => ({ id, action: id, status: 'passed', note: '', ...extra })
const failed = (id: string, text: string, outputs: Record<string, string> = {}): PlayedStep => ({ id, action: id, status: 'failed', note: text, outputs })
const skipped = (id: string): PlayedStep => ({ id, action: id, status: 'skipped', note: 'skipped' })
const main = ['oidc', 'plan', 'apply', 'image', 'kubeconfig', 'rollout']

describe('judge', () => {
  test('healthy passes only when every step passed', () => {
    expect(judge(SCENARIOS.healthy, main.map((s) => ok(s))).ok).toBe(true)
    const v = judge(SCENARIOS.healthy, [...main.slice(0, 5).map((s) => ok(s)), failed('rollout', 'gate failed')])
    expect(v).toMatchObject({ ok: false, incomplete: false })
    expect(v.message).toContain('step rollout failed')
  })

  test('a step not available makes any story unverified, never passed', () => {
    const v = judge(SCENARIOS.xid, [ok('oidc'), { id: 'plan', action: 'terraform-plan', status: 'unavailable', note: 'n/a' }, ...main.slice(2).map(skipped)])
    expect(v).toMatchObject({ ok: false, incomplete: true })
    expect(v.message).toContain('step plan not available')
  })

  test('xid is caught only with the rollback and the XID as the reason', () => {
    const before = main.slice(0, 5).map((s) => ok(s))
    expect(judge(SCENARIOS.xid, [...before, failed('rollout', 'GPU gate failed: XID 79 on GPU 0', { 'rolled-back': 'true' })]).ok).toBe(true)
    expect(judge(SCENARIOS.xid, [...before, failed('rollout', 'GPU gate failed: XID 79 on GPU 0', { 'rolled-back': 'false' })]).message).toContain('did not roll back')
    expect(judge(SCENARIOS.xid, [...before, failed('rollout', 'image pull failed', { 'rolled-back': 'true' })]).message).toContain('not because of the XID')
  })

  test('plan-changed needs the apply refused for the hash, and nothing after it run', () => {
    const plan = [ok('oidc'), ok('plan')]
    expect(judge(SCENARIOS['plan-changed'], [...plan, failed('apply', 'The plan changed since it was reviewed: hash abc differs'), ...main.slice(3).map(skipped)]).ok).toBe(true)
    expect(judge(SCENARIOS['plan-changed'], [...plan, ok('apply'), ...main.slice(3).map((s) => ok(s))]).message).toContain('expected step apply to fail')
    expect(judge(SCENARIOS['plan-changed'], [...plan, failed('apply', 'plan changed since review'), ok('image'), skipped('kubeconfig'), skipped('rollout')]).message).toContain('step image ran after the failure')
  })

  test('lock-held needs the force-unlock command; gpu-capacity needs nvidia.com/gpu named', () => {
    expect(judge(SCENARIOS['lock-held'], [ok('oidc'), failed('plan', 'state lock held by run 41; terraform force-unlock 1a2b'), ...main.slice(2).map(skipped)]).ok).toBe(true)
    expect(judge(SCENARIOS['lock-held'], [ok('oidc'), failed('plan', 'terraform exited 1'), ...main.slice(2).map(skipped)]).ok).toBe(false)
    const before = main.slice(0, 5).map((s) => ok(s))
    expect(judge(SCENARIOS['gpu-capacity'], [...before, failed('rollout', '0/1 nodes are available: 1 Insufficient nvidia.com/gpu')]).ok).toBe(true)
    expect(judge(SCENARIOS['gpu-capacity'], [...before, failed('rollout', 'timed out')]).ok).toBe(false)
  })

  test('nodes-not-joining needs the doctor to have found the cause after the failed rollout', () => {
    const before = main.slice(0, 5).map((s) => ok(s))
    const rollout = failed('rollout', 'no node can run the pods')
    expect(judge(SCENARIOS['nodes-not-joining'], [...before, rollout, { ...failed('doctor', 'node role has no access entry', { 'findings-count': '1' }) }]).ok).toBe(true)
    expect(judge(SCENARIOS['nodes-not-joining'], [...before, rollout, ok('doctor', { outputs: { 'findings-count': '0' } })]).message).toContain('found no reason')
    expect(judge(SCENARIOS['nodes-not-joining'], [...before, rollout, skipped('doctor')]).message).toContain('did not run')
  })
})
