import type { Logger } from '@gpuship/core'

/** One HTTP endpoint the gates talk to: a URL, or a pod/service behind the API server's proxy. */
export interface HttpTarget {
  name: string
  request(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<HttpResponse>
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** A KServe v2 smoke inference: the request JSON and the outputs it must produce. */
export interface SmokeSpec {
  model: string
  version?: string
  /** The KServe v2 infer request body (JSON text or an object). */
  request: string | Record<string, unknown>
  /** Output name -> expected flat values (row-major). */
  expected: Record<string, number[]>
  /** Absolute tolerance per element; default 1e-5. */
  tolerance?: number
}

/** Latency sampled over N inference requests (sequential), with limits on p50 and p95. */
export interface LatencySpec {
  /** Requests per pod; default 20. */
  requests?: number
  p50Ms?: number
  p95Ms?: number
  /** Model and request to time; default the smoke spec's. */
  model?: string
  version?: string
  request?: string | Record<string, unknown>
}

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error'
export type CheckStatus = 'pass' | 'fail' | 'inconclusive' | 'skipped'

/** What to do when a metric is absent from a sample, or NaN. `skip` leaves the check out. */
export type MissingRule = 'inconclusive' | 'fail' | 'skip'

export type ThrottleReason = 'sw_power_cap' | 'hw_slowdown' | 'sw_thermal' | 'hw_thermal' | 'hw_power_brake'

/** Per check: on/off, and optional overrides of the policy-wide missing/NaN rules. */
export interface CheckRules {
  enabled: boolean
  whenMissing?: MissingRule
  whenNaN?: MissingRule
}

export interface DcgmPolicy {
  /** Argo-style limits per check: the check fails when failed measurements > failureLimit. */
  failureLimit: number
  /** Inconclusive when inconclusive measurements > inconclusiveLimit. */
  inconclusiveLimit: number
  /** Error (counts as failure) when more than this many scrape errors follow each other. */
  consecutiveErrorLimit: number
  /** Rules for absent metrics and NaN, per check overridable. */
  whenMissing: MissingRule
  whenNaN: MissingRule
  /** Empty scrapes before any GPU appeared do not count, up to this many extra samples. */
  noDataRetries: number
  xid: CheckRules & { critical: number[] }
  eccDoubleBit: CheckRules & { max: number }
  rowRemapFailure: CheckRules
  temperature: CheckRules & { maxC: number }
  memoryTemperature: CheckRules & { maxC: number }
  /** Fails when the share of samples throttled for one of `reasons` exceeds maxShare (0..1). */
  throttling: CheckRules & { maxShare: number; reasons: ThrottleReason[] }
  /** Mean GPU utilisation must reach minPercent while load ran (smoke/latency); `always` evaluates without load too. */
  utilization: CheckRules & { minPercent: number; always: boolean }
  framebuffer: CheckRules & { maxUsedPercent: number }
  window: { samples: number; intervalMs: number }
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] }

export interface GateOptions {
  /** One target per new pod (Triton HTTP port, 8000). */
  triton: HttpTarget[]
  /** Triton metrics port (8002) per pod, same order as `triton`; omitted -> no failure-counter check. */
  tritonMetrics?: HttpTarget[]
  /** dcgm-exporter per GPU node running the new pods. */
  dcgm: { node: string; target: HttpTarget }[]
  /** When given, DCGM metrics are read from this Prometheus server's /api/v1/query instead. */
  prometheusUrl?: string
  /** Models to check; default: every model in POST /v2/repository/index. */
  models?: string[]
  smoke?: SmokeSpec
  latency?: LatencySpec
  policy?: DeepPartial<DcgmPolicy>
  /** Overrides policy.window. */
  window?: { samples: number; intervalMs: number }
  /** Which GPUs count (e.g. those attributed to the new pods); default all GPUs of the nodes. */
  gpuFilter?: (gpu: { node: string; pod?: string; namespace?: string }) => boolean
  log: Logger
  sleep?: (ms: number) => Promise<void>
}

export interface Measurement {
  sample: number
  phase: MeasurementPhase
  value?: number
  message?: string
}

export interface CheckResult {
  /** xid, ecc-dbe, row-remap, temperature, memory-temperature, throttling, utilization, framebuffer, presence */
  name: string
  status: CheckStatus
  /** The figure shown in the table (max temperature, throttled share, …). */
  value: string
  limit: string
  message: string
  counts: Record<MeasurementPhase, number>
  measurements: Measurement[]
}

export interface GpuVerdict {
  node: string
  gpu: string
  uuid: string
  model: string
  pciBusId?: string
  pod?: string
  namespace?: string
  status: 'pass' | 'fail' | 'inconclusive'
  checks: CheckResult[]
  /** Per sample, null when the GPU was absent or the metric missing. */
  series: { temperature: (number | null)[]; utilization: (number | null)[] }
  /** One line per failed/inconclusive check, for logs and issues. */
  reasons: string[]
}

export interface TritonCheck {
  name: string
  status: CheckStatus
  detail: string
}

export interface TritonTargetResult {
  target: string
  status: 'pass' | 'fail' | 'inconclusive'
  checks: TritonCheck[]
  models: { name: string; version?: string; ready: boolean }[]
  latency?: { requests: number; p50Ms: number; p95Ms: number; maxMs: number }
}

export interface TritonResult {
  passed: boolean
  targets: TritonTargetResult[]
}

export interface GateVerdict {
  passed: boolean
  inconclusive: boolean
  failures: string[]
  triton: TritonResult
  gpus: GpuVerdict[]
  /** Escaped Markdown: Triton table, per-GPU table, Mermaid charts of temperature and utilisation. */
  markdown(): string
}
