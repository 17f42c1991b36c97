import type { KubeObject } from '@gpuship/kube'
import type { Inputs } from './inputs.js'

/**
 * The built-in Triton template: a Deployment (readiness on /v2/health/ready, GPUs as limits,
 * the GPU taint tolerated, in-place rolling update by default), its Service, a
 * PodDisruptionBudget, and an autoscaling/v2 HPA when autoscaling is asked for.
 */
export function tritonTemplate(i: Inputs, image: string, annotations: Record<string, string>): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': i.name, 'app.kubernetes.io/managed-by': 'gpuship' }
  const selector = { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': i.name }
  const gpu = i['gpus-per-pod'] > 0 ? { limits: { 'nvidia.com/gpu': String(i['gpus-per-pod']) } } : {}
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: i.name, namespace: i.namespace, labels, annotations },
    spec: {
      ...(i.autoscaling ? {} : { replicas: i.replicas }),
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: i['max-surge'], maxUnavailable: i['max-unavailable'] } },
      template: {
        metadata: { labels },
        spec: {
          ...(Object.keys(i['node-selector']).length ? { nodeSelector: i['node-selector'] } : {}),
          ...(i.tolerations.length ? { tolerations: i.tolerations } : {}),
          containers: [
            {
              name: 'triton',
              image,
              args: [
                'tritonserver',
                `--model-repository=${i['model-repository']}`,
                `--http-port=${i['http-port']}`,
                `--grpc-port=${i['grpc-port']}`,
                `--metrics-port=${i['metrics-port']}`
              ],
              ports: [
                { name: 'http', containerPort: i['http-port'] },
                { name: 'grpc', containerPort: i['grpc-port'] },
                { name: 'metrics', containerPort: i['metrics-port'] }
              ],
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: '/v2/health/live', port: 'http' }, periodSeconds: 10, failureThreshold: 6, initialDelaySeconds: 30 },
              resources: gpu
            }
          ]
        }
      }
    }
  }
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: i.name, namespace: i.namespace, labels },
    spec: {
      selector,
      ports: [
        { name: 'http', port: i['http-port'], targetPort: 'http' },
        { name: 'grpc', port: i['grpc-port'], targetPort: 'grpc' },
        { name: 'metrics', port: i['metrics-port'], targetPort: 'metrics' }
      ]
    }
  }
  const out = [deployment, service]
  if (i['pdb-min-available'] !== undefined) {
    out.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: i.name, namespace: i.namespace, labels },
      spec: { minAvailable: i['pdb-min-available'], selector: { matchLabels: selector } }
    })
  }
  if (i.autoscaling) out.push(hpa(i, labels))
  return out
}

function hpa(i: Inputs, labels: Record<string, string>): KubeObject {
  const a = i.autoscaling!
  const metric = a.external
    ? { type: 'External', external: { metric: { name: a.metric }, target: { type: 'AverageValue', averageValue: a.target } } }
    : { type: 'Pods', pods: { metric: { name: a.metric }, target: { type: 'AverageValue', averageValue: a.target } } }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: i.name, namespace: i.namespace, labels },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: i.name }, minReplicas: a.min, maxReplicas: a.max, metrics: [metric] }
  }
}

export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }
}
