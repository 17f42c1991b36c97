import type { Change, PlanJson } from './plan-model.js'

/**
 * Every value the plan marks sensitive anywhere, so the renderer can hide it wherever else it
 * shows up unmarked. Terraform itself does not do this: a value copied into an attribute the
 * provider does not mark (terraform_data's `output` mirrors `input`) is printed in clear text;
 * the recorded real-changes.json fixture shows exactly that.
 */
const MIN_LENGTH = 4 // shorter values ("true", "1") would blank half the plan and protect nothing

function walk(v: unknown, mask: unknown, out: Set<string>): void {
  if (mask === true) {
    collectAll(v, out)
    return
  }
  if (!mask || typeof mask !== 'object' || v === null || typeof v !== 'object') return
  for (const [k, m] of Object.entries(mask)) walk((v as Record<string, unknown>)[k], m, out)
}

function collectAll(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    if (v.length >= MIN_LENGTH) out.add(v)
  } else if (typeof v === 'number') {
    if (String(v).length >= MIN_LENGTH) out.add(String(v))
  } else if (v && typeof v === 'object') for (const x of Object.values(v)) collectAll(x, out)
}

function fromChange(c: Change, out: Set<string>): void {
  walk(c.before, c.before_sensitive, out)
  walk(c.after, c.after_sensitive, out)
}

export function sensitiveValues(plan: PlanJson): Set<string> {
  const out = new Set<string>()
  for (const rc of plan.resource_changes ?? []) fromChange(rc.change, out)
  for (const rd of plan.resource_drift ?? []) fromChange(rd.change, out)
  for (const oc of Object.values(plan.output_changes ?? {})) fromChange(oc, out)
  const config = (plan.configuration as { root_module?: { variables?: Record<string, { sensitive?: boolean }> } } | undefined)?.root_module?.variables ?? {}
  const values = (plan.variables ?? {}) as Record<string, { value?: unknown }>
  for (const [name, v] of Object.entries(config)) if (v.sensitive) collectAll(values[name]?.value, out)
  return out
}

/** A redactor for rendered leaves: any text containing a sensitive value becomes "(sensitive)". */
export function sensitiveRedactor(plan: PlanJson): (rendered: string) => string | undefined {
  const raw = [...sensitiveValues(plan)]
  if (!raw.length) return () => undefined
  // Rendered leaves are JSON: look for each secret both as is and JSON-escaped.
  const needles = [...new Set(raw.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))]
  return (rendered) => (needles.some((n) => rendered.includes(n)) ? '(sensitive)' : undefined)
}
