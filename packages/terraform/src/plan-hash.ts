import { createHash } from 'node:crypto'
import { kindOf, type Change, type PlanJson } from './plan-model.js'
import { sensitiveValues } from './plan-secrets.js'

/**
 * The hash apply compares with the reviewed plan. It is computed from a canonical form of the
 * JSON plan, never from text (whose wording, colours and ordering change between runs and
 * versions) and never from timestamps. Unknown values become one marker; sensitive values
 * become a marker plus whether they change (never the value, nor a digest of it, because the
 * hash is published in a PR comment and a digest of a short secret can be guessed).
 */
const UNKNOWN_MARK = '__unknown__'
const SENSITIVE_MARK = '__sensitive__'

function mask(mask: unknown, key: string | number): unknown {
  if (mask === true) return true
  if (mask && typeof mask === 'object') return (mask as Record<string, unknown>)[key as string]
  return undefined
}

// Values marked sensitive elsewhere in the plan, hidden where they reappear unmarked (plan-secrets.ts).
let secrets: Set<string> = new Set()

function normalise(v: unknown, sensitive: unknown, unknown: unknown, other?: unknown): unknown {
  if (sensitive === true || (typeof v === 'string' && secrets.has(v))) return { [SENSITIVE_MARK]: JSON.stringify(v) !== JSON.stringify(other) ? 'changes' : 'same' }
  if (unknown === true) return UNKNOWN_MARK
  if (v === null || v === undefined) {
    if (unknown && typeof unknown === 'object') return normaliseMaskOnly(unknown)
    return null
  }
  if (Array.isArray(v)) return v.map((x, i) => normalise(x, mask(sensitive, i), mask(unknown, i), Array.isArray(other) ? other[i] : undefined))
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {}
    const keys = new Set(Object.keys(v as object))
    if (unknown && typeof unknown === 'object') for (const [k, m] of Object.entries(unknown)) if (m === true) keys.add(k)
    for (const k of [...keys].sort()) {
      const o = other && typeof other === 'object' ? (other as Record<string, unknown>)[k] : undefined
      out[k] = normalise((v as Record<string, unknown>)[k], mask(sensitive, k), mask(unknown, k), o)
    }
    return out
  }
  return v
}

function normaliseMaskOnly(unknown: unknown): unknown {
  if (unknown === true) return UNKNOWN_MARK
  if (Array.isArray(unknown)) return unknown.map(normaliseMaskOnly)
  if (unknown && typeof unknown === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(unknown).sort()) {
      const m = (unknown as Record<string, unknown>)[k]
      if (m) out[k] = normaliseMaskOnly(m)
    }
    return out
  }
  return null
}

function canonicalChange(c: Change): unknown {
  return {
    actions: c.actions,
    before: normalise(c.before, c.before_sensitive, undefined, c.after),
    after: normalise(c.after, c.after_sensitive, c.after_unknown, c.before),
    importing: c.importing?.id ?? null
  }
}

/** Deterministic JSON: object keys sorted at every level. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null)
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const keys = Object.keys(v as object).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`
}

export function canonicalPlan(plan: PlanJson): unknown {
  secrets = sensitiveValues(plan)
  try {
    return canonicalize(plan)
  } finally {
    secrets = new Set()
  }
}

function canonicalize(plan: PlanJson): unknown {
  const resources = (plan.resource_changes ?? [])
    .filter((rc) => kindOf(rc.change.actions) !== 'read' && (kindOf(rc.change.actions) !== 'no-op' || rc.change.importing || (rc.previous_address && rc.previous_address !== rc.address)))
    .map((rc) => ({ address: rc.address, deposed: rc.deposed ?? null, previous_address: rc.previous_address ?? null, ...(canonicalChange(rc.change) as object) }))
    .sort((a, b) => (a.address === b.address ? String(a.deposed).localeCompare(String(b.deposed)) : a.address < b.address ? -1 : 1))
  const outputs: Record<string, unknown> = {}
  for (const name of Object.keys(plan.output_changes ?? {}).sort()) {
    const oc = plan.output_changes![name]
    if (kindOf(oc.actions) === 'no-op') continue
    outputs[name] = canonicalChange(oc)
  }
  return { resource_changes: resources, output_changes: outputs }
}

/** `sha256:<hex>` of the canonical plan. */
export function planHash(plan: PlanJson): string {
  return `sha256:${createHash('sha256').update(canonicalJson(canonicalPlan(plan))).digest('hex')}`
}
