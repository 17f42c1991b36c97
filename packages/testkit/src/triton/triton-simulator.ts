import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { listenGpuSimulator, type Listening } from '../dcgm/listen.js'
import { TritonInferError, addSubModelConfig, runAddSub, type KServeTensor } from './add-sub-model.js'

/**
 * A Triton Inference Server pod: the KServe v2 HTTP/REST endpoints on `handler` (port 8000 in
 * a pod) and Prometheus metrics in Triton's names on `metricsHandler` (port 8002). Not-ready
 * answers are HTTP 400 with an empty body, as Triton's HTTP server sends them.
 */
export interface TritonModelState {
  name: string
  versions: string[]
  ready: boolean
  success: number
  failure: number
  execCount: number
  durationUs: number
}

export interface TritonSimulatorOptions {
  models?: string[]
  version?: string
  gpuUuids?: string[]
}

export interface TritonSimulator {
  handler: RequestListener
  metricsHandler: RequestListener
  models: Map<string, TritonModelState>
  requests: { method: string; path: string }[]
  faults: {
    live: boolean
    ready: boolean
    /** Answers wrong numbers from add_sub (OUTPUT0 off by one). */
    wrongOutput: boolean
    /** Delay before every inference response. */
    slowMs: number
    /** Marks one model (or version) not ready. */
    modelNotReady(name: string, notReady?: boolean): void
    /** Bumps nv_inference_request_failure without a request (a backend failing on other traffic). */
    failuresRise(model: string, n: number): void
  }
  listen(): Promise<{ url: string; metricsUrl: string; close(): Promise<void>; http: Listening; metrics: Listening }>
}

const EXTENSIONS = ['classification', 'sequence', 'model_repository', 'model_repository(unload_dependents)', 'schedule_policy', 'model_configuration', 'system_shared_memory', 'cuda_shared_memory', 'binary_tensor_data', 'parameters', 'statistics', 'trace', 'logging']

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': 0 })
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export function createTritonSimulator(opts: TritonSimulatorOptions = {}): TritonSimulator {
  const version = opts.version ?? '2.52.0'
  const models = new Map<string, TritonModelState>()
  for (const name of opts.models ?? ['add_sub']) models.set(name, { name, versions: ['1'], ready: true, success: 0, failure: 0, execCount: 0, durationUs: 0 })
  const requests: { method: string; path: string }[] = []
  const faults: TritonSimulator['faults'] = {
    live: true,
    ready: true,
    wrongOutput: false,
    slowMs: 0,
    modelNotReady(name, notReady = true) {
      const m = models.get(name)
      if (m) m.ready = !notReady
    },
    failuresRise(model, n) {
      const m = models.get(model)
      if (m) m.failure += n
    }
  }

  const metadata = (m: TritonModelState) => ({
    name: m.name,
    versions: m.versions,
    platform: 'python',
    inputs: [
      { name: 'INPUT0', datatype: 'FP32', shape: [16] },
      { name: 'INPUT1', datatype: 'FP32', shape: [16] }
    ],
    outputs: [
      { name: 'OUTPUT0', datatype: 'FP32', shape: [16] },
      { name: 'OUTPUT1', datatype: 'FP32', shape: [16] }
    ]
  })

  const infer = async (m: TritonModelState, v: string, body: string, res: ServerResponse) => {
    const started = process.hrtime.bigint()
    if (faults.slowMs > 0) await new Promise((r) => setTimeout(r, faults.slowMs))
    try {
      if (!m.ready) throw new TritonInferError(`Request for unknown model: '${m.name}' has no available versions`)
      let doc: { id?: string; inputs?: KServeTensor[]; outputs?: { name: string }[] }
      try {
        doc = JSON.parse(body)
      } catch {
        throw new TritonInferError('failed to parse the request JSON buffer: Invalid value. at 0')
      }
      if (!Array.isArray(doc.inputs)) throw new TritonInferError("Unable to find 'inputs' in request")
      const outputs = runAddSub(doc.inputs, doc.outputs, faults.wrongOutput)
      m.success++
      m.execCount++
      m.durationUs += Number(process.hrtime.bigint() - started) / 1000
      send(res, 200, { ...(doc.id === undefined ? {} : { id: doc.id }), model_name: m.name, model_version: v, outputs })
    } catch (err) {
      m.failure++
      send(res, 400, { error: (err as Error).message })
    }
  }

  const handler: RequestListener = (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://triton')
      const path = url.pathname
      const method = req.method ?? 'GET'
      requests.push({ method, path })
      const body = method === 'POST' ? await readBody(req) : ''
      if (method === 'GET' && path === '/v2/health/live') return send(res, faults.live ? 200 : 400)
      if (method === 'GET' && path === '/v2/health/ready') return send(res, faults.live && faults.ready ? 200 : 400)
      if (method === 'GET' && (path === '/v2' || path === '/v2/')) return send(res, 200, { name: 'triton', version, extensions: EXTENSIONS })
      if (method === 'POST' && path === '/v2/repository/index') {
        const list = [...models.values()].flatMap((m) => m.versions.map((v) => ({ name: m.name, version: v, state: m.ready ? 'READY' : 'UNAVAILABLE', ...(m.ready ? {} : { reason: 'unloaded' }) })))
        return send(res, 200, list)
      }
      const mm = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/config|\/infer|\/stats)?$/.exec(path)
      if (!mm) return send(res, 404, { error: 'Not Found' })
      const name = decodeURIComponent(mm[1])
      const m = models.get(name)
      const v = mm[2] ? decodeURIComponent(mm[2]) : undefined
      if (!m || (v && !m.versions.includes(v))) {
        if (mm[3] === '/ready') return send(res, 400)
        return send(res, 400, { error: `Request for unknown model: '${name}'${v ? ` version ${v}` : ''} is not found` })
      }
      const action = mm[3] ?? ''
      if (method === 'GET' && action === '/ready') return send(res, faults.ready && m.ready ? 200 : 400)
      if (method === 'GET' && action === '') return m.ready ? send(res, 200, metadata(m)) : send(res, 400, { error: `Request for unknown model: '${name}' has no available versions` })
      if (method === 'GET' && action === '/config') return send(res, 200, addSubModelConfig(name))
      if (method === 'GET' && action === '/stats') return send(res, 200, { model_stats: [{ name, version: v ?? m.versions[0], inference_count: m.success, execution_count: m.execCount }] })
      if (method === 'POST' && action === '/infer') return infer(m, v ?? m.versions[m.versions.length - 1], body, res)
      return send(res, 405, { error: 'Method Not Allowed' })
    })().catch((err) => send(res, 500, { error: String(err) }))
  }

  const metricsHandler: RequestListener = (req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404)
      res.end()
      return
    }
    const lines: string[] = []
    const fam = (name: string, help: string, type: string, rows: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of rows) lines.push(`${name}{${labels}} ${value}`)
    }
    const per = (fn: (m: TritonModelState) => number): [string, number][] => [...models.values()].map((m) => [`model="${m.name}",version="${m.versions[0]}"`, fn(m)])
    fam('nv_inference_request_success', 'Number of successful inference requests, all batch sizes', 'counter', per((m) => m.success))
    lines.push('# HELP nv_inference_request_failure Number of failed inference requests, all batch sizes', '# TYPE nv_inference_request_failure counter')
    for (const m of models.values()) {
      for (const reason of ['REJECTED', 'CANCELED', 'BACKEND', 'OTHER']) lines.push(`nv_inference_request_failure{model="${m.name}",reason="${reason}",version="${m.versions[0]}"} ${reason === 'BACKEND' ? m.failure : 0}`)
    }
    fam('nv_inference_count', 'Number of inferences performed (does not include cached requests)', 'counter', per((m) => m.success))
    fam('nv_inference_exec_count', 'Number of model executions performed (does not include cached requests)', 'counter', per((m) => m.execCount))
    fam('nv_inference_request_duration_us', 'Cumulative inference request duration in microseconds (includes cached requests)', 'counter', per((m) => Math.round(m.durationUs)))
    fam('nv_inference_queue_duration_us', 'Cumulative inference queuing duration in microseconds (includes cached requests)', 'counter', per(() => 0))
    const uuids = opts.gpuUuids ?? ['GPU-00000000-0000-0000-0000-000000000000']
    fam('nv_gpu_utilization', 'GPU utilization rate [0.0 - 1.0)', 'gauge', uuids.map((u) => [`gpu_uuid="${u}"`, 0]))
    const text = `${lines.join('\n')}\n`
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  return {
    handler,
    metricsHandler,
    models,
    requests,
    faults,
    async listen() {
      const http = await listenGpuSimulator(handler)
      const metrics = await listenGpuSimulator(metricsHandler)
      return { url: http.url, metricsUrl: metrics.url, http, metrics, close: async () => void (await Promise.all([http.close(), metrics.close()])) }
    }
  }
}
