import * as core from '@actions/core'
import { GpushipError, createInputReader } from '@gpuship/core'

export interface Toleration {
  key: string
  operator: 'Equal' | 'Exists'
  value?: string
  effect: string
}

export interface Inputs {
  image: string
  namespace: string
  name: string
  manifests: string[]
  replicas: number
  'gpus-per-pod': number
  'model-repository': string
  'node-selector': Record<string, string>
  tolerations: Toleration[]
  'http-port': number
  'grpc-port': number
  'metrics-port': number
  'max-surge': number
  'max-unavailable': number
  'pdb-min-available'?: number
  autoscaling?: { min: number; max: number; metric: string; external: boolean; target: string }
  'field-manager': string
  'force-conflicts': boolean
  timeout: number
  'scheduling-grace': number
  'rollback-on-failure': boolean
  gates: boolean
  'gate-samples': number
  'gate-interval': number
  'dcgm-namespace': string
  'fail-on-inconclusive': boolean
  kubeconfig?: string
  'cluster-name'?: string
  'aws-region'?: string
}

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

export function parseNodeSelector(items: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const it of items) {
    const m = /^([A-Za-z0-9./_-]+)=([A-Za-z0-9._-]*)$/.exec(it)
    if (!m) throw new GpushipError(`Invalid node-selector entry '${it}'. Expected key=value, e.g. karpenter.sh/nodepool=gpu.`, { input: 'node-selector' })
    out[m[1]] = m[2]
  }
  return out
}

export function parseTolerations(items: string[]): Toleration[] {
  return items.map((it) => {
    const m = /^([A-Za-z0-9./_-]+)(?:=([A-Za-z0-9._-]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(it)
    if (!m)
      throw new GpushipError(`Invalid tolerations entry '${it}'. Expected key[=value]:Effect, e.g. nvidia.com/gpu:NoSchedule or dedicated=triton:NoExecute.`, {
        input: 'tolerations'
      })
    return m[2] !== undefined ? { key: m[1], operator: 'Equal', value: m[2], effect: m[3] } : { key: m[1], operator: 'Exists', effect: m[3] }
  })
}

export function getInputs(get: (name: string) => string = (n) => core.getInput(n)): Inputs {
  const r = createInputReader(get)
  const name = r.string('name', { default: 'triton' })
  if (!DNS1123.test(name) || name.length > 63)
    throw new GpushipError(`Invalid name '${name}'. Expected a DNS-1123 label (lower case letters, digits and '-', at most 63).`, { input: 'name' })
  const namespace = r.string('namespace', { default: 'default' })
  if (!DNS1123.test(namespace)) throw new GpushipError(`Invalid namespace '${namespace}'. Expected a DNS-1123 label such as inference.`, { input: 'namespace' })
  const min = r.optionalInteger('autoscaling-min', { min: 1, max: 1000 })
  const max = r.optionalInteger('autoscaling-max', { min: 1, max: 1000 })
  if ((min === undefined) !== (max === undefined))
    throw new GpushipError('autoscaling-min and autoscaling-max go together: set both to create an HPA, or neither.', {
      input: min === undefined ? 'autoscaling-min' : 'autoscaling-max'
    })
  if (min !== undefined && max !== undefined && min > max)
    throw new GpushipError(`autoscaling-min (${min}) is above autoscaling-max (${max}).`, { input: 'autoscaling-min' })
  const metricRaw = r.string('autoscaling-metric', { default: 'nv_inference_pending_request_count' })
  const target = r.string('autoscaling-target', { default: '5' })
  if (!/^\d+(\.\d+)?(m|k|M|G)?$/.test(target))
    throw new GpushipError(`Invalid autoscaling-target '${target}'. Expected a quantity such as 5, 500m or 2k.`, { input: 'autoscaling-target' })
  const pdb = get('pdb-min-available').trim()
  return {
    image: r.string('image', { required: true }),
    namespace,
    name,
    manifests: r.list('manifests'),
    replicas: r.integer('replicas', { default: 1, min: 0, max: 1000 }),
    'gpus-per-pod': r.integer('gpus-per-pod', { default: 1, min: 0, max: 16 }),
    'model-repository': r.string('model-repository', { default: '/models' }),
    'node-selector': parseNodeSelector(r.list('node-selector')),
    tolerations: parseTolerations(r.list('tolerations')),
    'http-port': r.integer('http-port', { default: 8000, min: 1, max: 65535 }),
    'grpc-port': r.integer('grpc-port', { default: 8001, min: 1, max: 65535 }),
    'metrics-port': r.integer('metrics-port', { default: 8002, min: 1, max: 65535 }),
    'max-surge': r.integer('max-surge', { default: 0, min: 0, max: 1000 }),
    'max-unavailable': r.integer('max-unavailable', { default: 1, min: 0, max: 1000 }),
    'pdb-min-available': pdb === '' ? undefined : r.integer('pdb-min-available', { min: 0, max: 1000 }),
    autoscaling:
      min !== undefined && max !== undefined
        ? { min, max, metric: metricRaw.replace(/^external:/, ''), external: metricRaw.startsWith('external:'), target }
        : undefined,
    'field-manager': r.string('field-manager', {
      default: 'gpuship-triton-rollout',
      pattern: /^[A-Za-z0-9._:-]{1,128}$/,
      expected: 'letters, digits and . _ : -'
    }),
    'force-conflicts': r.boolean('force-conflicts', { default: false }),
    timeout: r.duration('timeout', { default: '10m', minMs: 1000 }),
    'scheduling-grace': r.duration('scheduling-grace', { default: '2m' }),
    'rollback-on-failure': r.boolean('rollback-on-failure', { default: true }),
    gates: r.boolean('gates', { default: true }),
    'gate-samples': r.integer('gate-samples', { default: 3, min: 1, max: 1000 }),
    'gate-interval': r.duration('gate-interval', { default: '5s' }),
    'dcgm-namespace': r.string('dcgm-namespace', { default: 'gpu-monitoring' }),
    'fail-on-inconclusive': r.boolean('fail-on-inconclusive', { default: false }),
    kubeconfig: r.optionalString('kubeconfig'),
    'cluster-name': r.optionalString('cluster-name'),
    'aws-region': r.optionalString('aws-region')
  }
}
