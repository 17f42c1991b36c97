import { GpushipError, parseRetryAfter, retry, silentLogger, type Logger } from '@gpuship/core'
import type { EcrLogin } from './ecr-client.js'

/**
 * Asks the registry itself which digest a tag points at: `HEAD /v2/<repo>/manifests/<ref>` with
 * the ECR token, reading Docker-Content-Digest. OCI and Docker manifest (and index) types are
 * all accepted, so the answer is the digest the registry stores, not one it converted.
 */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

export interface RegistryOptions {
  logger?: Logger
  maxAttempts?: number
  baseMs?: number
  sleep?: (ms: number) => Promise<void>
  timeoutMs?: number
}

export interface ManifestHead {
  digest: string
  mediaType: string
}

async function head(login: EcrLogin, repository: string, ref: string, timeoutMs: number): Promise<ManifestHead | undefined> {
  const url = `${login.proxyEndpoint}/v2/${repository}/manifests/${encodeURIComponent(ref)}`
  const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64')
  let res: Response
  try {
    res = await fetch(url, { method: 'HEAD', headers: { authorization: `Basic ${auth}`, accept: MANIFEST_ACCEPT }, signal: AbortSignal.timeout(timeoutMs) })
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name
    throw new GpushipError(`Registry ${login.registry} is unreachable (${cause}).`, { retryable: true, code: cause, cause: e })
  }
  if (res.status === 404) return undefined
  if (res.status === 401 || res.status === 403) {
    throw new GpushipError(`Registry ${login.registry} refused the ECR credentials (HTTP ${res.status}) for ${repository}:${ref}.`, {
      code: 'RegistryUnauthorized',
      hint: "The token from GetAuthorizationToken was rejected: check that the role may call ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository, and that the token is for this registry's account and region."
    })
  }
  if (res.status >= 500 || res.status === 429) {
    throw new GpushipError(`Registry ${login.registry} answered HTTP ${res.status} to a manifest request.`, {
      retryable: true,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      code: `HTTP${res.status}`
    })
  }
  if (!res.ok) throw new GpushipError(`Registry ${login.registry} answered HTTP ${res.status} to HEAD ${repository}:${ref}.`, { code: `HTTP${res.status}` })
  const digest = res.headers.get('docker-content-digest')
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new GpushipError(`Registry ${login.registry} sent no valid Docker-Content-Digest for ${repository}:${ref}.`, {
      hint: 'The registry is not speaking the distribution API v2; check the registry endpoint.'
    })
  }
  return { digest, mediaType: res.headers.get('content-type') ?? '' }
}

/** The manifest digest of `repository:ref` per the registry, or undefined when the tag is absent. */
export async function resolveRegistryDigest(login: EcrLogin, repository: string, ref: string, opts: RegistryOptions = {}): Promise<ManifestHead | undefined> {
  const log = opts.logger ?? silentLogger
  const attempts = opts.maxAttempts ?? 5
  try {
    return await retry(() => head(login, repository, ref, opts.timeoutMs ?? 10_000), {
      maxAttempts: attempts,
      baseMs: opts.baseMs ?? 500,
      sleep: opts.sleep,
      label: 'registry manifest HEAD',
      onRetry: ({ attempt, delayMs, error }) =>
        log.info(`Registry manifest HEAD attempt ${attempt} failed (${(error as Error).message}); retrying in ${delayMs} ms`)
    })
  } catch (e) {
    if (e instanceof GpushipError && e.retryable) {
      throw new GpushipError(`${e.message} Gave up after ${attempts} attempts.`, {
        code: e.code,
        cause: e,
        hint: `Check that ${login.proxyEndpoint} is the registry of this account and region and that it is up; re-run the job if ECR had an outage.`
      })
    }
    throw e
  }
}

/** Both sources must name the same image: a mismatch means a tag moved under us or a proxy lied. */
export function checkDigestsAgree(image: string, registryDigest: string, ecrDigest: string | undefined): void {
  if (ecrDigest === undefined) {
    throw new GpushipError(`ECR DescribeImages does not list ${image}, although the registry serves it as ${registryDigest}.`, {
      code: 'DigestMismatch',
      hint: 'ECR may still be indexing the push; re-run the job. If it persists, check that the registry endpoint belongs to this account and region.'
    })
  }
  if (ecrDigest !== registryDigest) {
    throw new GpushipError(`Digest mismatch for ${image}: the registry serves ${registryDigest} but ECR DescribeImages reports ${ecrDigest}.`, {
      code: 'DigestMismatch',
      hint: 'Another job may have pushed the same tag concurrently (use immutable tags and the commit SHA as tag), or the registry endpoint is not the ECR registry of this account. Nothing was deployed.'
    })
  }
}
