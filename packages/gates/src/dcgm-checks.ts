import type { CheckStatus, DcgmPolicy, Measurement, MeasurementPhase, MissingRule } from './types.js'
import type { GpuSample } from './dcgm-snapshot.js'
import { THROTTLE_BITS } from './dcgm-policy.js'
import { xidMeaning } from './xid.js'

/**
 * The per-GPU checks: how one sample of one GPU becomes a measurement, and (for throttling and
 * utilisation) how the window decides. The limits come from the resolved policy.
 */
export type Probe = { phase: MeasurementPhase | 'skip'; value?: number; message?: string }

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

export interface CheckDef {
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

export function checksFor(p: DcgmPolicy, underLoad: boolean): CheckDef[] {
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

export function round(v: number): number {
  return Math.round(v * 10) / 10
}

