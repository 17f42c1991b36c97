import type http from 'node:http'
import { parse as parseYaml } from 'yaml'
import { apiVersionOf, findType, type ResourceType } from './resources.js'
import { StoreError, resourceLabel, type KObject } from './store.js'
import { applyJsonPatch, mergePatch, recordUpdate, serverSideApply, strategicMerge } from './patch.js'
import { applyDefaults, validate } from './defaults.js'
import { matchFields, matchLabels, parseLabelSelector, readBody, sendJson, sendStatus } from './http-util.js'
import { toTable } from './tables.js'
import { serveWatch, type WatchControls } from './watch.js'
import type { Cluster } from './cluster.js'
import { serveLogs, serveProxy } from './pod-endpoints.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface Identity {
  username: string
  groups: string[]
}

export interface RbacRule {
  verbs: string[]
  /** Plural resource names ("deployments", "pods/log"); "*" for all. */
  resources: string[]
  namespaces?: string[]
}

export interface Attributes {
  verb: string
  group: string
  resource: string
  subresource?: string
  namespace?: string
  name?: string
}

export type Authorizer = (user: Identity, attrs: Attributes) => boolean

/** Allow-list authorizer: rules per username (or "group:<name>"); system:masters may do anything. */
export function rbacAuthorizer(rules: Record<string, RbacRule[]>): Authorizer {
  return (user, a) => {
    if (user.groups.includes('system:masters')) return true
    const mine = [...(rules[user.username] ?? []), ...user.groups.flatMap((g) => rules[`group:${g}`] ?? [])]
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource
    return mine.some(
      (r) =>
        (r.verbs.includes('*') || r.verbs.includes(a.verb)) &&
        (r.resources.includes('*') || r.resources.includes(res)) &&
        (!r.namespaces || (a.namespace !== undefined && r.namespaces.includes(a.namespace)))
    )
  }
}

export function forbiddenMessage(user: Identity, a: Attributes): string {
  const what = a.name ? `${resourceLabel(a.resource)} "${a.name}"` : resourceLabel(a.resource)
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource
  const where = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope'
  return `${what} is forbidden: User "${user.username}" cannot ${a.verb} resource "${res}" in API group "${a.group}"${where}`
}

export interface Route {
  type: ResourceType
  namespace?: string
  name?: string
  subresource?: string
  /** Path after .../proxy for proxy requests. */
  rest?: string
}

/** Parses /api/v1/... and /apis/G/V/... into a resource route. */
export function parseRoute(pathname: string): Route | undefined {
  const segs = pathname.split('/').filter(Boolean)
  let group = ''
  let version: string
  let rest: string[]
  if (segs[0] === 'api') {
    version = segs[1]
    rest = segs.slice(2)
  } else if (segs[0] === 'apis') {
    group = segs[1]
    version = segs[2]
    rest = segs.slice(3)
  } else return undefined
  let namespace: string | undefined
  if (rest[0] === 'namespaces' && rest.length >= 3 && findType(group, version, rest[2])) {
    namespace = decodeURIComponent(rest[1])
    rest = rest.slice(2)
  }
  const type = findType(group, version, rest[0])
  if (!type) return undefined
  const name = rest[1] !== undefined ? decodeURIComponent(rest[1]) : undefined
  const subresource = rest[2]
  const tail = rest.slice(3).join('/')
  return { type, namespace, name, subresource, rest: subresource === 'proxy' ? '/' + tail : undefined }
}

export function verbOf(method: string, r: Route, q: URLSearchParams): string {
  if (method === 'GET') return r.name ? 'get' : q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list'
  return (
    ({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: r.name ? 'delete' : 'deletecollection' } as Record<string, string>)[method] ??
    method.toLowerCase()
  )
}

function managerOf(q: URLSearchParams, req: http.IncomingMessage): string {
  return q.get('fieldManager') || String(req.headers['user-agent'] ?? 'unknown').split('/')[0]
}

function wantsTable(req: http.IncomingMessage): boolean {
  return String(req.headers.accept ?? '').includes('as=Table')
}

async function bodyObject(req: http.IncomingMessage): Promise<any> {
  const text = await readBody(req)
  const ct = String(req.headers['content-type'] ?? '')
  try {
    return ct.includes('yaml') ? parseYaml(text) : JSON.parse(text)
  } catch (e) {
    throw new StoreError(400, 'BadRequest', `the object provided is unrecognized: ${(e as Error).message}`)
  }
}

export async function handleResource(
  c: Cluster,
  controls: WatchControls & { authorize: Authorizer },
  user: Identity,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  r: Route,
  q: URLSearchParams
): Promise<void> {
  const { type: t } = r
  const plural = t.plural
  const store = c.store
  const ns = t.namespaced ? r.namespace : undefined
  const method = req.method ?? 'GET'
  const now = c.clock.iso()

  if (r.subresource === 'log' && plural === 'pods') return serveLogs(c, ns!, r.name!, q, res)
  if (r.subresource === 'proxy') return serveProxy(c, plural, ns, r.name!, r.rest ?? '/', q, req, res)

  if (plural === 'selfsubjectreviews' && method === 'POST') {
    return sendJson(res, 201, {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: user.username, groups: user.groups } }
    })
  }
  if (plural === 'selfsubjectaccessreviews' && method === 'POST') {
    const body = await bodyObject(req)
    const ra = body.spec?.resourceAttributes ?? {}
    const allowed = controls.authorize(user, {
      verb: ra.verb,
      group: ra.group ?? '',
      resource: ra.resource,
      subresource: ra.subresource,
      namespace: ra.namespace,
      name: ra.name
    })
    return sendJson(res, 201, { ...body, status: { allowed, ...(allowed ? { reason: 'allowed by the simulator authorizer' } : {}) } })
  }

  if (method === 'GET' && !r.name) {
    if (q.get('watch') === 'true' || q.get('watch') === '1')
      return serveWatch(store, controls, { apiVersion: apiVersionOf(t), kind: t.kind }, plural, ns, q, res)
    const labels = parseLabelSelector(q.get('labelSelector'))
    let items = store.list(plural, ns).filter((o) => matchLabels(o.metadata.labels, labels) && matchFields(o, q.get('fieldSelector')))
    const rv = String(store.rv)
    const limit = Number(q.get('limit') ?? 0)
    const start = Number(q.get('continue') ? Buffer.from(q.get('continue')!, 'base64url').toString() : 0)
    items = items.slice(start)
    let cont: string | undefined
    if (limit > 0 && items.length > limit) {
      items = items.slice(0, limit)
      cont = Buffer.from(String(start + limit)).toString('base64url')
    }
    if (wantsTable(req)) return sendJson(res, 200, toTable(plural, items, rv, c.clock.now()), 'application/json;as=Table;v=v1;g=meta.k8s.io')
    return sendJson(res, 200, {
      kind: `${t.kind}List`,
      apiVersion: apiVersionOf(t),
      metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) },
      items
    })
  }

  if (method === 'GET') {
    const o = store.get(plural, ns, r.name!)
    if (!o) throw new StoreError(404, 'NotFound', `${resourceLabel(plural)} "${r.name}" not found`)
    if (r.subresource === 'scale') return sendJson(res, 200, scaleOf(o))
    if (wantsTable(req))
      return sendJson(res, 200, toTable(plural, [o], o.metadata.resourceVersion, c.clock.now()), 'application/json;as=Table;v=v1;g=meta.k8s.io')
    return sendJson(res, 200, o)
  }

  if (method === 'POST') {
    const body = await bodyObject(req)
    body.metadata ??= {}
    if (ns) {
      if (body.metadata.namespace && body.metadata.namespace !== ns)
        throw new StoreError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request')
      body.metadata.namespace = ns
      if (!store.get('namespaces', undefined, ns)) throw new StoreError(404, 'NotFound', `namespaces "${ns}" not found`)
    }
    body.apiVersion = apiVersionOf(t)
    body.kind = t.kind
    if (!body.metadata.name && body.metadata.generateName) body.metadata.name = body.metadata.generateName + Math.random().toString(36).slice(2, 7)
    applyDefaults(plural, body)
    const invalid = validate(plural, body)
    if (invalid) throw new StoreError(422, 'Invalid', invalid)
    delete body.status
    recordUpdate(undefined, body, managerOf(q, req), now)
    return sendJson(res, 201, store.create(plural, body))
  }

  if (method === 'DELETE') {
    if (plural === 'namespaces')
      for (const p of [
        'pods',
        'deployments',
        'replicasets',
        'services',
        'events',
        'configmaps',
        'serviceaccounts',
        'daemonsets',
        'horizontalpodautoscalers',
        'poddisruptionbudgets'
      ])
        for (const o of store.list(p, r.name)) store.delete(p, r.name, o.metadata.name)
    const o = store.delete(plural, ns, r.name!)
    if (plural === 'pods') {
      void c.backends.release(o.metadata.uid)
      c.runtime.delete(o.metadata.uid)
    }
    return sendJson(res, 200, o)
  }

  const live = store.get(plural, ns, r.name!)
  const isApply = method === 'PATCH' && String(req.headers['content-type'] ?? '').startsWith('application/apply-patch')
  if (!live && !isApply) throw new StoreError(404, 'NotFound', `${resourceLabel(plural)} "${r.name}" not found`)
  const body = await bodyObject(req)
  let next: KObject
  if (r.subresource === 'scale') {
    const cur = scaleOf(live!)
    const patched = method === 'PUT' ? body : patchBy(String(req.headers['content-type']), cur, body)
    next = structuredClone(live!)
    next.spec.replicas = patched.spec?.replicas ?? next.spec.replicas
    recordUpdate(live, next, managerOf(q, req), now, 'scale')
    store.update(plural, next)
    return sendJson(res, 200, scaleOf(store.get(plural, ns, r.name!)!))
  }
  if (isApply) {
    if (!q.get('fieldManager'))
      throw new StoreError(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch')
    if (body.kind !== t.kind || body.apiVersion !== apiVersionOf(t))
      throw new StoreError(
        400,
        'BadRequest',
        `the apiVersion/kind of the applied object (${body.apiVersion}, ${body.kind}) does not match the request (${apiVersionOf(t)}, ${t.kind})`
      )
    body.metadata ??= {}
    if (body.metadata.name && body.metadata.name !== r.name)
      throw new StoreError(400, 'BadRequest', 'the name of the object does not match the name on the URL')
    body.metadata.name = r.name
    if (ns) body.metadata.namespace = ns
    if (!live && ns && !store.get('namespaces', undefined, ns)) throw new StoreError(404, 'NotFound', `namespaces "${ns}" not found`)
    next = serverSideApply(live, body, q.get('fieldManager')!, q.get('force') === 'true', now)
  } else if (method === 'PUT') {
    next = body
    if (r.subresource === 'status') next = { ...live!, status: body.status }
    else next.status = live!.status
  } else {
    next = patchBy(String(req.headers['content-type']), live!, body)
    if (r.subresource === 'status') next = { ...live!, status: next.status }
    else next.status = live!.status
  }
  next.metadata ??= {}
  next.metadata.name = r.name
  if (ns) next.metadata.namespace = ns
  applyDefaults(plural, next)
  const invalid = validate(plural, { ...next, kind: t.kind })
  if (invalid) throw new StoreError(422, 'Invalid', invalid)
  if (!isApply) recordUpdate(live, next, managerOf(q, req), now, r.subresource)
  const expectRv = method === 'PUT' ? body.metadata?.resourceVersion : undefined
  if (!live) {
    next.metadata.managedFields = next.metadata.managedFields ?? []
    delete next.status
    return sendJson(res, 201, store.create(plural, next))
  }
  return sendJson(res, 200, store.update(plural, next, { expectRv }))
}

function patchBy(contentType: string, live: any, body: any): any {
  if (contentType.startsWith('application/json-patch+json')) return applyJsonPatch(live, body)
  if (contentType.startsWith('application/merge-patch+json')) return mergePatch(live, body)
  if (contentType.startsWith('application/strategic-merge-patch+json')) return strategicMerge(live, body)
  throw new StoreError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`
  )
}

function scaleOf(o: KObject): any {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp
    },
    spec: { replicas: o.spec.replicas ?? 1 },
    status: {
      replicas: o.status?.replicas ?? 0,
      selector: Object.entries(o.spec.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    }
  }
}

export function sendStoreError(res: http.ServerResponse, e: unknown): void {
  if (e instanceof StoreError) return sendStatus(res, e.code, e.reason, e.message, e.details)
  sendStatus(res, 500, 'InternalError', `Internal error occurred: ${(e as Error).message}`)
}
