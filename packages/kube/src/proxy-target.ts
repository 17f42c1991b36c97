import { GpushipError } from '@gpuship/core'
import type { KubeClient } from './kube-client.js'

/** Structurally the HttpTarget of @gpuship/gates (kept local so kube does not depend on gates). */
export interface HttpTarget {
  name: string
  request(
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>
  ): Promise<{ status: number; headers: Record<string, string>; body: string }>
}

export interface ProxyTargetOptions {
  namespace: string
  pod?: string
  service?: string
  port: number | string
  /** "https" when the backend itself serves TLS. */
  scheme?: 'http' | 'https'
  timeoutMs?: number
}

/**
 * An HttpTarget through the API server's proxy (…/pods/NAME:PORT/proxy/… or
 * …/services/NAME:PORT/proxy/…), so the gates reach pods from a runner outside the cluster with
 * nothing but the kubeconfig's credentials.
 * Statuses come back as they are (a 503 from a pod is an answer the gates judge); only a
 * connection failure throws, as a retryable GpushipError.
 */
export function proxyTarget(client: KubeClient, o: ProxyTargetOptions): HttpTarget {
  if (!o.pod === !o.service) throw new GpushipError('proxyTarget needs exactly one of pod or service.', { hint: 'Pass { pod: name } or { service: name }.' })
  const kind = o.pod ? 'pods' : 'services'
  const name = (o.pod ?? o.service)!
  const ref = `${o.scheme === 'https' ? 'https:' : ''}${name}:${o.port}`
  const base = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/${kind}/${encodeURIComponent(ref).replace(/%3A/g, ':')}/proxy`
  return {
    name: `${kind === 'pods' ? 'pod' : 'service'}/${name}:${o.port}`,
    async request(method, path, body, headers) {
      const p = path.startsWith('/') ? path : `/${path}`
      const res = await client.request(method, base + p, {
        body,
        headers: { ...headers },
        accept: headers?.accept ?? headers?.Accept ?? '*/*',
        contentType: headers?.['content-type'] ?? headers?.['Content-Type'] ?? (body !== undefined ? 'application/json' : undefined),
        timeoutMs: o.timeoutMs,
        retry: false
      })
      return { status: res.status, headers: res.headers, body: res.body }
    }
  }
}
