import type { Cluster, CrashFault } from './cluster.js'
import { metricKey } from './hpa-controller.js'
import { logKey } from './kubelet.js'

export interface NodeSpec {
  name: string
  /** nvidia.com/gpu the node has; reported only while the device plugin runs on it. */
  gpus?: number
  cpu?: string
  memory?: string
  instanceType?: string
  labels?: Record<string, string>
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule' }[]
  unschedulable?: boolean
}

export interface Scenario {
  addNode(n: NodeSpec): void
  removeNode(name: string): void
  /** The NVIDIA device plugin DaemonSet in kube-system, on every GPU node (tolerating the GPU taint). */
  devicePlugin(present: boolean): void
  /** dcgm-exporter DaemonSet pods (port 9400) on GPU nodes, in the given namespace. */
  dcgmExporter(present: boolean, namespace?: string): void
  /** Feeds (or with undefined removes) a metric the HPA controller reads: Pods, External or Resource name. */
  setMetric(namespace: string, name: string, value: number | undefined): void
  crash(image: string, fault: CrashFault): void
  slowReady(image: string, ms: number): void
  neverReady(image: string, on?: boolean): void
  clearFaults(image: string): void
  setLogs(namespace: string, pod: string, container: string, lines: string[]): void
  ensureNamespace(name: string): void
}

let ipCounter = 10

export function createScenario(c: Cluster): Scenario {
  const ensureNamespace = (name: string): void => {
    if (!c.store.get('namespaces', undefined, name))
      c.store.create('namespaces', {
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' }
      })
  }
  const daemonSet = (ns: string, name: string, labels: Record<string, string>, image: string, ports: { name: string; containerPort: number }[]): void => {
    ensureNamespace(ns)
    if (c.store.get('daemonsets', ns, name)) return
    c.store.create('daemonsets', {
      metadata: { name, namespace: ns, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { 'nvidia.com/gpu.present': 'true' },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{ name, image, ports, resources: {} }]
          }
        }
      }
    })
  }
  const removeDaemonSet = (ns: string, name: string): void => {
    if (c.store.get('daemonsets', ns, name)) c.store.delete('daemonsets', ns, name)
  }
  return {
    ensureNamespace,
    addNode(n) {
      const gpus = n.gpus ?? 0
      c.nodeGpus.set(n.name, gpus)
      const ip = `192.168.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 2}`
      c.store.create('nodes', {
        metadata: {
          name: n.name,
          labels: {
            'kubernetes.io/hostname': n.name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': n.instanceType ?? (gpus ? 'g5.xlarge' : 'm5.large'),
            ...(gpus ? { 'nvidia.com/gpu.present': 'true' } : {}),
            ...n.labels
          }
        },
        spec: {
          ...(n.taints?.length ? { taints: n.taints } : {}),
          ...(n.unschedulable ? { unschedulable: true } : {}),
          providerID: `aws:///us-east-1a/i-${n.name.replace(/[^a-z0-9]/g, '').slice(0, 17)}`
        },
        status: {
          capacity: { cpu: n.cpu ?? '4', memory: n.memory ?? '16Gi', pods: '110' },
          allocatable: { cpu: n.cpu ?? '4', memory: n.memory ?? '16Gi', pods: '110' },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
              lastHeartbeatTime: c.clock.iso(),
              lastTransitionTime: c.clock.iso()
            }
          ],
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: n.name }
          ],
          nodeInfo: {
            kubeletVersion: 'v1.32.4-eks-1234567',
            containerRuntimeVersion: 'containerd://1.7.27',
            osImage: 'Amazon Linux 2023',
            kernelVersion: '6.1.134',
            architecture: 'amd64',
            operatingSystem: 'linux'
          }
        }
      })
    },
    removeNode(name) {
      c.store.delete('nodes', undefined, name)
      c.nodeGpus.delete(name)
      for (const p of c.store.list('pods')) if (p.spec.nodeName === name) c.store.delete('pods', p.metadata.namespace, p.metadata.name)
    },
    devicePlugin(present) {
      if (present)
        daemonSet('kube-system', 'nvidia-device-plugin-daemonset', { name: 'nvidia-device-plugin-ds' }, 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0', [])
      else removeDaemonSet('kube-system', 'nvidia-device-plugin-daemonset')
    },
    dcgmExporter(present, namespace = 'gpu-monitoring') {
      if (present)
        daemonSet(namespace, 'dcgm-exporter', { app: 'dcgm-exporter' }, 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04', [
          { name: 'metrics', containerPort: 9400 }
        ])
      else removeDaemonSet(namespace, 'dcgm-exporter')
    },
    setMetric(namespace, name, value) {
      if (value === undefined) c.metrics.delete(metricKey(namespace, name))
      else c.metrics.set(metricKey(namespace, name), value)
    },
    crash(image, fault) {
      c.faults.crash.set(image, fault)
    },
    slowReady(image, ms) {
      c.faults.slowReady.set(image, ms)
    },
    neverReady(image, on = true) {
      if (on) c.faults.neverReady.add(image)
      else c.faults.neverReady.delete(image)
    },
    clearFaults(image) {
      c.faults.crash.delete(image)
      c.faults.slowReady.delete(image)
      c.faults.neverReady.delete(image)
    },
    setLogs(namespace, pod, container, lines) {
      c.logs.set(logKey({ metadata: { namespace, name: pod } } as never, container), lines)
    }
  }
}
