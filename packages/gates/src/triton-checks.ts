import { GpushipError, defaultSleep, formatError, retry, type Logger } from '@gpuship/core'
import type { CheckStatus, HttpTarget, LatencySpec, SmokeSpec, TritonCheck, TritonTargetResult } from './types.js'
import { parsePrometheusText } from './prometheus-text.js'

/**
 * Triton's KServe v2 HTTP/REST protocol, checked per pod: liveness, readiness, each model's
 * readiness, an optional smoke inference compared with expected outputs, latency percentiles,
 * and Triton's own failure counter on the metrics port.
 */
export interface TritonCheckOptions {
  target: HttpTarget
  metrics?: HttpTarget
  models?: string[]
  smoke?: SmokeSpec
  latency?: LatencySpec
  log: Logger
  sleep?: (ms: number) => Promise<void>
  /** Before-load value of nv_inference_request_failure; read at the start when not given. */
  failuresBefore?: number
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' }

async function call(t: HttpTarget, method: string, path: string, body?: string, sleep?: (ms: number) => Promise<void>) {
  return retry(() => t.request(method, path, body, body === undefined ? { accept: 'application/json' } : JSON_HEADERS), {
    maxAttempts: method === 'GET' || path.endsWith('/ready') || path.endsWith('/index') ? 3 : 1,
    baseMs: 300,
    maxMs: 3000,
    sleep,
    label: `${method} ${path}`
  })
}

function modelPath(name: string, version?: string): string {
  return `/v2/models/${encodeURIComponent(name)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`
}

/** Names in the repository index (POST /v2/repository/index), Triton's extension. */
export async function listModels(t: HttpTarget, sleep?: (ms: number) => Promise<void>): Promise<{ name: string; version?: string; state?: string }[]> {
  const res = await call(t, 'POST', '/v2/repository/index', '{}', sleep)
  if (res.status !== 200) throw new GpushipError(`POST /v2/repository/index on ${t.name} returned HTTP ${res.status}: ${res.body.slice(0, 200)}`, { input: 'models', hint: 'List the models to check with the models input when the repository extension is disabled.' })
  const list = JSON.parse(res.body) as { name: string; version?: string; state?: string }[]
  if (!Array.isArray(list)) throw new GpushipError(`POST /v2/repository/index on ${t.name} did not return a list.`, { input: 'models' })
  return list
}

/** Sum of nv_inference_request_failure over every model/version/reason. */
export async function readFailureCounter(metrics: HttpTarget): Promise<number> {
  const res = await metrics.request('GET', '/metrics', undefined, { accept: 'text/plain' })
  if (res.status !== 200) throw new GpushipError(`GET /metrics on ${metrics.name} returned HTTP ${res.status}.`, { hint: 'Triton serves metrics on port 8002 unless started with --allow-metrics=false.' })
  let sum = 0
  for (const f of parsePrometheusText(res.body, `${metrics.name}/metrics`)) if (f.name === 'nv_inference_request_failure') for (const s of f.samples) if (Number.isFinite(s.value)) sum += s.value
  return sum
}

interface V2Tensor {
  name: string
  datatype?: string
  shape?: number[]
  data?: unknown[]
}

/** Compares outputs element by element within an absolute tolerance; returns what differs. */
export function compareOutputs(outputs: V2Tensor[], expected: Record<string, number[]>, tolerance: number): string[] {
  const problems: string[] = []
  for (const [name, want] of Object.entries(expected)) {
    const out = outputs.find((o) => o.name === name)
    if (!out) {
      problems.push(`output ${name} missing (got ${outputs.map((o) => o.name).join(', ') || 'none'})`)
      continue
    }
    const got = (out.data ?? []).flat(Infinity as 1) as unknown[]
    if (got.length !== want.length) {
      problems.push(`output ${name} has ${got.length} elements, expected ${want.length}`)
      continue
    }
    const bad = want.map((w, i) => [i, w, Number(got[i])] as const).filter(([, w, g]) => !(Math.abs(g - w) <= tolerance))
    if (bad.length) problems.push(`output ${name}: ${bad.length} of ${want.length} elements outside ±${tolerance} (first: [${bad[0][0]}] = ${bad[0][2]}, expected ${bad[0][1]})`)
  }
  return problems
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]
}

function bodyOf(r: string | Record<string, unknown>): string {
  return typeof r === 'string' ? r : JSON.stringify(r)
}

export async function checkTriton(opts: TritonCheckOptions): Promise<TritonTargetResult> {
  const { target: t, log } = opts
  const sleep = opts.sleep ?? defaultSleep
  const checks: TritonCheck[] = []
  const add = (name: string, status: CheckStatus, detail: string) => {
    checks.push({ name, status, detail })
    ;(status === 'fail' ? log.warning : log.info).call(log, `${t.name}: ${name} ${status}${detail ? `: ${detail}` : ''}`)
  }
  const result: TritonTargetResult = { target: t.name, status: 'pass', checks, models: [] }
  const finish = () => {
    result.status = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'inconclusive') ? 'inconclusive' : 'pass'
    return result
  }
  const probe = async (name: string, path: string): Promise<boolean> => {
    try {
      const res = await call(t, 'GET', path, undefined, sleep)
      add(name, res.status === 200 ? 'pass' : 'fail', res.status === 200 ? `${path} 200` : `${path} returned HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`)
      return res.status === 200
    } catch (err) {
      add(name, 'fail', `${path}: ${formatError(err).split('\n')[0]}`)
      return false
    }
  }
  let failuresBefore = opts.failuresBefore
  if (opts.metrics && failuresBefore === undefined) {
    try {
      failuresBefore = await readFailureCounter(opts.metrics)
    } catch (err) {
      add('metrics', 'inconclusive', formatError(err).split('\n')[0])
    }
  }
  if (!(await probe('live', '/v2/health/live'))) return finish()
  if (!(await probe('ready', '/v2/health/ready'))) return finish()

  let models: { name: string; version?: string }[]
  try {
    models = opts.models?.length ? opts.models.map(parseModelRef) : await listModels(t, sleep)
  } catch (err) {
    add('models', 'fail', formatError(err).split('\n')[0])
    return finish()
  }
  if (!models.length) add('models', 'fail', 'the repository index lists no model; Triton serves nothing')
  for (const m of models) {
    const path = `${modelPath(m.name, m.version)}/ready`
    let ready = false
    try {
      const res = await call(t, 'GET', path, undefined, sleep)
      ready = res.status === 200
      add(`model ${m.name}${m.version ? `@${m.version}` : ''} ready`, ready ? 'pass' : 'fail', ready ? '' : `${path} returned HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`)
    } catch (err) {
      add(`model ${m.name} ready`, 'fail', formatError(err).split('\n')[0])
    }
    result.models.push({ ...m, ready })
  }

  if (opts.smoke) {
    const s = opts.smoke
    try {
      const res = await call(t, 'POST', `${modelPath(s.model, s.version)}/infer`, bodyOf(s.request), sleep)
      if (res.status !== 200) add('smoke inference', 'fail', `HTTP ${res.status}: ${res.body.slice(0, 300)}`)
      else {
        const doc = JSON.parse(res.body) as { outputs?: V2Tensor[] }
        const problems = compareOutputs(doc.outputs ?? [], s.expected, s.tolerance ?? 1e-5)
        add('smoke inference', problems.length ? 'fail' : 'pass', problems.length ? problems.join('; ') : `${Object.keys(s.expected).length} output(s) within ±${s.tolerance ?? 1e-5}`)
      }
    } catch (err) {
      add('smoke inference', 'fail', formatError(err).split('\n')[0])
    }
  }

  if (opts.latency) {
    const l = opts.latency
    const model = l.model ?? opts.smoke?.model
    const request = l.request ?? opts.smoke?.request
    if (!model || request === undefined) add('latency', 'fail', 'no model/request to time: give a smoke request or latency.model and latency.request')
    else {
      const n = l.requests ?? 20
      const times: number[] = []
      let errors = 0
      const body = bodyOf(request)
      for (let i = 0; i < n; i++) {
        const start = performance.now()
        try {
          const res = await t.request('POST', `${modelPath(model, l.version ?? opts.smoke?.version)}/infer`, body, JSON_HEADERS)
          if (res.status !== 200) errors++
        } catch {
          errors++
        }
        times.push(performance.now() - start)
      }
      times.sort((a, b) => a - b)
      const p50 = percentile(times, 50)
      const p95 = percentile(times, 95)
      result.latency = { requests: n, p50Ms: round(p50), p95Ms: round(p95), maxMs: round(times[times.length - 1]) }
      const over = [l.p50Ms !== undefined && p50 > l.p50Ms ? `p50 ${round(p50)} ms > ${l.p50Ms} ms` : '', l.p95Ms !== undefined && p95 > l.p95Ms ? `p95 ${round(p95)} ms > ${l.p95Ms} ms` : '', errors ? `${errors} of ${n} requests failed` : ''].filter(Boolean)
      add('latency', over.length ? 'fail' : 'pass', `${n} requests: p50 ${round(p50)} ms, p95 ${round(p95)} ms${over.length ? `; ${over.join('; ')}` : ''}`)
    }
  }

  if (opts.metrics && failuresBefore !== undefined) {
    try {
      const after = await readFailureCounter(opts.metrics)
      const rise = after - failuresBefore
      add('failure counter', rise > 0 ? 'fail' : 'pass', `nv_inference_request_failure ${failuresBefore} -> ${after}${rise > 0 ? ` (+${rise} during the gate)` : ''}`)
    } catch (err) {
      add('failure counter', 'inconclusive', formatError(err).split('\n')[0])
    }
  }
  return finish()
}

function round(v: number): number {
  return Math.round(v * 100) / 100
}

/** `name` or `name@version` or `name:version`. */
export function parseModelRef(ref: string): { name: string; version?: string } {
  const m = /^([^@:]+)(?:[@:](\d+))?$/.exec(ref.trim())
  if (!m) throw new GpushipError(`Invalid model ${JSON.stringify(ref)}.`, { input: 'models', hint: 'Give model names, optionally with a version: add_sub or add_sub@1.' })
  return m[2] ? { name: m[1], version: m[2] } : { name: m[1] }
}
