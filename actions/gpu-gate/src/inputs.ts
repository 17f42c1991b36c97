import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { GpushipError, createInputReader, splitList } from '@gpuship/core'

export interface Inputs {
  scope: 'deployment' | 'fleet'
  namespace: string
  deployment: string
  'triton-port': number
  'triton-metrics-port': number
  'triton-urls': string[]
  'triton-metrics-urls': string[]
  'dcgm-urls': { node: string; url: string }[]
  'dcgm-selector': string
  'dcgm-port': number
  'prometheus-url'?: string
  models: string[]
  smoke?: { model: string; request: string; expected: Record<string, number[]>; tolerance: number }
  'latency-requests': number
  'latency-p50-ms'?: number
  'latency-p95-ms'?: number
  policy?: { path: string; text: string }
  samples?: number
  interval?: number
  'fail-on-inconclusive': boolean
  'cordon-on-fail': boolean
  'open-issue': boolean
  'issue-label': string
  'github-token': string
}

function readInputFile(input: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new GpushipError(`Cannot read ${input} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, { input, hint: 'Paths are relative to the workspace; check out the repository first (actions/checkout).' })
  }
}

function url(input: string, v: string): string {
  if (!/^https?:\/\/[^\s/]+/.test(v)) throw new GpushipError(`Invalid ${input} entry '${v}'. Expected an http(s) URL such as http://10.0.0.5:8000.`, { input })
  return v
}

export function getInputs(get: (name: string) => string = (n) => core.getInput(n)): Inputs {
  const r = createInputReader(get)
  const token = get('github-token')
  if (token) core.setSecret(token)
  const scope = r.enumOf('scope', ['deployment', 'fleet'] as const, { default: 'deployment' })
  const tritonUrls = r.list('triton-urls').map((u) => url('triton-urls', u))
  const metricsUrls = r.list('triton-metrics-urls').map((u) => url('triton-metrics-urls', u))
  if (metricsUrls.length && metricsUrls.length !== tritonUrls.length) throw new GpushipError(`triton-metrics-urls has ${metricsUrls.length} entries but triton-urls has ${tritonUrls.length}.`, { input: 'triton-metrics-urls', hint: 'Give one metrics URL per Triton URL, in the same order (or none).' })
  const dcgmUrls = r.list('dcgm-urls').map((entry) => {
    const m = /^([^=\s]+)=(\S+)$/.exec(entry)
    if (!m) throw new GpushipError(`Invalid dcgm-urls entry '${entry}'. Expected NODE=URL, e.g. ip-10-0-1-5.ec2.internal=http://10.0.1.5:9400.`, { input: 'dcgm-urls' })
    return { node: m[1], url: url('dcgm-urls', m[2]) }
  })
  const deployment = r.string('deployment', { default: '' })
  if (scope === 'deployment' && !deployment && !tritonUrls.length && !dcgmUrls.length) throw new GpushipError('scope deployment needs the deployment input (or triton-urls/dcgm-urls).', { input: 'deployment', hint: 'with:\n  deployment: triton\n  namespace: inference\nor use scope: fleet for a fleet-wide GPU audit.' })

  let smoke: Inputs['smoke']
  const smokeModel = r.string('smoke-model', { default: '' })
  if (smokeModel) {
    const reqPath = r.string('smoke-request', { required: true })
    const expPath = r.string('smoke-expected', { required: true })
    const request = readInputFile('smoke-request', reqPath)
    try {
      JSON.parse(request)
    } catch (err) {
      throw new GpushipError(`smoke-request ${reqPath} is not JSON: ${(err as Error).message}.`, { input: 'smoke-request', hint: 'Write a KServe v2 request: {"inputs":[{"name":"INPUT0","datatype":"FP32","shape":[16],"data":[...]}]}' })
    }
    let expected: unknown
    try {
      expected = JSON.parse(readInputFile('smoke-expected', expPath))
    } catch (err) {
      if (err instanceof GpushipError) throw err
      throw new GpushipError(`smoke-expected ${expPath} is not JSON: ${(err as Error).message}.`, { input: 'smoke-expected' })
    }
    if (typeof expected !== 'object' || expected === null || Array.isArray(expected) || !Object.values(expected).every((v) => Array.isArray(v) && v.flat(Infinity as 1).every((x) => typeof x === 'number'))) {
      throw new GpushipError(`smoke-expected ${expPath} must map each output name to a list of numbers.`, { input: 'smoke-expected', hint: '{"OUTPUT0": [1, 2, 3], "OUTPUT1": [0, 0, 0]}' })
    }
    const tolText = r.string('smoke-tolerance', { default: '0.00001' })
    const tolerance = Number(tolText)
    if (!Number.isFinite(tolerance) || tolerance < 0) throw new GpushipError(`Invalid smoke-tolerance '${tolText}'. Expected a non-negative number such as 0.001.`, { input: 'smoke-tolerance' })
    smoke = { model: smokeModel, request, expected: Object.fromEntries(Object.entries(expected as Record<string, unknown[]>).map(([k, v]) => [k, v.flat(Infinity as 1) as number[]])), tolerance }
  }
  const latencyRequests = r.integer('latency-requests', { default: 0, min: 0, max: 10_000 })
  if (latencyRequests > 0 && !smoke) throw new GpushipError('latency-requests needs a smoke request to time.', { input: 'latency-requests', hint: 'Set smoke-model, smoke-request and smoke-expected, or latency-requests: 0.' })
  const policyPath = r.string('policy', { default: '' })
  const prom = r.string('prometheus-url', { default: '' })
  const inputs: Inputs = {
    scope,
    namespace: r.string('namespace', { default: 'default' }),
    deployment,
    'triton-port': r.integer('triton-port', { default: 8000, min: 1, max: 65535 }),
    'triton-metrics-port': r.integer('triton-metrics-port', { default: 8002, min: 1, max: 65535 }),
    'triton-urls': tritonUrls,
    'triton-metrics-urls': metricsUrls,
    'dcgm-urls': dcgmUrls,
    'dcgm-selector': r.string('dcgm-selector', { default: 'app in (nvidia-dcgm-exporter,dcgm-exporter)' }),
    'dcgm-port': r.integer('dcgm-port', { default: 9400, min: 1, max: 65535 }),
    'prometheus-url': prom ? url('prometheus-url', prom) : undefined,
    models: splitList(get('models')),
    smoke,
    'latency-requests': latencyRequests,
    'latency-p50-ms': r.optionalInteger('latency-p50-ms', { min: 1, max: 600_000 }),
    'latency-p95-ms': r.optionalInteger('latency-p95-ms', { min: 1, max: 600_000 }),
    policy: policyPath ? { path: policyPath, text: readInputFile('policy', policyPath) } : undefined,
    samples: r.optionalInteger('samples', { min: 1, max: 1000 }),
    interval: get('interval').trim() ? r.duration('interval', { minMs: 0, maxMs: 600_000 }) : undefined,
    'fail-on-inconclusive': r.boolean('fail-on-inconclusive', { default: true }),
    'cordon-on-fail': r.boolean('cordon-on-fail', { default: false }),
    'open-issue': r.boolean('open-issue', { default: false }),
    'issue-label': r.string('issue-label', { default: 'gpu-health' }),
    'github-token': token
  }
  const { 'github-token': _t, policy: _p, smoke: _s, ...shown } = inputs
  core.debug(`inputs: ${JSON.stringify(shown)}`)
  return inputs
}
