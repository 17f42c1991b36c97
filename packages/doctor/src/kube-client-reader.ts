import type { WorkloadEvidence } from './evidence.js'
import type { KubeReader } from './readers.js'
import { mapDaemonSet, mapDeployment, mapEvent, mapIngress, mapNode, mapPod, mapService, mapServiceAccount, parseAwsAuth } from './kube-map.js'

export interface KubeClientReaderOptions {
  /** A kubeconfig document; unset = the current context of $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string
  context?: string
}

function status(err: unknown): number | undefined {
  const e = err as { code?: number; statusCode?: number; response?: { statusCode?: number } }
  return e.code ?? e.statusCode ?? e.response?.statusCode
}

/**
 * The real KubeReader over @kubernetes/client-node, imported on first use. Only list and read
 * methods are called; a kind the server does not serve (404) reads as none.
 */
export function createKubeClientReader(opts: KubeClientReaderOptions = {}): KubeReader {
  let apis: Promise<{ core: any; apps: any; net: any; version: any }> | undefined // eslint-disable-line @typescript-eslint/no-explicit-any
  const get = () =>
    (apis ??= (async () => {
      const k = await import('@kubernetes/client-node')
      const kc = new k.KubeConfig()
      if (opts.kubeconfig) kc.loadFromString(opts.kubeconfig)
      else kc.loadFromDefault()
      if (opts.context) kc.setCurrentContext(opts.context)
      return { core: kc.makeApiClient(k.CoreV1Api), apps: kc.makeApiClient(k.AppsV1Api), net: kc.makeApiClient(k.NetworkingV1Api), version: kc.makeApiClient(k.VersionApi) }
    })())
  const orNone = async <T>(p: Promise<T[]>): Promise<T[]> => {
    try {
      return await p
    } catch (err) {
      if (status(err) === 404) return []
      throw err
    }
  }
  /** One cluster-wide list, or one list per namespace. */
  const list = async <T>(namespaces: string[], all: () => Promise<{ items: unknown[] }>, one: (namespace: string) => Promise<{ items: unknown[] }>, map: (o: unknown) => T): Promise<T[]> => {
    const pages = namespaces.length ? await Promise.all(namespaces.map((ns) => one(ns))) : [await all()]
    return pages.flatMap((p) => p.items.map(map))
  }
  return {
    async version() {
      const v = await (await get()).version.getCode()
      return String(v.gitVersion ?? `${v.major}.${v.minor}`)
    },
    async nodes() {
      const r = await (await get()).core.listNode()
      return r.items.map(mapNode)
    },
    async pods(ns) {
      const { core } = await get()
      return list(ns, () => core.listPodForAllNamespaces(), (namespace) => core.listNamespacedPod({ namespace }), mapPod)
    },
    async events(ns) {
      const { core } = await get()
      const fieldSelector = 'type=Warning'
      const all = await list(ns, () => core.listEventForAllNamespaces({ fieldSelector }), (namespace) => core.listNamespacedEvent({ namespace, fieldSelector }), mapEvent)
      return all.filter((e) => e.type === 'Warning')
    },
    async workloads() {
      const { apps } = await get()
      const [ds, dep] = await Promise.all([orNone<WorkloadEvidence>(apps.listDaemonSetForAllNamespaces().then((r: { items: unknown[] }) => r.items.map(mapDaemonSet))), orNone<WorkloadEvidence>(apps.listDeploymentForAllNamespaces().then((r: { items: unknown[] }) => r.items.map(mapDeployment)))])
      return [...ds, ...dep]
    },
    async serviceAccounts(ns) {
      const { core } = await get()
      return orNone(list(ns, () => core.listServiceAccountForAllNamespaces(), (namespace) => core.listNamespacedServiceAccount({ namespace }), mapServiceAccount))
    },
    async ingresses(ns) {
      const { net } = await get()
      return orNone(list(ns, () => net.listIngressForAllNamespaces(), (namespace) => net.listNamespacedIngress({ namespace }), mapIngress))
    },
    async services(ns) {
      const { core } = await get()
      return orNone(list(ns, () => core.listServiceForAllNamespaces(), (namespace) => core.listNamespacedService({ namespace }), mapService))
    },
    async awsAuth() {
      const { core } = await get()
      try {
        return parseAwsAuth(await core.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' }))
      } catch (err) {
        if (status(err) === 404) return undefined
        throw err
      }
    }
  }
}
