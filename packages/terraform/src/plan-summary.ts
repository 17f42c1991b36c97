import { kindOf, type PlanJson, type ResourceChange } from './plan-model.js'

/**
 * Counts a plan the way a reviewer reads it. Unlike terraform's "Plan: N to add", a replacement
 * is its own count (not one add plus one destroy), and imports, moves and forgets are counted
 * even when they change nothing else.
 */
export interface PlanCounts {
  add: number
  change: number
  replace: number
  destroy: number
  import: number
  move: number
  forget: number
  read: number
  outputs: number
  drift: number
}

export interface PlanSummary {
  counts: PlanCounts
  /** True when applying would change anything: a resource, an import/move/forget, or an output. */
  changes: boolean
  /** Addresses under each count, in plan order. */
  addresses: Record<keyof Omit<PlanCounts, 'outputs' | 'read' | 'drift'>, string[]> & { read: string[]; outputs: string[]; drift: string[] }
  terraformVersion?: string
  /** terraform said the plan cannot be applied (errored or not applyable). */
  errored: boolean
}

export const COUNT_LABELS: [keyof PlanCounts, string][] = [
  ['import', 'to import'],
  ['add', 'to add'],
  ['change', 'to change'],
  ['replace', 'to replace'],
  ['destroy', 'to destroy'],
  ['move', 'to move'],
  ['forget', 'to forget']
]

export function summarizePlan(plan: PlanJson): PlanSummary {
  const a: PlanSummary['addresses'] = { add: [], change: [], replace: [], destroy: [], import: [], move: [], forget: [], read: [], outputs: [], drift: [] }
  for (const rc of plan.resource_changes ?? []) {
    const k = kindOf(rc.change.actions)
    if (k === 'create') a.add.push(rc.address)
    else if (k === 'update') a.change.push(rc.address)
    else if (k === 'replace') a.replace.push(rc.address)
    else if (k === 'delete') a.destroy.push(rc.address)
    else if (k === 'forget') a.forget.push(rc.address)
    else if (k === 'read') a.read.push(rc.address)
    if (rc.change.importing) a.import.push(rc.address)
    if (rc.previous_address && rc.previous_address !== rc.address) a.move.push(rc.address)
  }
  for (const [name, oc] of Object.entries(plan.output_changes ?? {})) {
    if (kindOf(oc.actions) !== 'no-op') a.outputs.push(name)
  }
  for (const rd of plan.resource_drift ?? []) {
    if (kindOf(rd.change.actions) !== 'no-op') a.drift.push(rd.address)
  }
  const counts: PlanCounts = {
    add: a.add.length,
    change: a.change.length,
    replace: a.replace.length,
    destroy: a.destroy.length,
    import: a.import.length,
    move: a.move.length,
    forget: a.forget.length,
    read: a.read.length,
    outputs: a.outputs.length,
    drift: a.drift.length
  }
  const changes = counts.add + counts.change + counts.replace + counts.destroy + counts.import + counts.move + counts.forget + counts.outputs > 0
  return { counts, changes, addresses: a, terraformVersion: plan.terraform_version, errored: plan.errored === true || (plan.applyable === false && changes) }
}

/** "Plan: 1 to add, 0 to change, 1 to replace, 2 to destroy." — every count, always, in one order. */
export function summaryLine(s: PlanSummary): string {
  if (!s.changes) return s.counts.drift ? `No changes. ${s.counts.drift} changed outside Terraform.` : 'No changes. Infrastructure matches the configuration.'
  const parts = COUNT_LABELS.filter(([k]) => k !== 'import' && k !== 'move' && k !== 'forget' ? true : s.counts[k] > 0).map(([k, l]) => `${s.counts[k]} ${l}`)
  const outs = s.counts.outputs ? ` ${s.counts.outputs} output${s.counts.outputs === 1 ? '' : 's'} to change.` : ''
  return `Plan: ${parts.join(', ')}.${outs}`
}

export function isDestructive(s: PlanSummary): boolean {
  return s.counts.destroy + s.counts.replace > 0
}

/** Only changes that matter for review, in plan order; reads and no-ops without a move or import are dropped. */
export function reviewable(changes: readonly ResourceChange[] | undefined): ResourceChange[] {
  return (changes ?? []).filter((rc) => {
    const k = kindOf(rc.change.actions)
    if (k === 'read') return false
    if (k !== 'no-op') return true
    return Boolean(rc.change.importing) || Boolean(rc.previous_address && rc.previous_address !== rc.address)
  })
}
