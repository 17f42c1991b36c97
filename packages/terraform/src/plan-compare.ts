import { createHash } from 'node:crypto'
import { canonicalJson, canonicalPlan } from './plan-hash.js'
import type { PlanJson } from './plan-model.js'
import { kindOf } from './plan-model.js'

/**
 * A compact fingerprint of each reviewable change, `address -> "kind:digest"`, small enough to
 * ride in a PR comment's hidden marker, so apply can say *what* changed since review ("+1
 * destroy: aws_eks_node_group.gpu") even when the reviewed plan file is not at hand.
 */
export type ChangeMap = Record<string, string>

const WORDS: Record<string, string> = { create: 'create', update: 'change', replace: 'replace', delete: 'destroy', forget: 'forget', 'no-op': 'move/import', output: 'output change' }

export function changeMap(plan: PlanJson): ChangeMap {
  const canon = canonicalPlan(plan) as { resource_changes: { address: string; deposed: string | null; actions: string[] }[]; output_changes: Record<string, unknown> }
  const map: ChangeMap = {}
  for (const rc of canon.resource_changes) {
    const key = rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address
    map[key] = `${kindOf(rc.actions as never)}:${createHash('sha256').update(canonicalJson(rc)).digest('hex').slice(0, 12)}`
  }
  for (const [name, oc] of Object.entries(canon.output_changes)) {
    map[`output.${name}`] = `output:${createHash('sha256').update(canonicalJson(oc)).digest('hex').slice(0, 12)}`
  }
  return map
}

/** The map if it fits in `maxChars` of JSON, else undefined (a 10,000-resource plan will not). */
export function compactChangeMap(plan: PlanJson, maxChars = 12_000): ChangeMap | undefined {
  const m = changeMap(plan)
  return JSON.stringify(m).length <= maxChars ? m : undefined
}

/**
 * What differs between the reviewed and the current plan, one line per kind and direction:
 * "+1 destroy: aws_eks_node_group.gpu" (new since review), "-1 create: aws_iam_role.x" (no longer
 * planned), "~1 replace: aws_launch_template.gpu (attributes differ)".
 */
export function compareChangeMaps(reviewed: ChangeMap, current: ChangeMap): string[] {
  const added = new Map<string, string[]>()
  const removed = new Map<string, string[]>()
  const altered = new Map<string, string[]>()
  const push = (m: Map<string, string[]>, kind: string, addr: string) => m.set(kind, [...(m.get(kind) ?? []), addr])
  for (const [addr, v] of Object.entries(current)) {
    const [kind] = v.split(':')
    const was = reviewed[addr]
    if (!was) push(added, kind, addr)
    else if (was.split(':')[0] !== kind) {
      push(removed, was.split(':')[0], addr)
      push(added, kind, addr)
    } else if (was !== v) push(altered, kind, addr)
  }
  for (const [addr, v] of Object.entries(reviewed)) if (!(addr in current)) push(removed, v.split(':')[0], addr)
  const lines: string[] = []
  const emit = (sign: string, m: Map<string, string[]>, suffix = '') => {
    for (const kind of ['delete', 'replace', 'create', 'update', 'forget', 'no-op', 'output']) {
      const addrs = m.get(kind)
      if (!addrs?.length) continue
      const shown = addrs.slice(0, 20).join(', ') + (addrs.length > 20 ? `, … ${addrs.length - 20} more` : '')
      lines.push(`${sign}${addrs.length} ${WORDS[kind]}: ${shown}${suffix}`)
    }
  }
  emit('+', added)
  emit('-', removed)
  emit('~', altered, ' (attributes differ)')
  return lines
}
