import type { KObject } from './store.js'
import { StoreError } from './store.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any

/** Merge keys of the lists strategic merge and server-side apply treat as keyed (the ones gpuship's manifests use). */
const mergeKeys: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  env: ['name'],
  ports: ['containerPort', 'port'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  tolerations: [],
  imagePullSecrets: ['name'],
  conditions: ['type'],
  metrics: []
}

function keyOf(listName: string, item: Json): string | undefined {
  const keys = mergeKeys[listName]
  if (!keys || keys.length === 0 || typeof item !== 'object' || item === null) return undefined
  for (const k of keys) if (item[k] !== undefined) return JSON.stringify({ [k]: item[k] })
  return undefined
}

export function applyJsonPatch(doc: Json, ops: Json[]): Json {
  if (!Array.isArray(ops)) throw new StoreError(400, 'BadRequest', 'json patch must be an array of operations')
  let out = structuredClone(doc)
  for (const op of ops) {
    const parts = String(op.path)
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    if (op.op === 'test') {
      if (JSON.stringify(getPath(out, parts)) !== JSON.stringify(op.value))
        throw new StoreError(422, 'Invalid', `the server rejected our request due to an error in our request: test failed at ${op.path}`)
      continue
    }
    if (parts.length === 0) {
      if (op.op === 'replace' || op.op === 'add') out = structuredClone(op.value)
      continue
    }
    const parent = getPath(out, parts.slice(0, -1))
    const last = parts[parts.length - 1]
    if (parent === undefined || parent === null)
      throw new StoreError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${op.path}"`)
    if (op.op === 'add' || op.op === 'replace') {
      if (Array.isArray(parent)) {
        const i = last === '-' ? parent.length : Number(last)
        if (op.op === 'add') parent.splice(i, 0, structuredClone(op.value))
        else parent[i] = structuredClone(op.value)
      } else {
        if (op.op === 'replace' && !(last in parent))
          throw new StoreError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${op.path}`
          )
        parent[last] = structuredClone(op.value)
      }
    } else if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1)
      else delete parent[last]
    } else {
      throw new StoreError(400, 'BadRequest', `unsupported json patch operation ${op.op}`)
    }
  }
  return out
}

function getPath(doc: Json, parts: string[]): Json {
  let cur = doc
  for (const p of parts) {
    if (cur === undefined || cur === null) return undefined
    cur = Array.isArray(cur) ? cur[Number(p)] : cur[p]
  }
  return cur
}

export function mergePatch(doc: Json, patch: Json): Json {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch)
  const out = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? structuredClone(doc) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

/** Strategic merge: like a merge patch, but keyed lists merge item by item (and `$patch: delete` removes one). */
export function strategicMerge(doc: Json, patch: Json, listName = ''): Json {
  if (Array.isArray(patch)) {
    if (!Array.isArray(doc) || !mergeKeys[listName]?.length) return structuredClone(patch.filter((x: Json) => !(x && x.$patch)))
    const out = structuredClone(doc)
    for (const item of patch) {
      const k = keyOf(listName, item)
      const i = k === undefined ? -1 : out.findIndex((x: Json) => keyOf(listName, x) === k)
      if (item && item.$patch === 'delete') {
        if (i >= 0) out.splice(i, 1)
      } else if (i >= 0) out[i] = strategicMerge(out[i], item)
      else out.push(structuredClone(item))
    }
    return out
  }
  if (typeof patch !== 'object' || patch === null) return structuredClone(patch)
  const out = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? structuredClone(doc) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder')) continue
    if (v === null) delete out[k]
    else out[k] = strategicMerge(out[k], v, k)
  }
  return out
}

// ---- server-side apply -------------------------------------------------------------------------

/** A field path as managedFields spells it: "f:spec", "k:{\"name\":\"web\"}", joined by NUL. */
type FieldSet = Set<string>
const SEP = '\u0000'

/** Every field path (leaves and their ancestors) set in `obj`. */
export function fieldsOf(obj: Json, prefix: string[] = [], out: FieldSet = new Set(), listName = ''): FieldSet {
  if (Array.isArray(obj)) {
    if (!mergeKeys[listName]?.length) return out
    for (const item of obj) {
      const k = keyOf(listName, item)
      if (k === undefined) continue
      const p = [...prefix, `k:${k}`]
      out.add(p.join(SEP))
      fieldsOf(item, p, out)
    }
    return out
  }
  if (typeof obj !== 'object' || obj === null) return out
  for (const [k, v] of Object.entries(obj)) {
    if (prefix.length === 0 && ['apiVersion', 'kind', 'status'].includes(k)) continue
    if (prefix.length === 1 && prefix[0] === 'f:metadata' && !['labels', 'annotations', 'finalizers', 'ownerReferences'].includes(k)) continue
    const p = [...prefix, `f:${k}`]
    const before = out.size
    fieldsOf(v, p, out, k)
    // metadata itself is never owned, only the labels/annotations under it.
    if (prefix.length === 0 && k === 'metadata' && out.size === before) continue
    out.add(p.join(SEP))
  }
  return out
}

const isLeaf = (set: FieldSet, path: string): boolean => {
  for (const p of set) if (p !== path && p.startsWith(path + SEP)) return false
  return true
}

function valueAt(obj: Json, path: string): Json {
  let cur = obj
  let listName = ''
  for (const seg of path.split(SEP)) {
    if (cur === undefined || cur === null) return undefined
    if (seg.startsWith('f:')) {
      listName = seg.slice(2)
      cur = cur[listName]
    } else {
      const k = seg.slice(2)
      cur = Array.isArray(cur) ? cur.find((x: Json) => keyOf(listName, x) === k) : undefined
    }
  }
  return cur
}

function removeAt(obj: Json, path: string): void {
  const segs = path.split(SEP)
  let cur = obj
  let listName = ''
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]
    const last = i === segs.length - 1
    if (cur === undefined || cur === null) return
    if (seg.startsWith('f:')) {
      listName = seg.slice(2)
      if (last) delete cur[listName]
      else cur = cur[listName]
    } else {
      const k = seg.slice(2)
      if (!Array.isArray(cur)) return
      const idx = cur.findIndex((x: Json) => keyOf(listName, x) === k)
      if (idx < 0) return
      if (last) cur.splice(idx, 1)
      else cur = cur[idx]
    }
  }
}

export function toFieldsV1(set: FieldSet): Json {
  const root: Json = {}
  for (const p of [...set].sort()) {
    let cur = root
    for (const seg of p.split(SEP)) cur = cur[seg] ??= {}
    if (p.split(SEP).pop()!.startsWith('k:')) cur['.'] = {}
  }
  return root
}

export function fromFieldsV1(f: Json, prefix: string[] = [], out: FieldSet = new Set()): FieldSet {
  for (const [k, v] of Object.entries(f ?? {})) {
    if (k === '.') continue
    const p = [...prefix, k]
    out.add(p.join(SEP))
    fromFieldsV1(v, p, out)
  }
  return out
}

const dotted = (path: string): string =>
  path
    .split(SEP)
    .map((s) =>
      s.startsWith('f:')
        ? `.${s.slice(2)}`
        : `[${Object.entries(JSON.parse(s.slice(2)))
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`
    )
    .join('')

export interface ManagedEntry {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time: string
  fieldsType: 'FieldsV1'
  fieldsV1: Json
  subresource?: string
}

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined when creating). Conflicts are
 * leaf fields another manager owns whose value would change; they answer 409 unless `force`.
 */
export function serverSideApply(live: KObject | undefined, applied: KObject, manager: string, force: boolean, now: string): KObject {
  const base: KObject = live
    ? structuredClone(live)
    : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: { name: applied.metadata.name, namespace: applied.metadata.namespace } }
  const entries: ManagedEntry[] = structuredClone(base.metadata.managedFields ?? [])
  const mine = fieldsOf(applied)
  const conflicts: { manager: string; apiVersion: string; path: string }[] = []
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply') continue
    const theirs = fromFieldsV1(e.fieldsV1)
    for (const p of mine) {
      if (!theirs.has(p) || !isLeaf(mine, p) || !isLeaf(theirs, p)) continue
      if (JSON.stringify(valueAt(base, p)) !== JSON.stringify(valueAt(applied, p))) conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path: p })
    }
  }
  if (conflicts.length && !force) {
    const byManager = new Map<string, typeof conflicts>()
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c])
    const parts = [...byManager.entries()].map(([m, cs]) =>
      cs.length === 1
        ? `conflict with "${m}" using ${cs[0].apiVersion}: ${dotted(cs[0].path)}`
        : `conflicts with "${m}" using ${cs[0].apiVersion}:\n${cs.map((c) => `- ${dotted(c.path)}`).join('\n')}`
    )
    const n = conflicts.length
    throw new StoreError(409, 'Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`, {
      causes: conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: dotted(c.path) }))
    })
  }
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply')
  const others = entries.filter((e) => e !== previous)
  const forced = new Set(conflicts.map((c) => c.path))
  for (const e of others) {
    const s = fromFieldsV1(e.fieldsV1)
    for (const p of forced) s.delete(p)
    e.fieldsV1 = toFieldsV1(s)
  }
  const othersOwn = new Set<string>()
  for (const e of others) for (const p of fromFieldsV1(e.fieldsV1)) othersOwn.add(p)
  // Fields this manager applied before and dropped now are removed unless someone else owns them.
  if (previous) {
    const dropped = [...fromFieldsV1(previous.fieldsV1)].filter((p) => !mine.has(p) && ![...othersOwn].some((o) => o === p || o.startsWith(p + SEP)))
    for (const p of dropped.sort((a, b) => a.length - b.length)) removeAt(base, p)
  }
  const merged = strategicMerge(base, stripStatus(applied))
  const kept = others.filter((e) => Object.keys(e.fieldsV1).length > 0)
  merged.metadata.managedFields = [
    ...kept,
    { manager, operation: 'Apply', apiVersion: applied.apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(mine) }
  ]
  return merged
}

/** Records an Update by `manager`: the leaf fields that changed become its own. */
export function recordUpdate(before: KObject | undefined, after: KObject, manager: string, now: string, subresource?: string): void {
  const entries: ManagedEntry[] = structuredClone(before?.metadata.managedFields ?? after.metadata.managedFields ?? [])
  const afterFields = fieldsOf(after)
  const changed = new Set<string>()
  for (const p of afterFields) {
    if (!isLeaf(afterFields, p)) continue
    if (!before || JSON.stringify(valueAt(before, p)) !== JSON.stringify(valueAt(after, p))) changed.add(p)
  }
  if (changed.size === 0) {
    after.metadata.managedFields = entries
    return
  }
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Update') continue
    const s = fromFieldsV1(e.fieldsV1)
    for (const p of changed) s.delete(p)
    e.fieldsV1 = toFieldsV1(s)
  }
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Update')
  const set = mine ? fromFieldsV1(mine.fieldsV1) : new Set<string>()
  for (const p of changed) {
    const segs = p.split(SEP)
    for (let i = 1; i <= segs.length; i++) set.add(segs.slice(0, i).join(SEP))
  }
  const entry: ManagedEntry = {
    manager,
    operation: 'Update',
    apiVersion: after.apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(set),
    ...(subresource ? { subresource } : {})
  }
  after.metadata.managedFields = [...entries.filter((e) => e !== mine && Object.keys(e.fieldsV1).length > 0), entry]
}

function stripStatus(o: KObject): KObject {
  const c = structuredClone(o)
  delete c.status
  return c
}
