import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createTritonSimulator, type TritonSimulator } from '../src/index.js'

let sim: TritonSimulator
let srv: Awaited<ReturnType<TritonSimulator['listen']>>
beforeAll(async () => {
  sim = createTritonSimulator({ gpuUuids: ['GPU-1'] })
  srv = await sim.listen()
})
afterAll(() => srv.close())

const get = (p: string) => fetch(`${srv.url}${p}`)
const post = (p: string, body: unknown) => fetch(`${srv.url}${p}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } })
const req = (a: number[], b: number[], extra: Record<string, unknown> = {}) => ({
  inputs: [
    { name: 'INPUT0', datatype: 'FP32', shape: [a.length], data: a },
    { name: 'INPUT1', datatype: 'FP32', shape: [b.length], data: b }
  ],
  ...extra
})

describe('Triton simulator (KServe v2)', () => {
  test('health, server metadata, repository index, model metadata/config/ready', async () => {
    expect((await get('/v2/health/live')).status).toBe(200)
    expect((await get('/v2/health/ready')).status).toBe(200)
    expect(await (await get('/v2')).json()).toMatchObject({ name: 'triton', extensions: expect.arrayContaining(['model_repository']) })
    expect(await (await post('/v2/repository/index', {})).json()).toEqual([{ name: 'add_sub', version: '1', state: 'READY' }])
    expect(await (await get('/v2/models/add_sub')).json()).toMatchObject({ name: 'add_sub', versions: ['1'], inputs: [{ name: 'INPUT0', datatype: 'FP32' }, { name: 'INPUT1' }] })
    expect(await (await get('/v2/models/add_sub/config')).json()).toMatchObject({ name: 'add_sub', backend: 'python' })
    expect((await get('/v2/models/add_sub/versions/1/ready')).status).toBe(200)
    expect((await get('/v2/models/add_sub/versions/2/ready')).status).toBe(400)
    expect((await get('/v2/models/nope/ready')).status).toBe(400)
  })

  test('add_sub really adds and subtracts in FP32, with id and requested outputs', async () => {
    const res = await post('/v2/models/add_sub/infer', req([1.5, 2, 0.1], [0.5, 3, 0.2], { id: 'r1', outputs: [{ name: 'OUTPUT1' }] }))
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { id: string; model_name: string; model_version: string; outputs: { name: string; datatype: string; shape: number[]; data: number[] }[] }
    expect(doc).toMatchObject({ id: 'r1', model_name: 'add_sub', model_version: '1' })
    expect(doc.outputs.map((o) => o.name)).toEqual(['OUTPUT1'])
    expect(doc.outputs[0].data[0]).toBe(1)
    expect(doc.outputs[0].data[1]).toBe(-1)
    expect(doc.outputs[0].data[2]).toBeCloseTo(-0.1, 6)
    expect(doc.outputs[0].data[2]).toBe(Math.fround(Math.fround(0.1) - Math.fround(0.2)))
    const both = (await (await post('/v2/models/add_sub/versions/1/infer', { inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1, 2], data: [[1, 2]] }, { name: 'INPUT1', datatype: 'FP32', shape: [1, 2], data: [[3, 4]] }] })).json()) as { outputs: { name: string; data: number[] }[] }
    expect(both.outputs.find((o) => o.name === 'OUTPUT0')?.data).toEqual([4, 6])
  })

  test.each([
    ['missing input', { inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1], data: [1] }] }, /missing required input\(s\) 'INPUT1'/],
    ['wrong datatype', { inputs: [{ name: 'INPUT0', datatype: 'INT32', shape: [1], data: [1] }, { name: 'INPUT1', datatype: 'FP32', shape: [1], data: [1] }] }, /data-type is 'INT32'/],
    ['shape mismatch', { inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [2], data: [1] }, { name: 'INPUT1', datatype: 'FP32', shape: [1], data: [1] }] }, /unexpected shape/],
    ['not JSON', '{nope', /failed to parse the request JSON/]
  ])('a bad request (%s) is HTTP 400 with an error and counts as a failure', async (_, body, re) => {
    const before = sim.models.get('add_sub')!.failure
    const res = await post('/v2/models/add_sub/infer', body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(re)
    expect(sim.models.get('add_sub')!.failure).toBe(before + 1)
  })

  test('faults: not ready, model not ready, wrong output, failures rising', async () => {
    sim.faults.ready = false
    expect((await get('/v2/health/ready')).status).toBe(400)
    sim.faults.ready = true
    sim.faults.modelNotReady('add_sub')
    expect((await get('/v2/models/add_sub/ready')).status).toBe(400)
    expect(await (await post('/v2/repository/index', {})).json()).toEqual([{ name: 'add_sub', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' }])
    sim.faults.modelNotReady('add_sub', false)
    sim.faults.wrongOutput = true
    const doc = (await (await post('/v2/models/add_sub/infer', req([1], [1]))).json()) as { outputs: { data: number[] }[] }
    expect(doc.outputs[0].data).toEqual([3])
    sim.faults.wrongOutput = false
    const before = sim.models.get('add_sub')!.failure
    sim.faults.failuresRise('add_sub', 5)
    const metrics = await (await fetch(`${srv.metricsUrl}/metrics`)).text()
    expect(metrics).toContain(`nv_inference_request_failure{model="add_sub",reason="BACKEND",version="1"} ${before + 5}`)
    expect(metrics).toContain('# TYPE nv_inference_request_success counter')
    expect(metrics).toContain('nv_gpu_utilization{gpu_uuid="GPU-1"} 0')
  })

  // fidelity: a real HTTP client (curl) speaks to it as it would to Triton
  // (async: a synchronous child would block the simulator's own event loop)
  test('curl reaches the health endpoint and gets Triton\'s empty-body 400 when not live', async () => {
    sim.faults.live = false
    try {
      const r = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `${srv.url}/v2/health/live`], { encoding: 'utf8' })
      expect(r.stdout).toBe('400')
    } finally {
      sim.faults.live = true
    }
  })
})
