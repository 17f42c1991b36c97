import * as core from '@actions/core'
import { GpushipError, createInputReader } from '@gpuship/core'
// Subpaths, not the packages: this file runs before input validation and must stay small.
import { BUILDER_CHOICES, parseBuildArgs, type BuilderChoice } from '@gpuship/images/builder'
import { THRESHOLDS, type SeverityThreshold } from '@gpuship/aws/scan-gate'

export interface Inputs {
  repository: string
  context: string
  dockerfile: string
  'model-repository'?: string
  'build-args': Record<string, string>
  tags: string[]
  platforms: string[]
  builder: BuilderChoice
  cache: 'none' | 'gha' | 'registry'
  'create-repository': boolean
  'image-tag-mutability': 'IMMUTABLE' | 'MUTABLE'
  'skip-if-exists': boolean
  force: boolean
  'scan-severity-threshold': SeverityThreshold
  'scan-timeout': number
  'aws-region': string
  'ecr-endpoint'?: string
}

const REPO = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/

export function getInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const r = createInputReader((n) => core.getInput(n))
  const repository = r.string('repository', { required: true })
  if (repository.includes('.dkr.ecr.') || repository.includes(':') || repository.includes('@') || !REPO.test(repository)) {
    throw new GpushipError(`Invalid repository '${repository}'. Expected the repository name only, lower case, e.g. triton or team/triton.`, {
      input: 'repository',
      hint: 'Drop the registry host and any tag: the registry comes from the ECR login, the tag from tags.'
    })
  }
  const sha = env.GITHUB_SHA ?? ''
  const tags = r.list('tags')
  if (tags.length === 0) {
    if (!/^[0-9a-f]{7,40}$/.test(sha))
      throw new GpushipError('No tags given and GITHUB_SHA is not set.', {
        input: 'tags',
        hint: 'Set tags (e.g. tags: v1.2.3) when running outside a workflow.'
      })
    tags.push(sha)
  }
  const region = r.optionalString('aws-region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? ''
  const inputs: Inputs = {
    repository,
    context: r.string('context', { default: '.' }),
    dockerfile: r.string('dockerfile', { default: 'Dockerfile' }),
    'model-repository': r.optionalString('model-repository'),
    'build-args': parseBuildArgs(
      core
        .getInput('build-args')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
    ),
    tags,
    platforms: r.list('platforms'),
    builder: r.enumOf('builder', BUILDER_CHOICES, { default: 'auto' }),
    cache: r.enumOf('cache', ['none', 'gha', 'registry'] as const, { default: 'none' }),
    'create-repository': r.boolean('create-repository', { default: false }),
    'image-tag-mutability': r.enumOf('image-tag-mutability', ['IMMUTABLE', 'MUTABLE'] as const, { default: 'IMMUTABLE' }),
    'skip-if-exists': r.boolean('skip-if-exists', { default: true }),
    force: r.boolean('force', { default: false }),
    'scan-severity-threshold': r.enumOf('scan-severity-threshold', THRESHOLDS, { default: 'none' }),
    'scan-timeout': r.duration('scan-timeout', { default: '5m', maxMs: 3_600_000 }),
    'aws-region': region,
    'ecr-endpoint': r.optionalString('ecr-endpoint')
  }
  if (!region)
    throw new GpushipError('No AWS region.', { input: 'aws-region', hint: 'Run aws-credentials first (it exports AWS_REGION) or set aws-region: us-east-1.' })
  r.region('aws-region', { default: region })
  return inputs
}
