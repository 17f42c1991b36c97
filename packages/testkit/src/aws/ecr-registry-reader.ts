import { createHash } from 'node:crypto'

/**
 * How the simulated ECR sees images: by asking the real registry (tags/list, then each manifest
 * with every manifest type accepted), so digests, media types and sizes are the registry's own.
 */
export class EcrServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400
  ) {
    super(message)
  }
}

export interface RegistryImage {
  digest: string
  tags: string[]
  mediaType: string
  manifest: string
  size: number
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
].join(', ')

async function get(registry: { registryUrl: string; username: string; password: string }, path: string, accept: string): Promise<Response> {
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64')
  try {
    return await fetch(`${registry.registryUrl}${path}`, { headers: { authorization: `Basic ${auth}`, accept }, signal: AbortSignal.timeout(5000) })
  } catch (e) {
    throw new EcrServiceError('ServerException', `registry unreachable: ${(e as Error).message}`, 500)
  }
}

/** Every image of `repo`, tags grouped by digest; `override(tag)` replaces a digest (mismatch tests). */
export async function listRegistryImages(
  registry: { registryUrl: string; username: string; password: string },
  repo: string,
  override: (tag: string) => string | undefined = () => undefined
): Promise<RegistryImage[]> {
  const res = await get(registry, `/v2/${repo}/tags/list`, 'application/json')
  if (res.status === 404) return []
  if (!res.ok) throw new EcrServiceError('ServerException', `registry answered ${res.status} to tags/list`, 500)
  const tags = ((await res.json()) as { tags?: string[] | null }).tags ?? []
  const byDigest = new Map<string, RegistryImage>()
  for (const tag of tags.sort()) {
    const m = await get(registry, `/v2/${repo}/manifests/${tag}`, MANIFEST_TYPES)
    if (!m.ok) continue
    const manifest = await m.text()
    const real = m.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(manifest).digest('hex')}`
    const digest = override(tag) ?? real
    const parsed = JSON.parse(manifest) as { config?: { size?: number }; layers?: { size?: number }[] }
    const size = (parsed.config?.size ?? 0) + (parsed.layers ?? []).reduce((a, l) => a + (l.size ?? 0), 0)
    const img = byDigest.get(digest) ?? { digest, tags: [], mediaType: m.headers.get('content-type') ?? '', manifest, size }
    img.tags.push(tag)
    byDigest.set(digest, img)
  }
  return [...byDigest.values()]
}
