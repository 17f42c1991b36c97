import { GpushipError, retry, silentLogger, type Logger, type Masker } from '@gpuship/core'
import { awsRetryAfterMs, isRetryableAwsError } from '../identity/aws-errors.js'
import { ecrError } from './ecr-errors.js'
import { sdkRequestHandler } from '../identity/sdk-request.js'

/**
 * The ECR calls an image build needs, each with timeouts and retries for throttling, 5xx and
 * network errors only. The SDK is imported on first use so a step that fails on its inputs
 * never loads it. The endpoint comes from AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL (honoured
 * by the SDK itself) unless given.
 */
export interface EcrClientOptions {
  region: string
  endpoint?: string
  /** Default: the SDK's chain (the environment aws-credentials exported). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  logger?: Logger
  masker?: Masker
  maxAttempts?: number
  baseMs?: number
  sleep?: (ms: number) => Promise<void>
  timeoutMs?: number
}

export interface EcrRepository {
  name: string
  uri: string
  arn: string
  registryId: string
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE'
  scanOnPush: boolean
  created: boolean
}

export interface EcrLogin {
  /** host[:port] as used in image references. */
  registry: string
  proxyEndpoint: string
  username: string
  password: string
  expiresAt?: Date
}

export interface EcrImage {
  digest: string
  tags: string[]
  mediaType?: string
  sizeBytes?: number
  scanStatus?: string
}

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED'
export interface ScanResult {
  status: string
  counts: Partial<Record<Severity, number>>
  findings: { name: string; severity: Severity; uri?: string }[]
}

export interface EcrClient {
  ensureRepository(name: string, opts: { create: boolean; imageTagMutability?: 'MUTABLE' | 'IMMUTABLE'; scanOnPush?: boolean }): Promise<EcrRepository>
  login(): Promise<EcrLogin>
  describeImage(repository: string, ref: { tag?: string; digest?: string }): Promise<EcrImage | undefined>
  scanFindings(repository: string, digest: string, opts?: { waitMs?: number }): Promise<ScanResult | undefined>
}

type Ecr = typeof import('@aws-sdk/client-ecr')

export function createEcrClient(opts: EcrClientOptions): EcrClient {
  const log = opts.logger ?? silentLogger
  let loaded: Promise<{ sdk: Ecr; client: InstanceType<Ecr['ECRClient']> }> | undefined
  const load = () =>
    (loaded ??= import('@aws-sdk/client-ecr').then((sdk) => ({
      sdk,
      client: new sdk.ECRClient({
        region: opts.region,
        ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
        // One retry policy for every call (ours: classified errors, full jitter), not two stacked.
        maxAttempts: 1,
        requestHandler: sdkRequestHandler(opts.timeoutMs)
      })
    })))

  async function call<T>(op: string, repository: string | undefined, fn: (sdk: Ecr, client: InstanceType<Ecr['ECRClient']>) => Promise<T>): Promise<T> {
    const { sdk, client } = await load()
    try {
      return await retry(() => fn(sdk, client), {
        maxAttempts: opts.maxAttempts ?? 5,
        baseMs: opts.baseMs ?? 500,
        sleep: opts.sleep,
        label: `ecr:${op}`,
        isRetryable: isRetryableAwsError,
        retryAfterMs: awsRetryAfterMs,
        onRetry: ({ attempt, delayMs, error }) =>
          log.info(`ecr:${op} attempt ${attempt} failed (${(error as Error).name}: ${(error as Error).message}); retrying in ${delayMs} ms`)
      })
    } catch (err) {
      throw ecrError(op, err, repository)
    }
  }

  const toRepo = (
    r: {
      repositoryName?: string
      repositoryUri?: string
      repositoryArn?: string
      registryId?: string
      imageTagMutability?: string
      imageScanningConfiguration?: { scanOnPush?: boolean }
    },
    created: boolean
  ): EcrRepository => ({
    name: r.repositoryName ?? '',
    uri: r.repositoryUri ?? '',
    arn: r.repositoryArn ?? '',
    registryId: r.registryId ?? '',
    imageTagMutability: r.imageTagMutability === 'IMMUTABLE' ? 'IMMUTABLE' : 'MUTABLE',
    scanOnPush: r.imageScanningConfiguration?.scanOnPush === true,
    created
  })

  return {
    async ensureRepository(name, o) {
      const found = await call('DescribeRepositories', name, async (sdk, c) => {
        try {
          const out = await c.send(new sdk.DescribeRepositoriesCommand({ repositoryNames: [name] }))
          return out.repositories?.[0]
        } catch (e) {
          if ((e as Error).name === 'RepositoryNotFoundException') return undefined
          throw e
        }
      })
      if (found) return toRepo(found, false)
      if (!o.create) {
        throw new GpushipError(`ECR repository '${name}' does not exist.`, {
          input: 'repository',
          hint: 'Set create-repository: true to create it (immutable tags, scan on push), or create it with the ecr Terraform module.'
        })
      }
      const created = await call('CreateRepository', name, async (sdk, c) => {
        try {
          const out = await c.send(
            new sdk.CreateRepositoryCommand({
              repositoryName: name,
              imageTagMutability: o.imageTagMutability ?? 'IMMUTABLE',
              imageScanningConfiguration: { scanOnPush: o.scanOnPush ?? true }
            })
          )
          return { repo: out.repository, created: true }
        } catch (e) {
          // A parallel job created it between our describe and create: use theirs.
          if ((e as Error).name !== 'RepositoryAlreadyExistsException') throw e
          const out = await c.send(new sdk.DescribeRepositoriesCommand({ repositoryNames: [name] }))
          return { repo: out.repositories?.[0], created: false }
        }
      })
      log.info(
        created.created
          ? `Created ECR repository ${name} (${o.imageTagMutability ?? 'IMMUTABLE'} tags, scan on push ${o.scanOnPush ?? true})`
          : `ECR repository ${name} exists`
      )
      return toRepo(created.repo ?? {}, created.created)
    },

    async login() {
      const out = await call('GetAuthorizationToken', undefined, (sdk, c) => c.send(new sdk.GetAuthorizationTokenCommand({})))
      const data = out.authorizationData?.[0]
      if (!data?.authorizationToken || !data.proxyEndpoint)
        throw new GpushipError('ECR GetAuthorizationToken returned no token.', {
          hint: 'Check that the role may call ecr:GetAuthorizationToken on resource "*".'
        })
      opts.masker?.add(data.authorizationToken)
      const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8')
      const sep = decoded.indexOf(':')
      if (sep < 0) throw new GpushipError('ECR authorization token is not user:password.', { hint: 'This is an ECR-side problem; re-run the job.' })
      const password = decoded.slice(sep + 1)
      opts.masker?.add(password)
      const endpoint = /^https?:\/\//.test(data.proxyEndpoint) ? data.proxyEndpoint : `https://${data.proxyEndpoint}`
      return {
        registry: new URL(endpoint).host,
        proxyEndpoint: endpoint.replace(/\/+$/, ''),
        username: decoded.slice(0, sep),
        password,
        expiresAt: data.expiresAt
      }
    },

    async describeImage(repository, ref) {
      const imageId = ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag }
      return call('DescribeImages', repository, async (sdk, c) => {
        try {
          const out = await c.send(new sdk.DescribeImagesCommand({ repositoryName: repository, imageIds: [imageId] }))
          const d = out.imageDetails?.[0]
          if (!d?.imageDigest) return undefined
          return {
            digest: d.imageDigest,
            tags: d.imageTags ?? [],
            mediaType: d.imageManifestMediaType,
            sizeBytes: d.imageSizeInBytes,
            scanStatus: d.imageScanStatus?.status
          }
        } catch (e) {
          if ((e as Error).name === 'ImageNotFoundException') return undefined
          throw e
        }
      })
    },

    async scanFindings(repository, digest, o = {}) {
      const deadline = Date.now() + (o.waitMs ?? 300_000)
      for (;;) {
        const out = await call('DescribeImageScanFindings', repository, async (sdk, c) => {
          try {
            return await c.send(new sdk.DescribeImageScanFindingsCommand({ repositoryName: repository, imageId: { imageDigest: digest } }))
          } catch (e) {
            if ((e as Error).name === 'ScanNotFoundException') return undefined
            throw e
          }
        })
        if (!out) return undefined
        const status = out.imageScanStatus?.status ?? 'UNKNOWN'
        if (status === 'IN_PROGRESS' && Date.now() < deadline) {
          log.info(`Scan of ${repository}@${digest} in progress; waiting`)
          await (opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(5000)
          continue
        }
        return {
          status,
          counts: (out.imageScanFindings?.findingSeverityCounts ?? {}) as ScanResult['counts'],
          findings: (out.imageScanFindings?.findings ?? []).map((f) => ({ name: f.name ?? '', severity: (f.severity ?? 'UNDEFINED') as Severity, uri: f.uri }))
        }
      }
    }
  }
}
