import * as core from '@actions/core'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { GpushipError, createInputReader } from '@gpuship/core'
import { FAIL_ON, type FailOn } from '@gpuship/doctor'

export interface Inputs {
  'cluster-name': string
  'aws-region': string
  namespaces: string[]
  kubeconfig?: string
  'fail-on': FailOn
  'json-path': string
}

const CLUSTER = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

export function getInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const r = createInputReader((n) => core.getInput(n))
  const name = r.string('cluster-name', { required: true, pattern: CLUSTER, expected: 'an EKS cluster name (letters, digits, - and _, up to 100 characters)' })
  const region = r.optionalString('aws-region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION
  if (!region)
    throw new GpushipError('No AWS region: aws-region is empty and AWS_REGION is not set.', {
      input: 'aws-region',
      hint: 'Set aws-region: us-east-1, or run the aws-credentials action first (it exports AWS_REGION).'
    })
  const namespaces = r.list('namespaces')
  const bad = namespaces.find((n) => !NAMESPACE.test(n))
  if (bad)
    throw new GpushipError(`Invalid namespace '${bad}' in namespaces. Expected a Kubernetes namespace name (lower case, digits and -).`, {
      input: 'namespaces'
    })
  return {
    'cluster-name': name,
    'aws-region': r.region('aws-region', { default: region }),
    namespaces,
    kubeconfig: r.optionalString('kubeconfig'),
    'fail-on': r.enumOf('fail-on', FAIL_ON, { default: 'error' }),
    'json-path': r.optionalString('json-path') ?? join(env.RUNNER_TEMP ?? tmpdir(), `eks-doctor-${name}.json`)
  }
}
