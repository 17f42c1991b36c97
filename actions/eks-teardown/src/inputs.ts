import * as core from '@actions/core'
import { createInputReader } from '@gpuship/core'

export interface Inputs {
  'cluster-name': string
  'aws-region': string
  confirm: string
  'working-directory': string
  'backend-config': string[]
  'var-file': string[]
  'lock-timeout': number
  'terraform-binary': string
  kubeconfig?: string
  'load-balancer-timeout': number
  'node-timeout': number
  'delete-images': boolean
  'forget-unreachable': boolean
  'fail-on-leftovers': boolean
}

export function getInputs(): Inputs {
  const r = createInputReader((name) => core.getInput(name))
  const inputs: Inputs = {
    'cluster-name': r.string('cluster-name', { required: true, pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, expected: 'an EKS cluster name (letters, digits, - and _, up to 100 characters)' }),
    'aws-region': r.region('aws-region'),
    // Read raw: a confirmation with stray spaces must not match.
    confirm: core.getInput('confirm', { trimWhitespace: false }),
    'working-directory': r.string('working-directory', { default: '.' }),
    'backend-config': r.list('backend-config'),
    'var-file': r.list('var-file'),
    'lock-timeout': r.duration('lock-timeout', { default: '5m' }),
    'terraform-binary': r.string('terraform-binary', { default: 'terraform' }),
    kubeconfig: r.optionalString('kubeconfig') ?? process.env.KUBECONFIG,
    'load-balancer-timeout': r.duration('load-balancer-timeout', { default: '10m' }),
    'node-timeout': r.duration('node-timeout', { default: '10m' }),
    'delete-images': r.boolean('delete-images', { default: false }),
    'forget-unreachable': r.boolean('forget-unreachable', { default: false }),
    'fail-on-leftovers': r.boolean('fail-on-leftovers', { default: true })
  }
  core.debug(`inputs: ${JSON.stringify({ ...inputs, confirm: inputs.confirm === inputs['cluster-name'] ? '(matches)' : '(does not match)' })}`)
  return inputs
}
