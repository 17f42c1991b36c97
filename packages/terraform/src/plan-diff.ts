import type { Change } from './plan-model.js'

/**
 * Attribute-level differences of one change, computed from before/after and the unknown and
 * sensitive masks terraform puts beside them. Sensitive values never leave this file: they
 * become "(sensitive)" before any text is built.
 */
export interface AttrDiff {
  path: string
  op: '+' | '-' | '~'
  before?: string
  after?: string
  forcesReplacement: boolean
}

export const SENSITIVE = '(sensitive)'
export const UNKNOWN = '(known after apply)'

type Mask = unknown

function child(mask: Mask, key: string | number): Mask {
  if (mask === true) return true
  if (mask && typeof mask === 'object') return (mask as Record<string, unknown>)[key as string]
  return undefined
}

function isLeaf(v: unknown): boolean {
  return v === null || typeof v !== 'object'
}

function show(v: unknown): string {
  if (v === undefined) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  return JSON.stringify(v)
}

function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  return base ? (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`) : key
}

function pathKey(p: (string | number)[]): string {
  return p.reduce<string>((acc, k) => joinPath(acc, k), '')
}

/** Flattens a value into path -> rendered leaf, honouring the masks on the way down. */
type Redact = (rendered: string) => string | undefined

function flatten(v: unknown, sensitive: Mask, unknown: Mask, path: string, out: Map<string, string>, redact?: Redact): void {
  if (sensitive === true) {
    out.set(path, SENSITIVE)
    return
  }
  if (unknown === true) {
    out.set(path, UNKNOWN)
    return
  }
  if (isLeaf(v)) {
    if (v !== null && v !== undefined) {
      const shown = show(v)
      out.set(path, redact?.(shown) ?? shown)
    }
    return
  }
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v as object)
  if (entries.length === 0 && path) out.set(path, Array.isArray(v) ? '[]' : '{}')
  for (const [k, x] of entries) flatten(x, child(sensitive, k), child(unknown, k), joinPath(path, k), out, redact)
  // Unknown members terraform lists only in the mask (the value itself is absent).
  if (unknown && typeof unknown === 'object') {
    for (const [k, m] of Object.entries(unknown)) {
      const key: string | number = Array.isArray(unknown) ? Number(k) : k
      if (m === true && !(Array.isArray(v) ? Number(k) < v.length : k in (v as object))) out.set(joinPath(path, key), UNKNOWN)
    }
  }
}

/** `redact` hides leaves holding a value the plan marks sensitive elsewhere (see plan-secrets.ts). */
export function attributeDiff(change: Change, redact?: Redact): AttrDiff[] {
  const before = new Map<string, string>()
  const after = new Map<string, string>()
  if (change.before !== undefined && change.before !== null) flatten(change.before, change.before_sensitive, undefined, '', before, redact)
  if (change.after !== undefined || change.after_unknown) flatten(change.after ?? {}, change.after_sensitive, change.after_unknown, '', after, redact)
  const forcing = (change.replace_paths ?? []).map(pathKey).filter((f) => f !== '')
  const forces = (p: string) => forcing.length > 0 && forcing.some((f) => p === f || p.startsWith(`${f}.`) || p.startsWith(`${f}[`))
  const out: AttrDiff[] = []
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort()
  for (const p of paths) {
    const b = before.get(p)
    const a = after.get(p)
    if (b === a && !(b === SENSITIVE && a === SENSITIVE && sensitiveChanged(change, p))) continue
    const op = b === undefined ? '+' : a === undefined ? '-' : '~'
    out.push({ path: p || '(value)', op, before: b, after: a, forcesReplacement: forces(p) })
  }
  return out
}

/** Two "(sensitive)" leaves may still differ underneath; say so without showing either. */
function sensitiveChanged(change: Change, path: string): boolean {
  const get = (root: unknown): unknown => {
    if (!path) return root
    let cur: unknown = root
    for (const part of path.match(/[^.[\]"]+/g) ?? []) {
      if (cur === null || typeof cur !== 'object') return undefined
      cur = (cur as Record<string, unknown>)[part]
    }
    return cur
  }
  return JSON.stringify(get(change.before)) !== JSON.stringify(get(change.after))
}

/** Lines in terraform's own style: `~ instance_type = "a" -> "b" # forces replacement`. */
export function diffLines(diffs: AttrDiff[]): string[] {
  return diffs.map((d) => {
    const note = d.forcesReplacement ? ' # forces replacement' : ''
    if (d.op === '+') return `+ ${d.path} = ${d.after}${note}`
    if (d.op === '-') return `- ${d.path} = ${d.before}${note}`
    return `~ ${d.path} = ${d.before} -> ${d.after}${note}`
  })
}
