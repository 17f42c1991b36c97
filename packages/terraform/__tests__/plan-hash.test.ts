import { describe, expect, test } from '@jest/globals'
import { canonicalJson, changeMap, compareChangeMaps, planHash, type PlanJson } from '../src/index.js'
import { load } from './helpers.js'

const clone = (p: PlanJson): PlanJson => JSON.parse(JSON.stringify(p)) as PlanJson

describe('planHash', () => {
  test('ignores timestamps, key order, resource order, no-ops and reads', () => {
    const a = load('destroy-replace')
    const b = clone(a)
    b.timestamp = '2030-01-01T00:00:00Z'
    b.resource_changes!.reverse()
    b.resource_changes![0].change.before = Object.fromEntries(Object.entries(b.resource_changes![0].change.before as object).reverse())
    b.resource_changes!.push({ address: 'data.aws_region.current', change: { actions: ['read'], before: null, after: { name: 'x' } } })
    b.prior_state = { changed: true }
    expect(planHash(b)).toBe(planHash(a))
  })

  test('changes when an action, an attribute or an output changes', () => {
    const a = load('create')
    const b = clone(a)
    ;(b.resource_changes![0].change.after as Record<string, unknown>).instance_types = ['g5.2xlarge']
    expect(planHash(b)).not.toBe(planHash(a))
    const c = clone(a)
    c.output_changes!.cluster_name.after = 'gpu-staging'
    expect(planHash(c)).not.toBe(planHash(a))
  })

  test('sensitive values: whether they change counts, the value never enters the canonical form', () => {
    const a = load('sensitive-unknown')
    const b = clone(a)
    ;(b.resource_changes![0].change.after as Record<string, unknown>).password = 'another-new-secret'
    expect(planHash(b)).toBe(planHash(a)) // still "changes"; the value is not hashed
    const c = clone(a)
    ;(c.resource_changes![0].change.after as Record<string, unknown>).password = 'hunter2-old-Secret!'
    expect(planHash(c)).not.toBe(planHash(a)) // now "same": a real difference in the plan
    const canon = canonicalJson(changeMap(a)) + JSON.stringify(a.resource_changes!.map((r) => r.address))
    expect(canon).not.toContain('Sup3r')
  })

  test('unknown values are one marker, whatever terraform put in after', () => {
    const a = load('create')
    const b = clone(a)
    ;(b.resource_changes![1].change.after as Record<string, unknown>).arn = null
    expect(planHash(b)).toBe(planHash(a))
  })
})

describe('compareChangeMaps', () => {
  test('says what was added, removed or altered since review', () => {
    const reviewed = load('destroy-replace')
    const now = clone(reviewed)
    const before = clone(reviewed)
    before.resource_changes = before.resource_changes!.filter((r) => r.address !== 'aws_eks_node_group.gpu')
    expect(compareChangeMaps(changeMap(before), changeMap(now))).toEqual(['+1 destroy: aws_eks_node_group.gpu'])
    ;(now.resource_changes![0].change.after as Record<string, unknown>).version = '1.33'
    expect(compareChangeMaps(changeMap(reviewed), changeMap(now))).toEqual(['~1 change: aws_eks_cluster.this (attributes differ)'])
    expect(compareChangeMaps(changeMap(reviewed), changeMap(before))).toEqual(['-1 destroy: aws_eks_node_group.gpu'])
  })
})

test('a sensitive value copied into an unmarked attribute does not enter the canonical form', async () => {
  const { canonicalPlan } = await import('../src/index.js')
  const canon = JSON.stringify(canonicalPlan(load('real-changes')))
  expect(canon).not.toContain('not-a-real-secret-1234')
})
