import { GpushipError } from '@gpuship/core'

export interface ImageRef {
  /** registry/repository without tag or digest. */
  repository: string
  tag?: string
  digest?: string
}

const DIGEST = /^sha256:[a-f0-9]{64}$/

export function parseImage(ref: string): ImageRef {
  const at = ref.indexOf('@')
  const name = at >= 0 ? ref.slice(0, at) : ref
  const digest = at >= 0 ? ref.slice(at + 1) : undefined
  const slash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  const hasTag = colon > slash
  const repository = hasTag ? name.slice(0, colon) : name
  if (!/^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/i.test(repository))
    throw new GpushipError(`Invalid image '${ref}'. Expected registry/repository@sha256:<64 hex>.`, { input: 'image' })
  if (digest !== undefined && !DIGEST.test(digest))
    throw new GpushipError(`Invalid digest in image '${ref}'. Expected @sha256: followed by 64 lower-case hex digits.`, { input: 'image' })
  return { repository, tag: hasTag ? name.slice(colon + 1) : undefined, digest }
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

/**
 * A tag becomes its digest through the registry's manifest HEAD (anonymous, or with a bearer
 * token from the registry's challenge); when the registry will not say, the tag is refused.
 */
export async function resolveImage(ref: string, fetchImpl: typeof fetch = fetch): Promise<{ image: string; resolvedFrom?: string }> {
  const img = parseImage(ref)
  if (img.digest) return { image: `${img.repository}@${img.digest}` }
  const tag = img.tag ?? 'latest'
  const first = img.repository.split('/')[0]
  const hasRegistry = img.repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = hasRegistry ? first : 'registry-1.docker.io'
  const repo = hasRegistry ? img.repository.slice(first.length + 1) : img.repository.includes('/') ? img.repository : `library/${img.repository}`
  const scheme = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(registry) ? 'http' : 'https'
  const url = `${scheme}://${registry}/v2/${repo}/manifests/${encodeURIComponent(tag)}`
  const refuse = (why: string): never => {
    throw new GpushipError(`Image '${ref}' is not by digest and its tag could not be resolved: ${why}.`, {
      input: 'image',
      hint: 'Pass the digest, e.g. the image output of ecr-build-push (registry/repo@sha256:...); rolling out a tag would let the image change under the same revision.'
    })
  }
  try {
    let res = await fetchImpl(url, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES }, signal: AbortSignal.timeout(10_000) })
    if (res.status === 401) {
      const ch = res.headers.get('www-authenticate') ?? ''
      const realm = /realm="([^"]+)"/.exec(ch)?.[1]
      if (!realm) refuse('the registry wants credentials')
      const service = /service="([^"]+)"/.exec(ch)?.[1]
      const tok = await fetchImpl(`${realm}?${new URLSearchParams({ ...(service ? { service } : {}), scope: `repository:${repo}:pull` })}`, {
        signal: AbortSignal.timeout(10_000)
      })
      const token = tok.ok ? ((await tok.json()) as { token?: string; access_token?: string }) : {}
      if (!token.token && !token.access_token) refuse('the registry refused an anonymous pull token (private registry)')
      res = await fetchImpl(url, {
        method: 'HEAD',
        headers: { Accept: MANIFEST_TYPES, Authorization: `Bearer ${token.token ?? token.access_token}` },
        signal: AbortSignal.timeout(10_000)
      })
    }
    if (res.status === 404) refuse(`tag ${tag} does not exist in ${registry}/${repo}`)
    const digest = res.headers.get('docker-content-digest')
    if (!res.ok || !digest || !DIGEST.test(digest)) refuse(`the registry answered HTTP ${res.status} without a digest`)
    return { image: `${img.repository}@${digest}`, resolvedFrom: ref }
  } catch (e) {
    if (e instanceof GpushipError) throw e
    return refuse(`the registry is unreachable (${(e as Error).message})`)
  }
}
