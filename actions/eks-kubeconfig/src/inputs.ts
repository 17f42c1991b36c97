import * as core from '@actions/core'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { createInputReader, GpushipError, isRegion } from '@gpuship/core'

export interface Inputs {
  'cluster-name': string
  'aws-region': string
  'kubeconfig-path': string
  namespace?: string
  alias?: string
  'verify-access': boolean
}

const CLUSTER = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

export function getInputs(get: (name: string) => string = (n) => core.getInput(n), env: NodeJS.ProcessEnv = process.env): Inputs {
  const r = createInputReader(get)
  const cluster = r.string('cluster-name', { required: true, pattern: CLUSTER, expected: 'an EKS cluster name (letters, digits, - and _, up to 100, starting with a letter or digit)' })
  const regionRaw = r.string('aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  if (!regionRaw) throw new GpushipError('No aws-region given and AWS_REGION is not set.', { input: 'aws-region', hint: 'Set aws-region, or run aws-credentials (which exports AWS_REGION) before this step.' })
  if (!isRegion(regionRaw)) throw new GpushipError(`Invalid aws-region '${regionRaw}'. Expected a region such as us-east-1.`, { input: 'aws-region' })
  const namespace = r.optionalString('namespace')
  if (namespace !== undefined && !DNS_LABEL.test(namespace)) throw new GpushipError(`Invalid namespace '${namespace}'. Expected a DNS label (lower case letters, digits and -, up to 63).`, { input: 'namespace' })
  const alias = r.optionalString('alias')
  if (alias !== undefined && /[\s/]/.test(alias)) throw new GpushipError(`Invalid alias '${alias}'. Expected a context name without spaces or slashes.`, { input: 'alias' })
  return {
    'cluster-name': cluster,
    'aws-region': regionRaw,
    'kubeconfig-path': r.string('kubeconfig-path') || join(env.RUNNER_TEMP || tmpdir(), `kubeconfig-${cluster}`),
    namespace,
    alias,
    'verify-access': r.boolean('verify-access', { default: true })
  }
}
