import { silentLogger, type Logger } from '@gpuship/core'
import type { CheckResult, CheckStatus, DcgmPolicy, GpuVerdict, Measurement, MeasurementPhase } from './types.js'
import type { DcgmSnapshot, GpuSample } from './dcgm-snapshot.js'
import { checksFor, round, type CheckDef } from './dcgm-checks.js'

/** The samples of one node's window, in order. */
export interface NodeWindow {
  node: string
  samples: DcgmSnapshot[]
}

export interface EvaluateOptions {
  /** True when smoke/latency load ran during the window (the utilisation check needs it). */
  underLoad?: boolean
  gpuFilter?: (gpu: { node: string; pod?: string; namespace?: string }) => boolean
  log?: Logger
}

function emptyCounts(): Record<MeasurementPhase, number> {
  return { Successful: 0, Failed: 0, Inconclusive: 0, Error: 0 }
}

/** Argo's rule over a check's measurements: errors in a row, then failures, then inconclusive. */
function argoDecision(p: DcgmPolicy, ms: Measurement[], counts: Record<MeasurementPhase, number>): { status: CheckStatus; message: string } {
  let run = 0
  let worst = 0
  for (const m of ms) {
    run = m.phase === 'Error' ? run + 1 : 0
    worst = Math.max(worst, run)
  }
  if (worst > p.consecutiveErrorLimit) return { status: 'fail', message: `${worst} scrape errors in a row > consecutiveErrorLimit ${p.consecutiveErrorLimit}` }
  if (counts.Failed > p.failureLimit) {
    const first = ms.find((m) => m.phase === 'Failed')
    return { status: 'fail', message: `${counts.Failed} failed measurement(s) > failureLimit ${p.failureLimit}: ${first?.message ?? ''}` }
  }
  if (counts.Inconclusive > p.inconclusiveLimit) {
    const first = ms.find((m) => m.phase === 'Inconclusive')
    return { status: 'inconclusive', message: `${counts.Inconclusive} inconclusive measurement(s) > inconclusiveLimit ${p.inconclusiveLimit}: ${first?.message ?? ''}` }
  }
  if (counts.Successful === 0) {
    const why = ms.find((m) => m.message)?.message
    return { status: 'inconclusive', message: `no successful measurement in the window${why ? `: ${why}` : ''}` }
  }
  return { status: 'pass', message: '' }
}

/**
 * Evaluates each GPU of each node over its window. A GPU that was present and then missing
 * from a later scrape of its node has vanished (fallen off the bus, driver reset): that is a
 * failed `presence` check whatever the limits say.
 */
export function evaluateDcgm(windows: NodeWindow[], policy: DcgmPolicy, opts: EvaluateOptions = {}): GpuVerdict[] {
  const log = opts.log ?? silentLogger
  const defs = checksFor(policy, opts.underLoad ?? false)
  const verdicts: GpuVerdict[] = []
  for (const w of windows) {
    const keys = new Map<string, GpuSample>()
    for (const s of w.samples) for (const [k, g] of s.gpus) if (!keys.has(k)) keys.set(k, g)
    for (const [key, first] of keys) {
      const id = latestIdentity(w.samples, key, first)
      if (opts.gpuFilter && !opts.gpuFilter({ node: id.node, pod: id.pod, namespace: id.namespace })) continue
      verdicts.push(evaluateGpu(w, key, id, defs, policy, log))
    }
    if (keys.size === 0) log.warning(`${w.node}: no GPU metrics in ${w.samples.length} scrape(s)`)
  }
  return verdicts
}

/**
 * Nodes that produced no GPU at all over the window: an exporter that kept failing is a
 * failure (Argo's consecutiveErrorLimit), one that answered without GPUs is inconclusive.
 */
export function nodeProblems(windows: NodeWindow[], policy: DcgmPolicy): { node: string; status: 'fail' | 'inconclusive'; message: string }[] {
  const out: { node: string; status: 'fail' | 'inconclusive'; message: string }[] = []
  for (const w of windows) {
    if (w.samples.some((s) => s.gpus.size > 0)) continue
    let run = 0
    let worst = 0
    for (const s of w.samples) {
      run = s.error ? run + 1 : 0
      worst = Math.max(worst, run)
    }
    const lastError = [...w.samples].reverse().find((s) => s.error)?.error
    if (worst > policy.consecutiveErrorLimit) out.push({ node: w.node, status: 'fail', message: `${w.node}: dcgm-exporter failed ${worst} scrapes in a row > consecutiveErrorLimit ${policy.consecutiveErrorLimit}: ${lastError}` })
    else out.push({ node: w.node, status: 'inconclusive', message: `${w.node}: no GPU metrics in ${w.samples.length} scrape(s)${lastError ? ` (last error: ${lastError})` : ''}; is dcgm-exporter running on the node?` })
  }
  return out
}

function latestIdentity(samples: DcgmSnapshot[], key: string, first: GpuSample): GpuSample {
  for (const s of samples) {
    const g = s.gpus.get(key)
    if (g?.pod) return g
  }
  return first
}

function evaluateGpu(w: NodeWindow, key: string, id: GpuSample, defs: CheckDef[], policy: DcgmPolicy, log: Logger): GpuVerdict {
  const per = defs.map(() => [] as Measurement[])
  const presence: Measurement[] = []
  const series = { temperature: [] as (number | null)[], utilization: [] as (number | null)[] }
  let seen = false
  const label = `${id.node} GPU ${id.gpu}${id.uuid ? ` (${id.uuid})` : ''}`
  w.samples.forEach((snap, i) => {
    const g = snap.gpus.get(key)
    const parts: string[] = []
    if (snap.error) {
      presence.push({ sample: i, phase: 'Error', message: snap.error })
      for (const ms of per) ms.push({ sample: i, phase: 'Error', message: snap.error })
      parts.push(`Error: ${snap.error}`)
    } else if (!g) {
      const phase: MeasurementPhase = seen ? 'Failed' : 'Inconclusive'
      const message = seen ? 'GPU vanished from the exporter (fell off the bus or the driver reset)' : 'GPU not reporting yet'
      // only presence judges an absent GPU; the other checks have nothing to measure
      presence.push({ sample: i, phase, message })
      parts.push(`${phase}: ${message}`)
    } else {
      seen = true
      presence.push({ sample: i, phase: 'Successful' })
      defs.forEach((d, j) => {
        const r = d.probe(g)
        if (r.phase === 'skip') return
        per[j].push({ sample: i, phase: r.phase, value: r.value, message: r.message })
        parts.push(`${d.name}=${r.value === undefined ? '—' : round(r.value)} ${r.phase}${r.message ? ` (${r.message})` : ''}`)
      })
    }
    const t = g?.values.DCGM_FI_DEV_GPU_TEMP
    const u = g?.values.DCGM_FI_DEV_GPU_UTIL ?? (g?.values.DCGM_FI_PROF_GR_ENGINE_ACTIVE === undefined ? undefined : g.values.DCGM_FI_PROF_GR_ENGINE_ACTIVE * 100)
    series.temperature.push(t === undefined || Number.isNaN(t) ? null : t)
    series.utilization.push(u === undefined || Number.isNaN(u) ? null : u)
    log.info(`${label} sample ${i + 1}/${w.samples.length}: ${parts.join('; ')}`)
  })

  const checks: CheckResult[] = []
  const pc = emptyCounts()
  for (const m of presence) pc[m.phase]++
  const vanished = presence.find((m) => m.phase === 'Failed')
  const presenceDecision = vanished ? { status: 'fail' as const, message: `${vanished.message} at sample ${vanished.sample + 1}` } : argoDecision(policy, presence, pc)
  checks.push({ name: 'presence', status: presenceDecision.status, value: `${pc.Successful}/${presence.length} samples`, limit: 'present in every sample', message: presenceDecision.message, counts: pc, measurements: presence })
  defs.forEach((d, j) => {
    const ms = per[j]
    const counts = emptyCounts()
    for (const m of ms) counts[m.phase]++
    if (ms.length === 0) {
      checks.push({ name: d.name, status: 'skipped', value: 'n/a', limit: d.limit, message: 'metric not exported by this exporter/GPU', counts, measurements: ms })
      return
    }
    const base = argoDecision(policy, ms, counts)
    const custom = d.decide?.(ms.filter((m) => m.phase === 'Successful'))
    const value = custom?.value ?? d.value(ms)
    let decision: { status: CheckStatus; value: string; message: string }
    if (custom?.status === 'skipped') decision = custom
    else if (base.status === 'fail') decision = { ...base, value }
    else if (custom?.status === 'fail') decision = custom
    else if (base.status === 'inconclusive') decision = { ...base, value }
    else decision = custom ?? { ...base, value }
    checks.push({ name: d.name, status: decision.status, value: decision.value, limit: d.limit, message: decision.message, counts, measurements: ms })
  })
  const status = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'inconclusive') ? 'inconclusive' : 'pass'
  const reasons = checks.filter((c) => c.status === 'fail' || c.status === 'inconclusive').map((c) => `${label}: ${c.name} ${c.status}: ${c.message}`)
  const v: GpuVerdict = { node: id.node, gpu: id.gpu, uuid: id.uuid, model: id.model, status, checks, series, reasons }
  if (id.pciBusId) v.pciBusId = id.pciBusId
  if (id.pod) v.pod = id.pod
  if (id.namespace) v.namespace = id.namespace
  log.info(`${label}: ${status.toUpperCase()} (${checks.map((c) => `${c.name} ${c.status}`).join(', ')})`)
  return v
}
