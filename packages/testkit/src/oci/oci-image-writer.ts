import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * A single-layer OCI image made in memory (a ustar layer, gzip, config, manifest) and pushed
 * with the distribution API (blob upload POST/PUT, manifest PUT), for tests on machines without
 * buildah and for seeding a registry quickly. Deterministic: the same files give the same digest.
 */
export interface OciImage {
  manifest: Buffer
  manifestDigest: string
  config: Buffer
  configDigest: string
  layer: Buffer
  layerDigest: string
  mediaType: string
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512)
  const put = (s: string, off: number, len: number) => h.write(s, off, len, 'ascii')
  const oct = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0'
  put(name, 0, 100)
  put(oct(0o644, 8), 100, 8)
  put(oct(0, 8), 108, 8)
  put(oct(0, 8), 116, 8)
  put(oct(size, 12), 124, 12)
  put(oct(0, 12), 136, 12)
  put('        ', 148, 8)
  put('0', 156, 1)
  put('ustar\u000000', 257, 8)
  let sum = 0
  for (const b of h) sum += b
  put(oct(sum, 7) + ' ', 148, 8)
  return h
}

/** A ustar archive of regular files (names up to 100 bytes, which is all tests need). */
export function tarFiles(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = []
  for (const [name, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long: ${name}`)
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content)
    parts.push(tarHeader(name, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

export function writeOciImage(files: Record<string, string | Buffer>, opts: { architecture?: string; labels?: Record<string, string> } = {}): OciImage {
  const tar = tarFiles(files)
  // gzip with a fixed mtime (zlib writes 0) so the layer digest depends on content only.
  const layer = gzipSync(tar, { level: 6 })
  const config = Buffer.from(
    JSON.stringify({
      architecture: opts.architecture ?? 'amd64',
      os: 'linux',
      config: { Labels: opts.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: [sha(tar)] },
      history: [{ created_by: 'gpuship testkit writeOciImage' }]
    })
  )
  const mediaType = 'application/vnd.oci.image.manifest.v1+json'
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }]
    })
  )
  return { manifest, manifestDigest: sha(manifest), config, configDigest: sha(config), layer, layerDigest: sha(layer), mediaType }
}

/** Pushes `image` to `registryUrl`/`repository`:`tag` with Basic auth; returns the digest the registry reports. */
export async function pushOciImage(
  registryUrl: string,
  repository: string,
  tag: string,
  image: OciImage,
  auth: { username: string; password: string }
): Promise<string> {
  const authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  const base = registryUrl.replace(/\/+$/, '')
  for (const [blob, digest] of [
    [image.layer, image.layerDigest],
    [image.config, image.configDigest]
  ] as const) {
    const head = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: { authorization } })
    if (head.ok) continue
    const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { authorization } })
    if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status} ${await start.text()}`)
    const location = new URL(start.headers.get('location') ?? '', base)
    location.searchParams.set('digest', digest)
    const put = await fetch(location, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/octet-stream', 'content-length': String(blob.length) },
      body: new Uint8Array(blob)
    })
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`)
  }
  const res = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': image.mediaType },
    body: new Uint8Array(image.manifest)
  })
  if (res.status !== 201) throw new Error(`manifest PUT: HTTP ${res.status} ${await res.text()}`)
  return res.headers.get('docker-content-digest') ?? image.manifestDigest
}

/** Every regular file under `dir` as `{ '<prefix>/<relative path>': bytes }`, for writeOciImage. */
export function filesFromDirectory(dir: string, prefix = ''): Record<string, Buffer> {
  const out: Record<string, Buffer> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out[join(prefix, relative(dir, p))] = readFileSync(p)
    }
  }
  walk(dir)
  return out
}
