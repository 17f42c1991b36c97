// The sandbox's in-process registry speaks the distribution API that testkit's pushOciImage and
// the ECR simulator use: auth, content-addressed blobs, manifests by tag and digest, tags/list.
import { test, expect, afterAll } from '@jest/globals'
import { startMemoryRegistry, type MemoryRegistry } from '../src/sandbox/world/memory-registry.js'

let reg: MemoryRegistry | undefined
afterAll(async () => reg?.close())

test('push with testkit, then read back by tag and digest; wrong credentials and digests are refused', async () => {
  const { writeOciImage, pushOciImage } = await import('@gpuship/testkit')
  reg = await startMemoryRegistry()
  const auth = { username: reg.username, password: reg.password }
  const basic = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  const image = writeOciImage({ 'models/echo/config.pbtxt': 'name: "echo"\n' })
  const digest = await pushOciImage(reg.url, 'triton', 'v1', image, auth)
  expect(digest).toBe(image.manifestDigest)

  const byTag = await fetch(`${reg.url}/v2/triton/manifests/v1`, { headers: { authorization: basic } })
  expect(byTag.status).toBe(200)
  expect(byTag.headers.get('docker-content-digest')).toBe(digest)
  expect(Buffer.from(await byTag.arrayBuffer()).equals(image.manifest)).toBe(true)
  expect((await fetch(`${reg.url}/v2/triton/manifests/${digest}`, { method: 'HEAD', headers: { authorization: basic } })).status).toBe(200)
  expect(await (await fetch(`${reg.url}/v2/triton/tags/list`, { headers: { authorization: basic } })).json()).toEqual({ name: 'triton', tags: ['v1'] })
  const blob = await fetch(`${reg.url}/v2/triton/blobs/${image.layerDigest}`, { headers: { authorization: basic } })
  expect(Buffer.from(await blob.arrayBuffer()).equals(image.layer)).toBe(true)

  expect((await fetch(`${reg.url}/v2/`, { headers: { authorization: 'Basic d3Jvbmc6d3Jvbmc=' } })).status).toBe(401)
  const start = await fetch(`${reg.url}/v2/triton/blobs/uploads/`, { method: 'POST', headers: { authorization: basic } })
  const bad = await fetch(new URL(`${start.headers.get('location')}?digest=sha256:${'0'.repeat(64)}`, reg.url), { method: 'PUT', headers: { authorization: basic }, body: 'not that' })
  expect(bad.status).toBe(400)
  expect(((await bad.json()) as { errors: { code: string }[] }).errors[0].code).toBe('DIGEST_INVALID')
  const missing = await fetch(`${reg.url}/v2/triton/manifests/v2`, { method: 'PUT', headers: { authorization: basic, 'content-type': image.mediaType }, body: JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${'1'.repeat(64)}` }, layers: [] }) })
  expect(missing.status).toBe(400)
})
