import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkDigestsAgree, resolveRegistryDigest, MANIFEST_ACCEPT } from '../src/ecr/registry-digest.js'
import type { EcrLogin } from '../src/ecr/ecr-client.js'

// A loopback stand-in for the registry's manifest endpoint, scripted per path (unit level; the
// real docker-registry is exercised by packages/images/__tests__/build-push.test.ts).
const D1 = `sha256:${'a'.repeat(64)}`
let server: Server
let login: EcrLogin
const seen: { accept?: string; auth?: string; method?: string }[] = []
let flaky = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ accept: req.headers.accept, auth: req.headers.authorization, method: req.method })
    const tag = req.url?.split('/').pop()
    if (req.headers.authorization !== `Basic ${Buffer.from('AWS:pw-1234').toString('base64')}`)
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end()
    if (tag === 'oci') return void res.writeHead(200, { 'docker-content-digest': D1, 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end()
    if (tag === 'docker')
      return void res.writeHead(200, { 'docker-content-digest': D1, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }).end()
    if (tag === 'flaky')
      return void (flaky++ < 2 ? res.writeHead(503, { 'retry-after': '0' }).end() : res.writeHead(200, { 'docker-content-digest': D1 }).end())
    if (tag === 'nodigest') return void res.writeHead(200).end()
    if (tag === 'down') return void res.writeHead(502).end()
    res.writeHead(404).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  login = { registry: `127.0.0.1:${port}`, proxyEndpoint: `http://127.0.0.1:${port}`, username: 'AWS', password: 'pw-1234' }
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const fast = { sleep: async () => {}, baseMs: 1, maxAttempts: 3 }

describe('resolveRegistryDigest', () => {
  test.each(['oci', 'docker'])('reads Docker-Content-Digest for a %s manifest with HEAD, Basic auth and every manifest type accepted', async (tag) => {
    const head = await resolveRegistryDigest(login, 'triton', tag, fast)
    expect(head?.digest).toBe(D1)
    const last = seen[seen.length - 1]
    expect(last.method).toBe('HEAD')
    expect(last.accept).toBe(MANIFEST_ACCEPT)
    expect(MANIFEST_ACCEPT).toContain('application/vnd.oci.image.index.v1+json')
  })

  test('a missing tag is undefined, not an error', async () => {
    expect(await resolveRegistryDigest(login, 'triton', 'absent', fast)).toBeUndefined()
  })

  test('5xx is retried, then succeeds', async () => {
    expect((await resolveRegistryDigest(login, 'triton', 'flaky', fast))?.digest).toBe(D1)
    expect(flaky).toBe(3)
  })

  test('persistent 5xx gives up with the attempt count and a fix', async () => {
    await expect(resolveRegistryDigest(login, 'triton', 'down', fast)).rejects.toThrow(/HTTP 502.*Gave up after 3 attempts/)
  })

  test('401 is not retried and says the token was refused', async () => {
    const before = seen.length
    await expect(resolveRegistryDigest({ ...login, password: 'wrong' }, 'triton', 'oci', fast)).rejects.toThrow(/refused the ECR credentials \(HTTP 401\)/)
    expect(seen.length - before).toBe(1)
  })

  test('a 200 without a digest header is an error', async () => {
    await expect(resolveRegistryDigest(login, 'triton', 'nodigest', fast)).rejects.toThrow(/no valid Docker-Content-Digest/)
  })
})

describe('checkDigestsAgree', () => {
  test('equal digests pass; different or missing fail with DigestMismatch', () => {
    expect(() => checkDigestsAgree('r/t:1', D1, D1)).not.toThrow()
    expect(() => checkDigestsAgree('r/t:1', D1, `sha256:${'b'.repeat(64)}`)).toThrow(/Digest mismatch for r\/t:1/)
    expect(() => checkDigestsAgree('r/t:1', D1, undefined)).toThrow(/does not list r\/t:1/)
  })
})
