/* eslint-disable @typescript-eslint/no-explicit-any */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { getInputs, parseTolerations } from '../src/inputs.js'
import { parseImage, resolveImage } from '../src/image-ref.js'
import { substituteImage } from '../src/manifests.js'
import { renderSummary, timelineChart } from '../src/summary.js'
import { tritonTemplate } from '../src/template.js'

const D = 'sha256:' + 'd'.repeat(64)
const inputs = (over: Record<string, string> = {}) => getInputs((n) => ({ image: `r.example/t@${D}`, ...over })[n] ?? '')

describe('inputs', () => {
  test.each([
    ['name', 'Triton_1', /Invalid name 'Triton_1'/],
    ['node-selector', 'gpu', /Expected key=value/],
    ['tolerations', 'nvidia.com/gpu', /Expected key\[=value\]:Effect/],
    ['autoscaling-min', '3', /autoscaling-min and autoscaling-max go together/],
    ['timeout', '300', /Invalid timeout '300'/],
    ['rollback-on-failure', 'yes', /rollback-on-failure/]
  ])('bad %s is refused with the input named', (input, value, message) => {
    expect(() => inputs({ [input]: value })).toThrow(message)
  })

  test('tolerations parse to Exists/Equal', () => {
    expect(parseTolerations(['nvidia.com/gpu:NoSchedule', 'dedicated=triton:NoExecute'])).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'triton', effect: 'NoExecute' }
    ])
  })

  test('the template leaves replicas to the HPA and carries a PDB', () => {
    const i = inputs({ 'autoscaling-min': '2', 'autoscaling-max': '6', 'pdb-min-available': '1', 'gpus-per-pod': '1' })
    const objs = tritonTemplate(i, `r.example/t@${D}`, {})
    const dep = objs[0] as any
    expect(dep.spec.replicas).toBeUndefined()
    expect(dep.spec.template.spec.containers[0].resources).toEqual({ limits: { 'nvidia.com/gpu': '1' } })
    expect(objs.map((o) => o.kind)).toEqual(['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'])
    expect((objs[3] as any).spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'nv_inference_pending_request_count' } } }]
    })
  })
})

describe('image references', () => {
  test.each([
    [`r.example/t@${D}`, { repository: 'r.example/t', tag: undefined, digest: D }],
    ['127.0.0.1:5000/team/t:v1', { repository: '127.0.0.1:5000/team/t', tag: 'v1', digest: undefined }],
    [`r.example/t:v1@${D}`, { repository: 'r.example/t', tag: 'v1', digest: D }]
  ])('%s', (ref, want) => expect(parseImage(ref)).toEqual(want))

  test('a bad digest is refused', () => {
    expect(() => parseImage('r.example/t@sha256:abc')).toThrow(/Invalid digest/)
  })

  let server: http.Server
  let port = 0
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/token')) return res.end(JSON.stringify({ token: 'anon' }))
      if (req.headers.authorization !== 'Bearer anon') {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="reg"` })
        return res.end()
      }
      if (req.url === '/v2/team/t/manifests/v1') {
        res.writeHead(200, { 'Docker-Content-Digest': D })
        return res.end()
      }
      res.writeHead(404)
      res.end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  test('a tag is resolved through the registry token challenge', async () => {
    expect(await resolveImage(`127.0.0.1:${port}/team/t:v1`)).toEqual({ image: `127.0.0.1:${port}/team/t@${D}`, resolvedFrom: `127.0.0.1:${port}/team/t:v1` })
  })
  test('a tag the registry does not have is refused', async () => {
    await expect(resolveImage(`127.0.0.1:${port}/team/t:nope`)).rejects.toThrow(/tag nope does not exist/)
  })
})

describe('manifests and summary', () => {
  test('images of the same repository are substituted, others left alone', () => {
    const objs: any[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'triton' },
        spec: {
          template: { spec: { initContainers: [{ name: 'fetch', image: 'amazon/aws-cli:2' }], containers: [{ name: 'triton', image: 'r.example/t:old' }] } }
        }
      }
    ]
    const r = substituteImage(objs, `r.example/t@${D}`, { namespace: 'inference', name: 'triton' })
    expect(r.substituted).toHaveLength(1)
    expect(objs[0].spec.template.spec.containers[0].image).toBe(`r.example/t@${D}`)
    expect(objs[0].spec.template.spec.initContainers[0].image).toBe('amazon/aws-cli:2')
    expect(objs[0].metadata.namespace).toBe('inference')
  })

  test('untrusted text is escaped in the summary and the Mermaid labels', () => {
    const md = renderSummary({
      namespace: 'inference',
      name: 'triton',
      outcome: 'failed',
      newImage: `r.example/t@${D}`,
      durationMs: 1000,
      apiRequests: 9,
      pods: [],
      nodes: [],
      applied: [],
      timeline: [
        { atMs: 0, phase: 'rollout', text: 'applied' },
        { atMs: 50, phase: 'failure', text: 'x"]; click evil' }
      ],
      cause: { kind: 'ImagePull', summary: 'Image <img src=x> cannot be pulled', detail: 'Failed ```\nrm', hint: 'fix *it*' }
    })
    expect(md).not.toContain('<img')
    expect(md).toContain('&lt;img src=x&gt;')
    expect(md).toContain('````\nFailed ```\nrm\n````')
    expect(timelineChart('t', [{ atMs: 0, phase: 'p', text: 'a"]; b' }])).toContain('a b :milestone, e0, 0, 0ms')
  })
})
