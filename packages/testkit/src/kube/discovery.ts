import { createHash } from 'node:crypto'
import { apiVersionOf, groupVersions, resourceTypes } from './resources.js'

export const versionInfo = {
  major: '1',
  // The gcloud kubectl dispatcher picks its kubectl binary by this minor (see KUBECTL-WIRE.md §0, §8).
  minor: '32',
  gitVersion: 'v1.32.4-gpuship-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64'
}

export function apiVersions(host: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] }
}

export function apiGroupList(): unknown {
  const groups = new Map<string, string[]>()
  for (const gv of groupVersions()) if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version])
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] }
    }))
  }
}

export function resourceList(group: string, version: string): unknown | undefined {
  const types = resourceTypes.filter((t) => t.group === group && t.version === version)
  if (types.length === 0) return undefined
  const resources: unknown[] = []
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {})
    })
    for (const s of t.subresources) {
      const kind =
        s === 'scale'
          ? 'Scale'
          : s === 'log'
            ? 'Pod'
            : s === 'proxy'
              ? t.kind === 'Pod'
                ? 'PodProxyOptions'
                : t.kind === 'Node'
                  ? 'NodeProxyOptions'
                  : 'ServiceProxyOptions'
              : t.kind
      const verbs = s === 'log' ? ['get'] : s === 'proxy' ? ['create', 'delete', 'get', 'patch', 'update'] : ['get', 'patch', 'update']
      resources.push({
        name: `${t.plural}/${s}`,
        singularName: '',
        namespaced: t.namespaced,
        kind,
        verbs,
        ...(s === 'scale' ? { group: 'autoscaling', version: 'v1' } : {})
      })
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources }
}

const gvPath = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`)

/** OpenAPI v3 enough for kubectl's server-side field validation check: a patch op per kind with fieldValidation. */
export function openApiDoc(group: string, version: string): unknown | undefined {
  const types = resourceTypes.filter((t) => t.group === group && t.version === version)
  if (types.length === 0) return undefined
  const paths: Record<string, unknown> = {}
  const schemas: Record<string, unknown> = {}
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind }
    const params = [
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }
    ]
    const p = t.namespaced ? `/${gvPath(group, version)}/namespaces/{namespace}/${t.plural}/{name}` : `/${gvPath(group, version)}/${t.plural}/{name}`
    paths[p] = {
      patch: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'patch', parameters: params, responses: {} },
      get: { 'x-kubernetes-group-version-kind': gvk, responses: {} }
    }
    schemas[`io.k8s.api.${group.split('.')[0] || 'core'}.${version}.${t.kind}`] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: { type: 'object' },
        status: { type: 'object' }
      }
    }
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths, components: { schemas } }
}

export function openApiRoot(): unknown {
  const paths: Record<string, unknown> = {}
  for (const { group, version } of groupVersions()) {
    const hash = createHash('sha256')
      .update(JSON.stringify(openApiDoc(group, version)))
      .digest('hex')
      .slice(0, 32)
      .toUpperCase()
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` }
  }
  return { paths }
}

export { apiVersionOf }

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'

/** Aggregated discovery (apidiscovery.k8s.io/v2), what kubectl 1.32 asks for first: one request for /api, one for /apis. */
export function aggregatedDiscovery(legacy: boolean): unknown {
  const groups = new Map<string, string[]>()
  for (const gv of groupVersions()) if ((gv.group === '') === legacy) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version])
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groups.entries()].map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: resourceTypes
          .filter((t) => t.group === group && t.version === version)
          .map((t) => ({
            resource: t.plural,
            responseKind: { group, version, kind: t.kind },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: t.verbs,
            ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
            ...(t.categories ? { categories: t.categories } : {}),
            ...(t.subresources.length
              ? {
                  subresources: t.subresources.map((s) => ({
                    subresource: s,
                    responseKind:
                      s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group, version, kind: s === 'log' ? 'Pod' : t.kind },
                    verbs: s === 'log' ? ['get'] : s === 'proxy' ? ['create', 'delete', 'get', 'patch', 'update'] : ['get', 'patch', 'update']
                  }))
                }
              : {})
          }))
      }))
    }))
  }
}
