import { GpushipError } from '@gpuship/core'
import type { KubeClient } from './kube-client.js'

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; [k: string]: unknown }
  [k: string]: unknown
}

interface Mapping {
  plural: string
  namespaced: boolean
}

// The kinds gpuship writes; anything else is looked up through discovery once.
const known: Record<string, Mapping> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/Pod': { plural: 'pods', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'apps/v1/DaemonSet': { plural: 'daemonsets', namespaced: true },
  'apps/v1/StatefulSet': { plural: 'statefulsets', namespaced: true },
  'apps/v1/ReplicaSet': { plural: 'replicasets', namespaced: true },
  'policy/v1/PodDisruptionBudget': { plural: 'poddisruptionbudgets', namespaced: true },
  'autoscaling/v2/HorizontalPodAutoscaler': { plural: 'horizontalpodautoscalers', namespaced: true }
}

const discovered = new WeakMap<KubeClient, Map<string, Mapping>>()

async function mappingOf(client: KubeClient, apiVersion: string, kind: string): Promise<Mapping> {
  const k = `${apiVersion}/${kind}`
  if (known[k]) return known[k]
  const cache = discovered.get(client) ?? new Map<string, Mapping>()
  discovered.set(client, cache)
  if (cache.has(k)) return cache.get(k)!
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
  const res = await client.request('GET', base)
  if (res.status === 404)
    throw new GpushipError(`The cluster does not serve ${apiVersion} (needed for ${kind}).`, {
      input: 'manifests',
      hint: `Install the CRD or controller that provides ${apiVersion}, or remove the ${kind} from the manifests.`
    })
  const list = JSON.parse(res.body) as { resources: { name: string; kind: string; namespaced: boolean }[] }
  const r = list.resources.find((x) => x.kind === kind && !x.name.includes('/'))
  if (!r)
    throw new GpushipError(`The cluster's ${apiVersion} has no kind ${kind}.`, {
      input: 'manifests',
      hint: `Check the apiVersion/kind of that manifest (kubectl api-resources lists what the cluster serves).`
    })
  const m = { plural: r.name, namespaced: r.namespaced }
  cache.set(k, m)
  return m
}

/** The REST path of an object (or of its collection when name is omitted). */
export async function objectPath(client: KubeClient, apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string> {
  const m = await mappingOf(client, apiVersion, kind)
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
  const ns = m.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? client.namespace)}` : ''
  return `${base}${ns}/${m.plural}${name ? `/${encodeURIComponent(name)}` : ''}`
}

export const deploymentPath = (ns: string, name?: string): string =>
  `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments${name ? `/${encodeURIComponent(name)}` : ''}`
