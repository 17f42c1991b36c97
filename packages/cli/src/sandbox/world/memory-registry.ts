/**
 * A small OCI distribution registry in this process, for machines without Debian's
 * docker-registry: Basic auth, blob uploads (POST + PUT, and PATCH chunks), blob and manifest
 * HEAD/GET, manifest PUT by tag or digest, tags/list. Enough for testkit's pushOciImage, the ECR
 * simulator's DescribeImages and a pull by digest; content-addressed and verified like the real one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomBytes } from 'node:crypto'

export interface MemoryRegistry {
  url: string
  host: string
  username: string
  password: string
  close(): Promise<void>
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', ...headers })
  res.end(JSON.stringify({ errors: [{ code, message }] }))
}

export async function startMemoryRegistry(): Promise<MemoryRegistry> {
  const username = 'AWS'
  const password = randomBytes(18).toString('base64url')
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  const blobs = new Map<string, Buffer>()
  const uploads = new Map<string, Buffer[]>()
  /** repository -> reference (tag or digest) -> { mediaType, bytes } */
  const manifests = new Map<string, Map<string, { mediaType: string; bytes: Buffer; digest: string }>>()

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => error(res, 500, 'UNKNOWN', err.message))
  })
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry')
    if (req.headers.authorization !== expected) return error(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="gpuship-sandbox"' })
    const path = url.pathname
    if (path === '/v2/' || path === '/v2') {
      res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0', 'content-type': 'application/json' })
      return void res.end('{}')
    }
    let m = /^\/v2\/(.+)\/blobs\/uploads\/?([^/]*)$/.exec(path)
    if (m) {
      const [, repo, id] = m
      if (req.method === 'POST') {
        const uid = randomBytes(12).toString('hex')
        uploads.set(uid, [])
        res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${uid}`, 'docker-upload-uuid': uid, range: '0-0', 'content-length': '0' })
        return void res.end()
      }
      const parts = uploads.get(id)
      if (!parts) return error(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'upload unknown')
      parts.push(await body(req))
      if (req.method === 'PATCH') {
        const size = parts.reduce((n, p) => n + p.length, 0)
        res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}`, range: `0-${Math.max(0, size - 1)}`, 'content-length': '0' })
        return void res.end()
      }
      const data = Buffer.concat(parts)
      const digest = url.searchParams.get('digest') ?? ''
      if (sha(data) !== digest) return error(res, 400, 'DIGEST_INVALID', `provided digest ${digest} did not match uploaded content`)
      uploads.delete(id)
      blobs.set(digest, data)
      res.writeHead(201, { location: `/v2/${repo}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0' })
      return void res.end()
    }
    m = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(path)
    if (m) {
      const blob = blobs.get(m[2])
      if (!blob) return error(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry')
      res.writeHead(200, { 'content-length': String(blob.length), 'docker-content-digest': m[2], 'content-type': 'application/octet-stream' })
      return void res.end(req.method === 'HEAD' ? undefined : blob)
    }
    m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path)
    if (m) {
      const [, repo, ref] = m
      const repoManifests = manifests.get(repo) ?? new Map()
      if (req.method === 'PUT') {
        const bytes = await body(req)
        const digest = sha(bytes)
        if (ref.startsWith('sha256:') && ref !== digest) return error(res, 400, 'DIGEST_INVALID', 'manifest digest did not match')
        const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; config?: { digest: string }; layers?: { digest: string }[] }
        for (const d of [parsed.config?.digest, ...(parsed.layers ?? []).map((l) => l.digest)]) {
          if (d && !blobs.has(d)) return error(res, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${d}`)
        }
        const entry = { mediaType: String(req.headers['content-type'] ?? parsed.mediaType ?? 'application/vnd.oci.image.manifest.v1+json'), bytes, digest }
        repoManifests.set(ref, entry).set(digest, entry)
        manifests.set(repo, repoManifests)
        res.writeHead(201, { location: `/v2/${repo}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': '0' })
        return void res.end()
      }
      const entry = repoManifests.get(ref)
      if (!entry) return error(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${repo}:${ref}`)
      res.writeHead(200, { 'content-type': entry.mediaType, 'content-length': String(entry.bytes.length), 'docker-content-digest': entry.digest })
      return void res.end(req.method === 'HEAD' ? undefined : entry.bytes)
    }
    m = /^\/v2\/(.+)\/tags\/list$/.exec(path)
    if (m) {
      const refs = [...(manifests.get(m[1])?.keys() ?? [])].filter((r) => !r.startsWith('sha256:')).sort()
      if (!manifests.has(m[1])) return error(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry')
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify({ name: m[1], tags: refs }))
    }
    error(res, 404, 'NOT_FOUND', `no route ${req.method} ${path}`)
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    username,
    password,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}
