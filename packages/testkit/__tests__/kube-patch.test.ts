import { describe, test, expect } from '@jest/globals'
import { applyJsonPatch, mergePatch, serverSideApply, strategicMerge, fieldsOf, toFieldsV1 } from '../src/kube/patch.js'
import { schedule } from '../src/kube/scheduler.js'
import { StoreError, type KObject } from '../src/kube/store.js'

const dep = (image: string, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'x' },
  spec: { replicas: 2, ...extra, template: { spec: { containers: [{ name: 'web', image }] } } }
})

describe('patches', () => {
  test.each([
    ['replace', [{ op: 'replace', path: '/a/b', value: 2 }], { a: { b: 2, c: 1 }, l: [1] }],
    ['add to list end', [{ op: 'add', path: '/l/-', value: 9 }], { a: { b: 1, c: 1 }, l: [1, 9] }],
    ['remove', [{ op: 'remove', path: '/a/c' }], { a: { b: 1 }, l: [1] }],
    ['escaped key', [{ op: 'add', path: '/a/x~1y', value: true }], { a: { b: 1, c: 1, 'x/y': true }, l: [1] }]
  ])('json patch: %s', (_n, ops, want) => {
    expect(applyJsonPatch({ a: { b: 1, c: 1 }, l: [1] }, ops)).toEqual(want)
  })

  test('json patch replace of a missing key is 422', () => {
    expect(() => applyJsonPatch({ a: {} }, [{ op: 'replace', path: '/a/zz', value: 1 }])).toThrow(StoreError)
  })

  test('merge patch deletes with null and replaces lists', () => {
    expect(mergePatch({ a: 1, b: { c: 1, d: 2 }, l: [1, 2] }, { a: null, b: { d: 3 }, l: [3] })).toEqual({ b: { c: 1, d: 3 }, l: [3] })
  })

  test('strategic merge merges containers by name and honours $patch: delete', () => {
    const live = {
      spec: {
        containers: [
          { name: 'a', image: '1' },
          { name: 'b', image: '1' }
        ]
      }
    }
    expect(
      strategicMerge(live, {
        spec: {
          containers: [
            { name: 'b', image: '2' },
            { name: 'c', image: '1' }
          ]
        }
      })
    ).toEqual({
      spec: {
        containers: [
          { name: 'a', image: '1' },
          { name: 'b', image: '2' },
          { name: 'c', image: '1' }
        ]
      }
    })
    expect(strategicMerge(live, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } })).toEqual({ spec: { containers: [{ name: 'b', image: '1' }] } })
  })
})

describe('server-side apply', () => {
  test('managedFields record the applied fields in FieldsV1 form', () => {
    const o = serverSideApply(undefined, dep('nginx:1'), 'gpuship', false, 'now')
    expect(o.metadata.managedFields).toEqual([
      {
        manager: 'gpuship',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: 'now',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } } }
        }
      }
    ])
  })

  test('a second manager changing an owned field conflicts unless forced; equal values co-own', () => {
    const o = serverSideApply(undefined, dep('nginx:1'), 'a', false, 't')
    expect(() => serverSideApply(o, dep('nginx:2'), 'b', false, 't')).toThrow(
      /Apply failed with 1 conflict: conflict with "a" using apps\/v1: \.spec\.template\.spec\.containers\[name="web"\]\.image/
    )
    const same = serverSideApply(o, dep('nginx:1'), 'b', false, 't')
    expect(same.metadata.managedFields.map((m: { manager: string }) => m.manager)).toEqual(['a', 'b'])
    const forced = serverSideApply(o, dep('nginx:2'), 'b', true, 't')
    expect(forced.spec.template.spec.containers[0].image).toBe('nginx:2')
    const aFields = JSON.stringify(forced.metadata.managedFields.find((m: { manager: string }) => m.manager === 'a').fieldsV1)
    expect(aFields).not.toContain('f:image')
  })

  test('a field the manager stops applying is removed', () => {
    const o = serverSideApply(undefined, dep('nginx:1', { paused: true }), 'a', false, 't')
    expect(o.spec.paused).toBe(true)
    const n = serverSideApply(o, dep('nginx:1'), 'a', false, 't')
    expect(n.spec.paused).toBeUndefined()
  })

  test('fieldsOf ignores status and metadata.name', () => {
    expect(toFieldsV1(fieldsOf({ apiVersion: 'v1', kind: 'X', metadata: { name: 'n', labels: { a: 'b' } }, status: { x: 1 } }))).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } }
    })
  })
})

describe('scheduler message', () => {
  const node = (name: string, gpus: number, taint?: boolean): KObject => ({
    metadata: { name, labels: {} },
    spec: taint ? { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] } : {},
    status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110', ...(gpus ? { 'nvidia.com/gpu': String(gpus) } : {}) } }
  })
  const pod = (gpus: number, tolerate: boolean): KObject => ({
    metadata: { name: 'p' },
    spec: {
      tolerations: tolerate ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] : [],
      containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }]
    }
  })
  test.each([
    [
      'insufficient GPUs and a taint',
      pod(2, false),
      '0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.'
    ],
    [
      'tolerated but too few GPUs',
      pod(2, true),
      '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.'
    ]
  ])('%s', (_n, p, message) => {
    expect(schedule(p, [node('cpu', 0), node('g1', 1, true), node('g2', 1, true)], [])).toEqual({ message })
  })
  test('a fitting GPU node is chosen', () => {
    expect(schedule(pod(1, true), [node('cpu', 0), node('g1', 1, true)], []).node).toBe('g1')
  })
})
