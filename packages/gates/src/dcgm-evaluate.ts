import { silentLogger, type Logger } from '@gpuship/core'
import type { CheckResult, CheckStatus, DcgmPolicy, GpuVerdict, Measurement, MeasurementPhase, MissingRule } from './types.js'
import type { DcgmSnapshot, GpuSample } from './dcgm-snapshot.js'
import { THROTTLE_BITS } from './dcgm-policy.js'
import { xidMeaning } from './xid.js'

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

type Probe = { phase: MeasurementPhase | 'skip'; value?: number; message?: string }

/** Resolves missing/NaN into a measurement by the rule in force. */
function absent(rule: MissingRule, what: string): Probe {
  if (rule === 'skip') return { phase: 'skip', message: `${what}` }
  return { phase: rule === 'fail' ? 'Failed' : 'Inconclusive', message: what }
}

function read(g: GpuSample, names: string[], rules: { missing: MissingRule; nan: MissingRule }): { v?: number; probe?: Probe } {
  for (const n of names) {
    const v = g.values[n]
    if (v === undefined) continue
    if (Number.isNaN(v)) return { probe: absent(rules.nan, `${n} is NaN`) }
    if (isDcgmBlank(v)) return { probe: absent(rules.missing, `${n} not supported or not yet sampled (DCGM blank value ${v})`) }
    return { v }
  }
  return { probe: absent(rules.missing, `${names.join(' / ')} not exported`) }
}

/**
 * DCGM marks "no value" with sentinels near the top of the int32/int64 range
 * (DCGM_INT32_BLANK 0x7ffffff0.., DCGM_INT64_BLANK 0x7ffffffffffffff0..): dcgm-exporter prints
 * them as numbers, e.g. 9223372036854775794 for a memory temperature the GPU cannot read.
 */
export function isDcgmBlank(v: number): boolean {
  return (v >= 2147483632 && v <= 2147483647) || v >= 9223372036854775000
}

interface CheckDef {
  name: string
  limit: string
  /** Per-sample measurement, or undefined for window-only checks. */
  probe(g: GpuSample): Probe
  /** The decision over the window; default: Argo's limits over the measurements. */
  decide?(ms: Measurement[]): { status: CheckStatus; value: string; message: string } | undefined
  value(ms: Measurement[]): string
}

function stat(ms: Measurement[], fn: (vals: number[]) => number, fmt: (v: number) => string): string {
  const vals = ms.filter((m) => m.value !== undefined && Number.isFinite(m.value)).map((m) => m.value as number)
  return vals.length ? fmt(fn(vals)) : 'n/a'
}
const maxOf = (v: number[]) => Math.max(...v)
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length

function checksFor(p: DcgmPolicy, underLoad: boolean): CheckDef[] {
  const rules = (c: { whenMissing?: MissingRule; whenNaN?: MissingRule }) => ({ missing: c.whenMissing ?? p.whenMissing, nan: c.whenNaN ?? p.whenNaN })
  const defs: CheckDef[] = []
  if (p.xid.enabled) {
    const critical = new Set(p.xid.critical)
    defs.push({
      name: 'xid',
      limit: `none of ${p.xid.critical.join(', ')}`,
      probe(g) {
        const r = read(g, ['DCGM_FI_DEV_XID_ERRORS'], rules(p.xid))
        if (r.probe) return r.probe
        const x = r.v as number
        if (x === 0) return { phase: 'Successful', value: 0 }
        if (critical.has(x)) return { phase: 'Failed', value: x, message: `XID ${x}: ${xidMeaning(x)}` }
        return { phase: 'Successful', value: x, message: `XID ${x} (not critical): ${xidMeaning(x)}` }
      },
      value: (ms) => {
        const xs = [...new Set(ms.filter((m) => m.value).map((m) => m.value as number))]
        return xs.length ? xs.join(', ') : ms.some((m) => m.value === 0) ? 'none' : 'n/a'
      }
    })
  }
  const threshold = (name: string, metrics: string[], c: { whenMissing?: MissingRule; whenNaN?: MissingRule }, max: number, unit: string, what: string, zeroIsMissing = false) =>
    defs.push({
      name,
      limit: `≤ ${max}${unit}`,
      probe(g) {
        const r = read(g, metrics, rules(c))
        if (r.probe) return r.probe
        if (zeroIsMissing && r.v === 0) return absent(rules(c).missing, `${metrics[0]} is 0 (not supported by this GPU)`)
        const v = r.v as number
        return v > max ? { phase: 'Failed', value: v, message: `${what} ${v}${unit} > ${max}${unit}` } : { phase: 'Successful', value: v }
      },
      value: (ms) => stat(ms, maxOf, (v) => `max ${round(v)}${unit}`)
    })
  if (p.eccDoubleBit.enabled) threshold('ecc-dbe', ['DCGM_FI_DEV_ECC_DBE_VOL_TOTAL'], p.eccDoubleBit, p.eccDoubleBit.max, '', 'double-bit ECC errors')
  if (p.rowRemapFailure.enabled) threshold('row-remap', ['DCGM_FI_DEV_ROW_REMAP_FAILURE'], p.rowRemapFailure, 0, '', 'row-remap failure')
  if (p.temperature.enabled) threshold('temperature', ['DCGM_FI_DEV_GPU_TEMP'], p.temperature, p.temperature.maxC, ' °C', 'GPU temperature')
  if (p.memoryTemperature.enabled) threshold('memory-temperature', ['DCGM_FI_DEV_MEMORY_TEMP'], p.memoryTemperature, p.memoryTemperature.maxC, ' °C', 'memory temperature', true)
  if (p.framebuffer.enabled) {
    const max = p.framebuffer.maxUsedPercent
    defs.push({
      name: 'framebuffer',
      limit: `≤ ${max} % used`,
      probe(g) {
        const used = read(g, ['DCGM_FI_DEV_FB_USED'], rules(p.framebuffer))
        if (used.probe) return used.probe
        const free = read(g, ['DCGM_FI_DEV_FB_FREE'], rules(p.framebuffer))
        if (free.probe) return free.probe
        const total = (used.v as number) + (free.v as number) + (g.values.DCGM_FI_DEV_FB_RESERVED ?? 0)
        if (total <= 0) return absent(rules(p.framebuffer).missing, 'framebuffer size is 0')
        const pct = ((used.v as number) / total) * 100
        return pct > max ? { phase: 'Failed', value: pct, message: `framebuffer ${round(pct)} % used > ${max} %` } : { phase: 'Successful', value: pct }
      },
      value: (ms) => stat(ms, maxOf, (v) => `max ${round(v)} %`)
    })
  }
  if (p.throttling.enabled) {
    const mask = p.throttling.reasons.reduce((m, r) => m | THROTTLE_BITS[r], 0)
    defs.push({
      name: 'throttling',
      limit: `≤ ${round(p.throttling.maxShare * 100)} % of samples (${p.throttling.reasons.join(', ')})`,
      probe(g) {
        const r = read(g, ['DCGM_FI_DEV_CLOCKS_EVENT_REASONS', 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS'], rules(p.throttling))
        if (r.probe) return r.probe
        const bits = (r.v as number) & mask
        const names = Object.entries(THROTTLE_BITS).filter(([, b]) => bits & b).map(([n]) => n)
        // per-sample phase records whether the sample was throttled; the check decides on the share
        return { phase: 'Successful', value: bits ? 1 : 0, message: names.length ? `throttled: ${names.join(', ')}` : undefined }
      },
      decide(ms) {
        const measured = ms.filter((m) => m.value !== undefined)
        if (!measured.length) return undefined
        const share = measured.filter((m) => m.value === 1).length / measured.length
        const value = `${round(share * 100)} % of ${measured.length}`
        return share > p.throttling.maxShare
          ? { status: 'fail', value, message: `throttled in ${value} samples > ${round(p.throttling.maxShare * 100)} %` }
          : { status: 'pass', value, message: '' }
      },
      value: () => ''
    })
  }
  if (p.utilization.enabled) {
    const evaluate = underLoad || p.utilization.always
    defs.push({
      name: 'utilization',
      limit: evaluate ? `mean ≥ ${p.utilization.minPercent} %${underLoad ? ' under load' : ''}` : 'only under load',
      probe(g) {
        const r = read(g, ['DCGM_FI_DEV_GPU_UTIL'], rules(p.utilization))
        if (r.probe) {
          const prof = g.values.DCGM_FI_PROF_GR_ENGINE_ACTIVE
          if (prof !== undefined && !Number.isNaN(prof)) return { phase: 'Successful', value: prof * 100 }
          return r.probe
        }
        return { phase: 'Successful', value: r.v }
      },
      decide(ms) {
        const value = stat(ms, meanOf, (v) => `mean ${round(v)} %`)
        if (!evaluate) return { status: 'skipped', value, message: 'no load ran during the window' }
        const vals = ms.filter((m) => m.value !== undefined).map((m) => m.value as number)
        if (!vals.length) return undefined
        const mean = meanOf(vals)
        return mean < p.utilization.minPercent
          ? { status: 'fail', value, message: `GPU utilisation ${value} < ${p.utilization.minPercent} % while serving load (is the model running on the CPU?)` }
          : { status: 'pass', value, message: '' }
      },
      value: () => ''
    })
  }
  return defs
}

function round(v: number): number {
  return Math.round(v * 10) / 10
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
      presence.push({ sample: i, phase, message })
      for (const ms of per) ms.push({ sample: i, phase: 'Inconclusive', message })
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
