import { randomUUID } from 'node:crypto'
import { apiVersionOf, typeByPlural } from './resources.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KObject = Record<string, any> & { metadata: Record<string, any> }

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoreEvent {
  rv: number
  type: WatchType
  plural: string
  object: KObject
}

export interface Watcher {
  plural: string
  namespace?: string
  send(ev: StoreEvent): void
}

const key = (plural: string, namespace: string | undefined, name: string): string => `${plural}/${namespace ?? ''}/${name}`

/**
 * The object store: one resourceVersion counter for everything (as etcd's revision), a bounded
 * event history so watches can resume from a resourceVersion, and compaction so a test can make
 * an old resourceVersion "too old" (410 Expired) on purpose.
 */
export class Store {
  private objects = new Map<string, KObject>()
  private history: StoreEvent[] = []
  private watchers = new Set<Watcher>()
  rv = 100
  /** Oldest resourceVersion a watch may resume from. */
  compactedRv = 0
  constructor(
    private readonly now: () => Date,
    private readonly historyLimit = 5000
  ) {}

  get(plural: string, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.objects.get(key(plural, namespace, name))
    return o ? strip(structuredClone(o)) : undefined
  }

  list(plural: string, namespace?: string): KObject[] {
    const out: KObject[] = []
    for (const o of this.objects.values()) {
      if (o.__plural !== plural) continue
      if (namespace !== undefined && o.metadata.namespace !== namespace) continue
      out.push(structuredClone(o))
    }
    return out.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`)).map(strip)
  }

  create(plural: string, obj: KObject): KObject {
    const t = typeByPlural(plural)
    const ns = t.namespaced ? obj.metadata.namespace : undefined
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomSuffix()
    const k = key(plural, ns, obj.metadata.name)
    if (this.objects.has(k)) throw new StoreError(409, 'AlreadyExists', `${resourceLabel(plural)} "${obj.metadata.name}" already exists`)
    const o = structuredClone(obj)
    o.apiVersion = apiVersionOf(t)
    o.kind = t.kind
    o.metadata.uid ??= randomUUID()
    o.metadata.creationTimestamp ??= this.now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
    if (!t.namespaced) delete o.metadata.namespace
    if (['deployments', 'replicasets', 'daemonsets', 'horizontalpodautoscalers', 'poddisruptionbudgets'].includes(plural)) o.metadata.generation = 1
    o.metadata.resourceVersion = String(++this.rv)
    this.objects.set(k, { ...o, __plural: plural })
    this.emit('ADDED', plural, o)
    return structuredClone(o)
  }

  /** Replaces an object; bumps generation when spec changed (as the API server does for these kinds). */
  update(plural: string, obj: KObject, opts: { expectRv?: string } = {}): KObject {
    const t = typeByPlural(plural)
    const ns = t.namespaced ? obj.metadata.namespace : undefined
    const k = key(plural, ns, obj.metadata.name)
    const cur = this.objects.get(k)
    if (!cur) throw new StoreError(404, 'NotFound', `${resourceLabel(plural)} "${obj.metadata.name}" not found`)
    if (opts.expectRv && opts.expectRv !== cur.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resourceLabel(plural)} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`
      )
    }
    const o = structuredClone(obj)
    delete o.__plural
    o.apiVersion = apiVersionOf(t)
    o.kind = t.kind
    o.metadata.uid = cur.metadata.uid
    o.metadata.creationTimestamp = cur.metadata.creationTimestamp
    if (cur.metadata.generation !== undefined) {
      o.metadata.generation = canonical(o.spec) !== canonical(cur.spec) ? cur.metadata.generation + 1 : cur.metadata.generation
    }
    const before = { ...strip(structuredClone(cur)), metadata: { ...cur.metadata, resourceVersion: undefined } }
    const after = { ...o, metadata: { ...o.metadata, resourceVersion: undefined } }
    if (canonical(before) === canonical(after)) return strip(structuredClone(cur))
    o.metadata.resourceVersion = String(++this.rv)
    this.objects.set(k, { ...o, __plural: plural })
    this.emit('MODIFIED', plural, o)
    return structuredClone(o)
  }

  delete(plural: string, namespace: string | undefined, name: string): KObject {
    const t = typeByPlural(plural)
    const k = key(plural, t.namespaced ? namespace : undefined, name)
    const cur = this.objects.get(k)
    if (!cur) throw new StoreError(404, 'NotFound', `${resourceLabel(plural)} "${name}" not found`)
    this.objects.delete(k)
    const o = strip(structuredClone(cur))
    o.metadata.resourceVersion = String(++this.rv)
    this.emit('DELETED', plural, o)
    return o
  }

  /** Events after `rv`, or undefined when `rv` is older than what is kept (the caller answers 410). */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined
    const first = this.history[0]
    if (first && rv < first.rv - 1 && rv < this.rv) return undefined
    return this.history.filter((e) => e.rv > rv)
  }

  compact(): void {
    this.compactedRv = this.rv
    this.history = []
  }

  watch(w: Watcher): () => void {
    this.watchers.add(w)
    return () => this.watchers.delete(w)
  }

  private emit(type: WatchType, plural: string, object: KObject): void {
    const ev: StoreEvent = { rv: this.rv, type, plural, object: structuredClone(object) }
    this.history.push(ev)
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit)
    for (const w of this.watchers) {
      if (w.plural !== plural) continue
      if (w.namespace !== undefined && object.metadata.namespace !== w.namespace) continue
      w.send(ev)
    }
  }
}

function strip(o: KObject): KObject {
  delete o.__plural
  return o
}

export class StoreError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
  }
}

export function resourceLabel(plural: string): string {
  const t = typeByPlural(plural)
  return t.group ? `${plural}.${t.group}` : plural
}

const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
export function randomSuffix(n = 5): string {
  let s = ''
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)]
  return s
}

/** Kubernetes' SafeEncodeString over an FNV-32a hash: the shape of pod-template-hash. */
export function templateHash(value: unknown): string {
  let h = 0x811c9dc5
  const s = canonical(value)
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  let out = ''
  for (const ch of String(h)) out += alphabet[ch.charCodeAt(0) % alphabet.length]
  return out.slice(0, 10)
}

/** JSON with sorted keys, so equal objects compare equal whatever order their keys came in. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v)
}
