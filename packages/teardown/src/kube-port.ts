import type { KubeObjectRef, KubeTeardownPort } from './ports.js'

/**
 * The Kubernetes side of teardown over @kubernetes/client-node. Deleting a Service of type
 * LoadBalancer (or an Ingress) is how its load balancer is released: the controller that made it
 * deletes it, which a plain `terraform destroy` never asks for.
 */
export async function createKubeTeardownPort(kubeconfigPath?: string): Promise<KubeTeardownPort> {
  const k8s = await import('@kubernetes/client-node')
  const kc = new k8s.KubeConfig()
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath)
  else kc.loadFromDefault()
  const core = kc.makeApiClient(k8s.CoreV1Api)
  const net = kc.makeApiClient(k8s.NetworkingV1Api)
  const custom = kc.makeApiClient(k8s.CustomObjectsApi)
  const notFound = (err: unknown) => (err as { code?: number }).code === 404

  return {
    async listLoadBalancerObjects() {
      const refs: KubeObjectRef[] = []
      const services = await core.listServiceForAllNamespaces()
      for (const s of services.items) {
        if (s.spec?.type !== 'LoadBalancer') continue
        refs.push({ kind: 'Service', namespace: s.metadata?.namespace, name: s.metadata?.name ?? '', hostname: s.status?.loadBalancer?.ingress?.[0]?.hostname })
      }
      try {
        const ingresses = await net.listIngressForAllNamespaces()
        for (const i of ingresses.items) refs.push({ kind: 'Ingress', namespace: i.metadata?.namespace, name: i.metadata?.name ?? '', hostname: i.status?.loadBalancer?.ingress?.[0]?.hostname })
      } catch (err) {
        if (!notFound(err)) throw err
      }
      return refs
    },

    async deleteObject(ref) {
      try {
        if (ref.kind === 'Service') await core.deleteNamespacedService({ name: ref.name, namespace: ref.namespace ?? 'default' })
        else if (ref.kind === 'Ingress') await net.deleteNamespacedIngress({ name: ref.name, namespace: ref.namespace ?? 'default' })
        else await custom.deleteClusterCustomObject({ group: 'karpenter.sh', version: 'v1', plural: 'nodepools', name: ref.name })
      } catch (err) {
        if (!notFound(err)) throw err // already gone is what we wanted
      }
    },

    async listNodePools() {
      try {
        const list = (await custom.listClusterCustomObject({ group: 'karpenter.sh', version: 'v1', plural: 'nodepools' })) as { items?: { metadata?: { name?: string } }[] }
        return (list.items ?? []).map((p) => ({ kind: 'NodePool' as const, name: p.metadata?.name ?? '' }))
      } catch (err) {
        if (notFound(err)) return [] // Karpenter is not installed
        throw err
      }
    },

    async countKarpenterNodes() {
      const nodes = await core.listNode({ labelSelector: 'karpenter.sh/nodepool' })
      return nodes.items.length
    }
  }
}
