/** The resource types the simulator serves, with what discovery and kubectl need to know of each. */
export interface ResourceType {
  group: string
  version: string
  kind: string
  plural: string
  singular: string
  namespaced: boolean
  shortNames: string[]
  categories?: string[]
  subresources: string[]
  verbs: string[]
}

const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const r = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[],
  subresources: string[] = [],
  verbs = all
): ResourceType => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames,
  categories: ['Pod', 'Service', 'Deployment', 'ReplicaSet', 'DaemonSet', 'HorizontalPodAutoscaler'].includes(kind) ? ['all'] : undefined,
  subresources,
  verbs
})

export const resourceTypes: ResourceType[] = [
  r('', 'v1', 'Namespace', 'namespaces', false, ['ns'], ['status']),
  r('', 'v1', 'Node', 'nodes', false, ['no'], ['status', 'proxy']),
  r('', 'v1', 'Pod', 'pods', true, ['po'], ['status', 'log', 'proxy']),
  r('', 'v1', 'Service', 'services', true, ['svc'], ['status', 'proxy']),
  r('', 'v1', 'Event', 'events', true, ['ev']),
  r('', 'v1', 'ConfigMap', 'configmaps', true, ['cm']),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']),
  r('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], ['status', 'scale']),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], ['status', 'scale']),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], ['status']),
  r('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], ['status']),
  r('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ['status']),
  r('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, [], [], ['create']),
  r('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, [], [], ['create'])
]

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version
}

export function findType(group: string, version: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.plural === plural)
}

export function typeOfKind(apiVersion: string, kind: string): ResourceType | undefined {
  return resourceTypes.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind)
}

export function typeByPlural(plural: string): ResourceType {
  const t = resourceTypes.find((x) => x.plural === plural)
  if (!t) throw new Error(`unknown resource ${plural}`)
  return t
}

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>()
  for (const t of resourceTypes) seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version })
  return [...seen.values()]
}
