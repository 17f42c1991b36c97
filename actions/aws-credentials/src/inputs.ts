import * as core from '@actions/core'
import { createInputReader, GpushipError } from '@gpuship/core'
// The subpath, not the package: this file runs before input validation and must stay small.
import { defaultSessionName } from '@gpuship/aws/session-name'

export interface Inputs {
  'role-to-assume': string
  'aws-region': string
  audience: string
  'role-session-name': string
  'role-duration-seconds': number
  'inline-session-policy'?: string
  'managed-session-policies': string[]
  'role-chaining': boolean
  'output-credentials': boolean
  'mask-aws-account-id': boolean
  'allowed-account-ids': string[]
  'retry-max-attempts': number
  'export-web-identity-token-file': boolean
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/

export function getInputs(get: (name: string) => string = (n) => core.getInput(n), env: NodeJS.ProcessEnv = process.env): Inputs {
  const r = createInputReader(get)
  const inputs: Inputs = {
    'role-to-assume': r.arn('role-to-assume', { service: 'iam', resourcePrefix: 'role/' }),
    'aws-region': r.region('aws-region', { required: true }),
    audience: r.string('audience', { default: 'sts.amazonaws.com' }),
    'role-session-name': r.string('role-session-name', { pattern: SESSION_NAME, expected: '2 to 64 characters of letters, digits and + = , . @ - _' }) || defaultSessionName({ repository: env.GITHUB_REPOSITORY, runId: env.GITHUB_RUN_ID, runAttempt: env.GITHUB_RUN_ATTEMPT }),
    'role-duration-seconds': r.integer('role-duration-seconds', { default: 3600, min: 900, max: 43200 }),
    'inline-session-policy': r.optionalString('inline-session-policy'),
    'managed-session-policies': r.list('managed-session-policies'),
    'role-chaining': r.boolean('role-chaining', { default: false }),
    'output-credentials': r.boolean('output-credentials', { default: false }),
    'mask-aws-account-id': r.boolean('mask-aws-account-id', { default: false }),
    'allowed-account-ids': r.list('allowed-account-ids'),
    'retry-max-attempts': r.integer('retry-max-attempts', { default: 12, min: 1, max: 20 }),
    'export-web-identity-token-file': r.boolean('export-web-identity-token-file', { default: true })
  }
  const policy = inputs['inline-session-policy']
  if (policy !== undefined) {
    try {
      JSON.parse(policy)
    } catch (err) {
      throw new GpushipError(`Invalid inline-session-policy: it is not JSON (${(err as Error).message}).`, { input: 'inline-session-policy', hint: 'Pass a JSON policy document, e.g. {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"*"}]}' })
    }
  }
  if (inputs['managed-session-policies'].length > 10) {
    throw new GpushipError(`managed-session-policies lists ${inputs['managed-session-policies'].length} ARNs; STS takes at most 10.`, {
      input: 'managed-session-policies',
      hint: 'Merge some into one customer-managed policy, or move statements into inline-session-policy.'
    })
  }
  for (const arn of inputs['managed-session-policies']) {
    if (!/^arn:[a-z-]+:iam::(\d{12}|aws):policy\/.+$/.test(arn)) {
      throw new GpushipError(`Invalid managed-session-policies entry '${arn}'. Expected arn:aws:iam::<account or aws>:policy/<name>.`, {
        input: 'managed-session-policies',
        hint: 'Give full policy ARNs, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess, separated by commas or new lines.'
      })
    }
  }
  for (const id of inputs['allowed-account-ids']) {
    if (!/^\d{12}$/.test(id)) {
      throw new GpushipError(`Invalid allowed-account-ids entry '${id}'. Expected 12-digit account IDs separated by commas.`, {
        input: 'allowed-account-ids',
        hint: 'Write each account ID with all 12 digits (keep leading zeros; quote the value in YAML so it stays a string).'
      })
    }
  }
  return inputs
}
