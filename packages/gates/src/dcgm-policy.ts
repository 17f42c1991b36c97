import { GpushipError } from '@gpuship/core'
import { parse as parseYaml } from 'yaml'
import type { DcgmPolicy, DeepPartial, MissingRule, ThrottleReason } from './types.js'
import { DEFAULT_CRITICAL_XIDS } from './xid.js'

/**
 * Safe defaults: any critical XID, any double-bit ECC error or row-remap failure fails; a GPU
 * hotter than 85 °C (HBM 95 °C) fails; throttled for thermal/power reasons in more than a
 * quarter of the samples fails; a GPU idle (<1 %) while the smoke load runs fails (the model is
 * on the CPU); more than 95 % framebuffer used fails. One missing or NaN sample is tolerated.
 */
export const DEFAULT_POLICY: DcgmPolicy = {
  failureLimit: 0,
  inconclusiveLimit: 1,
  consecutiveErrorLimit: 4,
  whenMissing: 'inconclusive',
  whenNaN: 'inconclusive',
  noDataRetries: 6,
  xid: { enabled: true, critical: DEFAULT_CRITICAL_XIDS },
  eccDoubleBit: { enabled: true, max: 0, whenMissing: 'skip' },
  rowRemapFailure: { enabled: true, whenMissing: 'skip' },
  temperature: { enabled: true, maxC: 85 },
  memoryTemperature: { enabled: true, maxC: 95, whenMissing: 'skip' },
  throttling: { enabled: true, whenMissing: 'skip', maxShare: 0.25, reasons: ['sw_thermal', 'hw_thermal', 'hw_slowdown', 'hw_power_brake', 'sw_power_cap'] },
  utilization: { enabled: true, minPercent: 1, always: false },
  framebuffer: { enabled: true, maxUsedPercent: 95 },
  window: { samples: 6, intervalMs: 10_000 }
}

export const THROTTLE_BITS: Record<ThrottleReason, number> = {
  sw_power_cap: 0x4,
  hw_slowdown: 0x8,
  sw_thermal: 0x20,
  hw_thermal: 0x40,
  hw_power_brake: 0x80
}

const RULES: MissingRule[] = ['inconclusive', 'fail', 'skip']
const EXAMPLE = `failureLimit: 0\ntemperature:\n  maxC: 83\nxid:\n  critical: [48, 79, 95]\nwindow:\n  samples: 6\n  interval: 10s`

function bad(path: string, what: string, fix: string): never {
  throw new GpushipError(`Invalid GPU policy key "${path}": ${what}.`, { input: path, code: 'policy', hint: fix })
}

function checkNumber(path: string, v: unknown, min: number, max: number, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) bad(path, `expected ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`, `Set ${path} to ${integer ? 'an integer' : 'a number'} between ${min} and ${max}.`)
  if (v < min || v > max) bad(path, `${v} is outside ${min}..${max}`, `Set ${path} to a value between ${min} and ${max}.`)
  return v
}

function durationMs(path: string, v: unknown): number {
  if (typeof v === 'number') return checkNumber(path, v, 0, 3_600_000, true)
  const m = typeof v === 'string' ? /^(\d+)(ms|s|m)$/.exec(v.trim()) : null
  if (!m) bad(path, `expected a duration like 10s or 500ms, got ${JSON.stringify(v)}`, `Set ${path} to a duration such as 10s.`)
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000)
}

/**
 * Merges a partial policy over the defaults, checking every key and value against the shape
 * of DEFAULT_POLICY: an unknown key, a wrong type or an out-of-range value names its path.
 */
export function resolvePolicy(partial: unknown = {}, base: DcgmPolicy = DEFAULT_POLICY): DcgmPolicy {
  if (partial === null || partial === undefined) return structuredClone(base)
  if (typeof partial !== 'object' || Array.isArray(partial)) bad('(root)', 'the policy must be a mapping', `Write the policy as YAML keys, e.g.\n${EXAMPLE}`)
  const out = structuredClone(base) as unknown as Record<string, unknown>
  const limits: Record<string, [number, number, boolean]> = {
    failureLimit: [0, 1000, true],
    inconclusiveLimit: [0, 1000, true],
    consecutiveErrorLimit: [0, 1000, true],
    noDataRetries: [0, 1000, true],
    max: [0, 1e9, true],
    maxC: [0, 150, false],
    maxShare: [0, 1, false],
    minPercent: [0, 100, false],
    maxUsedPercent: [0, 100, false],
    samples: [1, 10_000, true]
  }
  const walk = (src: Record<string, unknown>, dst: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(src)) {
      const path = prefix ? `${prefix}.${key}` : key
      const wantKey = key === 'interval' && prefix === 'window' ? 'intervalMs' : key
      const perCheck = prefix !== '' && prefix !== 'window' && (wantKey === 'whenMissing' || wantKey === 'whenNaN')
      if (!perCheck && !(wantKey in dst)) bad(path, 'unknown key', `Known keys${prefix ? ` under ${prefix}` : ''}: ${Object.keys(dst).map((k) => (k === 'intervalMs' ? 'interval' : k)).join(', ')}.`)
      const current = dst[wantKey]
      if (wantKey === 'intervalMs') dst.intervalMs = durationMs(path, value)
      else if (wantKey === 'whenMissing' || wantKey === 'whenNaN') {
        if (!RULES.includes(value as MissingRule)) bad(path, `expected one of ${RULES.join(', ')}, got ${JSON.stringify(value)}`, `Set ${path}: inconclusive (wait and report), fail, or skip.`)
        dst[wantKey] = value
      } else if (wantKey === 'critical') {
        if (!Array.isArray(value)) bad(path, 'expected a list of XID numbers', `Set ${path}: [48, 63, 64, 74, 79, 92, 94, 95].`)
        dst.critical = value.map((x, i) => checkNumber(`${path}[${i}]`, x, 1, 1000, true))
      } else if (wantKey === 'reasons') {
        if (!Array.isArray(value)) bad(path, 'expected a list of throttle reasons', `Set ${path} to a list of: ${Object.keys(THROTTLE_BITS).join(', ')}.`)
        dst.reasons = value.map((r, i) => (r in THROTTLE_BITS ? r : bad(`${path}[${i}]`, `unknown throttle reason ${JSON.stringify(r)}`, `Use one of: ${Object.keys(THROTTLE_BITS).join(', ')}.`)))
      } else if (typeof current === 'boolean') {
        if (typeof value !== 'boolean') bad(path, `expected true or false, got ${JSON.stringify(value)}`, `Set ${path}: true or ${path}: false.`)
        dst[wantKey] = value
      } else if (typeof current === 'number') {
        const [min, max, int] = limits[wantKey] ?? [0, 1e9, false]
        dst[wantKey] = checkNumber(path, value, min, max, int)
      } else if (typeof current === 'object' && current !== null) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(path, 'expected a mapping', `Write ${path} as nested keys (${Object.keys(current).join(', ')}).`)
        walk(value as Record<string, unknown>, current as Record<string, unknown>, path)
      }
    }
  }
  walk(partial as Record<string, unknown>, out, '')
  return out as unknown as DcgmPolicy
}

/** Reads a policy from YAML text; `source` (a file name) appears in errors. */
export function loadPolicyYaml(text: string, source = 'policy'): DcgmPolicy {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new GpushipError(`${source} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { code: 'policy', cause: err, hint: `Example policy:\n${EXAMPLE}` })
  }
  try {
    return resolvePolicy(doc ?? {})
  } catch (err) {
    if (err instanceof GpushipError) throw new GpushipError(`${source}: ${err.message}`, { input: err.input, code: 'policy', hint: err.hint })
    throw err
  }
}

export type { DeepPartial }
