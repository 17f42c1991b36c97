import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { GpushipError, group, silentLogger, type Logger, type Masker } from '@gpuship/core'
import { createEcrClient, resolveRegistryDigest, type EcrClient, type SeverityThreshold } from '@gpuship/aws'
import type { Builder, BuildRequest, CacheSpec } from './builder.js'
import { findModelRepository, formatProblems, validateModelRepository, type ModelRepositoryReport } from './model-repository.js'
import { planTags } from './tag-plan.js'
import { resolveVerifiedDigest } from './digest-step.js'
import { runScanGate, type ScanOutcome } from './scan-step.js'

/**
 * One verified image in ECR: validate the model repository, ensure the repository, log in,
 * skip when the tag already exists (API calls only), else build and push, then resolve the
 * digest from the registry AND from ECR and refuse to continue when they disagree, and gate on
 * scan findings. Everything returned is safe to print (no credentials).
 */
export interface BuildPushOptions {
  repository: string
  context: string
  dockerfile?: string
  /** Path of the Triton model repository inside the context; default: models/ or model_repository/ when present. */
  modelRepository?: string
  tags: string[]
  buildArgs?: Record<string, string>
  platforms?: string[]
  cache?: CacheSpec
  labels?: Record<string, string>
  createRepository?: boolean
  imageTagMutability?: 'MUTABLE' | 'IMMUTABLE'
  skipIfExists?: boolean
  force?: boolean
  scanSeverityThreshold?: SeverityThreshold
  scanWaitMs?: number
  region: string
  endpoint?: string
  logger?: Logger
  masker?: Masker
  /** Creates the builder once a build is needed (never on the skip path). */
  builder: () => Promise<Builder>
  ecr?: EcrClient
  retry?: { maxAttempts?: number; baseMs?: number; sleep?: (ms: number) => Promise<void> }
}

export interface BuildPushResult {
  image: string
  digest: string
  registry: string
  repository: string
  /** The tags that now point at `digest` (on an immutable repository, existing tags keep their old image). */
  tags: string[]
  skipped: boolean
  repositoryCreated: boolean
  builder?: string
  models?: ModelRepositoryReport
  scan?: ScanOutcome
  phases: { name: string; ms: number }[]
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

export async function buildAndPushImage(o: BuildPushOptions): Promise<BuildPushResult> {
  const log = o.logger ?? silentLogger
  const phases: BuildPushResult['phases'] = []
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now()
    try {
      return await group(log, name, fn)
    } finally {
      phases.push({ name, ms: Date.now() - t })
    }
  }
  if (o.tags.length === 0)
    throw new GpushipError('No tag to push.', { input: 'tags', hint: 'Leave tags empty to use the commit SHA, or list tags one per line.' })
  for (const t of o.tags)
    if (!TAG.test(t))
      throw new GpushipError(`Invalid tag '${t}'. Expected letters, digits, '_', '.', '-' (at most 128, not starting with '.' or '-').`, { input: 'tags' })
  const dockerfile = o.dockerfile ? (isAbsolute(o.dockerfile) ? o.dockerfile : join(o.context, o.dockerfile)) : join(o.context, 'Dockerfile')
  if (!existsSync(o.context))
    throw new GpushipError(`Build context '${o.context}' does not exist.`, {
      input: 'context',
      hint: 'Set context to the folder with the Dockerfile, relative to the repository root.'
    })

  let models: ModelRepositoryReport | undefined
  const modelDir = findModelRepository(o.context, o.modelRepository)
  if (modelDir) {
    models = await phase('Validate Triton model repository', async () => validateModelRepository(modelDir, o.context))
    for (const p of models.problems.filter((x) => x.severity === 'warning')) log.warning(formatProblems([p]))
    if (!models.valid) {
      const errors = models.problems.filter((p) => p.severity === 'error')
      throw new GpushipError(`The Triton model repository has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${formatProblems(errors)}`, {
        input: 'model-repository',
        code: 'InvalidModelRepository',
        hint: 'Fix each file at the line shown; run `gpuship validate-models <dir>` locally to check before pushing.'
      })
    }
    log.info(`Model repository OK: ${models.models.map((m) => `${m.name} (versions ${m.versions.join(',')})`).join(', ')}`)
  } else if (o.modelRepository === undefined) log.info('No models/ or model_repository/ folder in the context; model validation skipped.')
  if (!existsSync(dockerfile))
    throw new GpushipError(`Dockerfile '${dockerfile}' does not exist.`, {
      input: 'dockerfile',
      hint: 'Set dockerfile relative to the context, e.g. dockerfile: Dockerfile.triton.'
    })

  const ecr = o.ecr ?? createEcrClient({ region: o.region, endpoint: o.endpoint, logger: log, masker: o.masker, ...o.retry })
  const repo = await phase('Ensure ECR repository', () =>
    ecr.ensureRepository(o.repository, { create: o.createRepository ?? false, imageTagMutability: o.imageTagMutability ?? 'IMMUTABLE', scanOnPush: true })
  )
  const login = await phase('Log in to ECR', () => ecr.login())
  const tls = login.proxyEndpoint.startsWith('https://')
  const regOpts = { logger: log, ...o.retry }
  const ref = (tag: string) => `${login.registry}/${o.repository}:${tag}`

  // Every tag is looked up: a rebuild is a no-op only when ALL requested tags already exist, so
  // adding a tag (e.g. a new triton-<version>) still builds.
  const existing = await phase('Look up existing tags', async () => {
    const found = new Map<string, string>()
    for (const tag of o.tags) {
      const head = await resolveRegistryDigest(login, o.repository, tag, regOpts)
      if (head) found.set(tag, head.digest)
    }
    return found
  })
  const plan = planTags(o.tags, existing, {
    repository: o.repository,
    skipIfExists: o.skipIfExists ?? false,
    force: o.force ?? false,
    immutable: repo.imageTagMutability === 'IMMUTABLE'
  })
  for (const w of plan.warnings) log.warning(w)
  const skipped = plan.skip
  const pushTags = plan.pushTags
  let builderKind: string | undefined
  let pushedByBuilder: string | undefined
  if (skipped) log.info(`${o.tags.map(ref).join(', ')} already exist; build skipped (set force: true to rebuild).`)
  else {
    await phase('Build and push', async () => {
      const builder = await o.builder()
      builderKind = builder.kind
      try {
        await builder.login({ registry: login.registry, username: login.username, password: login.password, tls })
        const request: BuildRequest = {
          context: o.context,
          dockerfile,
          tags: pushTags.map(ref),
          buildArgs: o.buildArgs ?? {},
          platforms: o.platforms ?? [],
          cache: o.cache?.type === 'registry' ? { type: 'registry', ref: o.cache.ref ?? ref('buildcache') } : (o.cache ?? { type: 'none' }),
          labels: o.labels ?? {}
        }
        const built = await pushOrExplain(() => builder.buildAndPush(request), o.repository)
        if (built.digest) log.info(`${builder.kind} pushed ${built.digest}`)
        pushedByBuilder = built.digest
      } finally {
        await builder.cleanup()
      }
    })
  }
  const primary = pushTags[0]

  const digest = await phase('Resolve digest', async () => {
    const d = await resolveVerifiedDigest({
      login,
      ecr,
      repository: o.repository,
      tag: primary,
      known: skipped ? existing.get(primary) : undefined,
      pushed: pushedByBuilder,
      justPushed: !skipped,
      registry: regOpts,
      sleep: o.retry?.sleep
    })
    log.info(`Registry and ECR agree: ${d}`)
    return d
  })

  const threshold = o.scanSeverityThreshold ?? 'none'
  const scan = threshold === 'none' ? undefined : await phase('Scan gate', () => runScanGate(ecr, o.repository, digest, threshold, o.scanWaitMs))
  return {
    image: `${login.registry}/${o.repository}@${digest}`,
    digest,
    registry: login.registry,
    repository: o.repository,
    tags: skipped ? o.tags.filter((t) => existing.get(t) === digest) : pushTags,
    skipped,
    repositoryCreated: repo.created,
    builder: builderKind,
    models,
    scan,
    phases
  }
}

/**
 * ECR's answer when another job pushed an immutable tag between our lookup and our push reads
 * like a build failure ("tag invalid: … cannot be overwritten"); say what happened instead.
 */
async function pushOrExplain<T>(push: () => Promise<T>, repository: string): Promise<T> {
  try {
    return await push()
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e)
    if (/ImageTagAlreadyExistsException|cannot be overwritten because the repository is immutable/.test(text)) {
      throw new GpushipError(`A tag was pushed to immutable repository '${repository}' by someone else while this job was building.`, {
        code: 'ImageTagAlreadyExists',
        cause: e,
        hint: 'Re-run the job: with skip-if-exists: true it reuses that image. To avoid the race, run builds of one commit in a concurrency group (concurrency: build-${{ github.sha }}).'
      })
    }
    throw e
  }
}
