import { EcrServiceError, listRegistryImages, type RegistryImage as Image } from './ecr-registry-reader.js'

/**
 * Amazon ECR (awsJson1.1, target prefix AmazonEC2ContainerRegistry_V20150921) backed by a REAL
 * OCI registry: repositories and scan findings live here, images live in the registry, so
 * DescribeImages and BatchGetImage report the digests the registry itself computed. The handler
 * is a function of the parsed request (operation name + JSON body); the AWS simulator's server
 * (ecr.ts registers it) does HTTP, SigV4 and the awsJson1.1 error shape.
 */
export { EcrServiceError }
export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921'

export interface EcrFinding {
  name: string
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED'
  description?: string
  uri?: string
}

export interface EcrRepositoryState {
  repositoryName: string
  createdAt: number
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE'
  scanOnPush: boolean
}

export interface EcrServiceOptions {
  /** Base URL of the real registry, e.g. http://127.0.0.1:5000 (proxyEndpoint). */
  registryUrl: string
  username: string
  password: string
  accountId?: string
  region?: string
  now?: () => number
}

export interface EcrResponse {
  status: number
  body: unknown
}

export interface EcrService {
  readonly repositories: Map<string, EcrRepositoryState>
  readonly calls: string[]
  options: EcrServiceOptions
  /** Makes scans of `repo`@`digestOrTag` report these findings. */
  seedFindings(repo: string, digestOrTag: string, findings: EcrFinding[]): void
  /** Makes the next `calls` DescribeImageScanFindings of `repo` answer IN_PROGRESS (scan-wait tests). */
  scanInProgress(repo: string, calls: number): void
  /** Makes DescribeImages report `digest` for `repo:tag` whatever the registry says (digest-mismatch tests). */
  overrideDigest(repo: string, tag: string, digest: string | undefined): void
  handle(operation: string, body: Record<string, unknown>): Promise<EcrResponse>
}

export function createEcrService(options: EcrServiceOptions): EcrService {
  const repositories = new Map<string, EcrRepositoryState>()
  const findings = new Map<string, EcrFinding[]>()
  const overrides = new Map<string, string>()
  const inProgress = new Map<string, number>()
  const calls: string[] = []
  const now = () => (options.now ?? Date.now)() / 1000
  const account = () => options.accountId ?? '123456789012'
  const region = () => options.region ?? 'us-east-1'
  const host = () => new URL(options.registryUrl).host

  const describe = (r: EcrRepositoryState) => ({
    repositoryArn: `arn:aws:ecr:${region()}:${account()}:repository/${r.repositoryName}`,
    registryId: account(),
    repositoryName: r.repositoryName,
    repositoryUri: `${host()}/${r.repositoryName}`,
    createdAt: r.createdAt,
    imageTagMutability: r.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: { encryptionType: 'AES256' }
  })

  const repoOf = (body: Record<string, unknown>): EcrRepositoryState => {
    const name = body.repositoryName
    if (typeof name !== 'string' || name === '')
      throw new EcrServiceError('InvalidParameterException', "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must not be null'")
    const r = repositories.get(name)
    if (!r) throw new EcrServiceError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${account()}'`)
    return r
  }

  const listImages = (repo: string) => listRegistryImages(options, repo, (tag) => overrides.get(`${repo}:${tag}`))

  const imageIdsOf = (body: Record<string, unknown>) =>
    Array.isArray(body.imageIds) ? (body.imageIds as { imageTag?: string; imageDigest?: string }[]) : undefined
  const matches = (img: Image, id: { imageTag?: string; imageDigest?: string }) =>
    (id.imageDigest === undefined || id.imageDigest === img.digest) && (id.imageTag === undefined || img.tags.includes(id.imageTag))
  const findingsFor = (repo: string, img: Image) => findings.get(`${repo}@${img.digest}`) ?? img.tags.map((t) => findings.get(`${repo}:${t}`)).find(Boolean)

  function counts(list: EcrFinding[]): Record<string, number> {
    const c: Record<string, number> = {}
    for (const f of list) c[f.severity] = (c[f.severity] ?? 0) + 1
    return c
  }

  const ops: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    async CreateRepository(body) {
      const name = body.repositoryName
      if (typeof name !== 'string' || !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) || name.length < 2 || name.length > 256) {
        throw new EcrServiceError(
          'InvalidParameterException',
          `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`
        )
      }
      if (repositories.has(name))
        throw new EcrServiceError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${name}' already exists in the registry with id '${account()}'`
        )
      const mut = body.imageTagMutability ?? 'MUTABLE'
      if (mut !== 'MUTABLE' && mut !== 'IMMUTABLE')
        throw new EcrServiceError(
          'InvalidParameterException',
          `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'`
        )
      const scan = (body.imageScanningConfiguration as { scanOnPush?: boolean } | undefined)?.scanOnPush === true
      const r: EcrRepositoryState = { repositoryName: name, createdAt: Math.floor(now()), imageTagMutability: mut, scanOnPush: scan }
      repositories.set(name, r)
      return { repository: describe(r) }
    },
    async DescribeRepositories(body) {
      const names = Array.isArray(body.repositoryNames) ? (body.repositoryNames as string[]) : undefined
      if (!names) return { repositories: [...repositories.values()].map(describe) }
      return { repositories: names.map((n) => describe(repoOf({ repositoryName: n }))) }
    },
    async GetAuthorizationToken() {
      return {
        authorizationData: [
          {
            authorizationToken: Buffer.from(`${options.username}:${options.password}`).toString('base64'),
            expiresAt: Math.floor(now()) + 12 * 3600,
            proxyEndpoint: options.registryUrl
          }
        ]
      }
    },
    async DescribeImages(body) {
      const r = repoOf(body)
      const ids = imageIdsOf(body)
      let images = await listImages(r.repositoryName)
      if (ids) {
        const missing = ids.find((id) => !images.some((img) => matches(img, id)))
        if (missing)
          throw new EcrServiceError(
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${missing.imageDigest ?? 'null'}', imageTag:'${missing.imageTag ?? 'null'}'} does not exist within the repository with name '${r.repositoryName}' in the registry with id '${account()}'`
          )
        images = images.filter((img) => ids.some((id) => matches(img, id)))
      }
      return {
        imageDetails: images.map((img) => {
          const f = findingsFor(r.repositoryName, img)
          const scanned = r.scanOnPush || f !== undefined
          return {
            registryId: account(),
            repositoryName: r.repositoryName,
            imageDigest: img.digest,
            imageTags: img.tags,
            imageSizeInBytes: img.size,
            imagePushedAt: Math.floor(now()),
            imageManifestMediaType: img.mediaType,
            artifactMediaType: 'application/vnd.oci.image.config.v1+json',
            ...(scanned
              ? {
                  imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
                  imageScanFindingsSummary: {
                    imageScanCompletedAt: Math.floor(now()),
                    vulnerabilitySourceUpdatedAt: Math.floor(now()),
                    findingSeverityCounts: counts(f ?? [])
                  }
                }
              : {})
          }
        })
      }
    },
    async DescribeImageScanFindings(body) {
      const r = repoOf(body)
      const id = (body.imageId ?? {}) as { imageTag?: string; imageDigest?: string }
      const img = (await listImages(r.repositoryName)).find((i) => matches(i, id))
      if (!img)
        throw new EcrServiceError(
          'ImageNotFoundException',
          `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${r.repositoryName}' in the registry with id '${account()}'`
        )
      const f = findingsFor(r.repositoryName, img)
      const pending = inProgress.get(r.repositoryName) ?? 0
      if (pending > 0) {
        inProgress.set(r.repositoryName, pending - 1)
        return {
          registryId: account(),
          repositoryName: r.repositoryName,
          imageId: { imageDigest: img.digest },
          imageScanStatus: { status: 'IN_PROGRESS', description: 'The scan is in progress.' }
        }
      }
      if (!r.scanOnPush && f === undefined)
        throw new EcrServiceError(
          'ScanNotFoundException',
          `Image scan does not exist for the image with '{imageDigest:'${img.digest}', imageTag:'${id.imageTag ?? 'null'}'}' in the repository with name '${r.repositoryName}' in the registry with id '${account()}'`
        )
      return {
        registryId: account(),
        repositoryName: r.repositoryName,
        imageId: { imageDigest: img.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
        imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
        imageScanFindings: {
          imageScanCompletedAt: Math.floor(now()),
          vulnerabilitySourceUpdatedAt: Math.floor(now()),
          findingSeverityCounts: counts(f ?? []),
          findings: (f ?? []).map((x) => ({
            name: x.name,
            severity: x.severity,
            description: x.description ?? '',
            uri: x.uri ?? `https://security-tracker.debian.org/tracker/${x.name}`,
            attributes: []
          }))
        }
      }
    },
    async BatchGetImage(body) {
      const r = repoOf(body)
      const ids = imageIdsOf(body) ?? []
      const images = await listImages(r.repositoryName)
      const found: unknown[] = []
      const failures: unknown[] = []
      for (const id of ids) {
        const img = images.find((i) => matches(i, id))
        if (img)
          found.push({
            registryId: account(),
            repositoryName: r.repositoryName,
            imageId: { imageDigest: img.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
            imageManifest: img.manifest,
            imageManifestMediaType: img.mediaType
          })
        else failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' })
      }
      return { images: found, failures }
    }
  }

  return {
    repositories,
    calls,
    options,
    seedFindings(repo, digestOrTag, list) {
      findings.set(digestOrTag.startsWith('sha256:') ? `${repo}@${digestOrTag}` : `${repo}:${digestOrTag}`, list)
    },
    scanInProgress(repo, calls) {
      inProgress.set(repo, calls)
    },
    overrideDigest(repo, tag, digest) {
      if (digest === undefined) overrides.delete(`${repo}:${tag}`)
      else overrides.set(`${repo}:${tag}`, digest)
    },
    async handle(operation, body) {
      calls.push(operation)
      const op = ops[operation]
      try {
        if (!op) throw new EcrServiceError('UnknownOperationException', `Operation ${operation} is not supported by the simulator`)
        return { status: 200, body: await op(body) }
      } catch (e) {
        if (e instanceof EcrServiceError) return { status: e.status, body: { __type: e.type, message: e.message } }
        throw e
      }
    }
  }
}
