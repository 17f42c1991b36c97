import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// @actions/tool-cache reads these when it loads.
const root = mkdtempSync(join(tmpdir(), 'gpuship-tc-'))
process.env.RUNNER_TOOL_CACHE = join(root, 'cache')
process.env.RUNNER_TEMP = join(root, 'temp')
const { installTerraform, releaseFile, checksumFor } = await import('../src/index.js')

let server: Server
let base = ''
const served: string[] = []
let zipBytes: Buffer
let sums = ''

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpuship-rel-'))
  writeFileSync(join(dir, 'terraform'), '#!/bin/sh\necho "Terraform v9.9.9"\n')
  chmodSync(join(dir, 'terraform'), 0o755)
  const zip = join(dir, releaseFile('9.9.9', 'linux', 'x64'))
  execFileSync('zip', ['-q', '-j', zip, join(dir, 'terraform')])
  zipBytes = readFileSync(zip)
  sums = `${createHash('sha256').update(zipBytes).digest('hex')}  ${releaseFile('9.9.9', 'linux', 'x64')}\n${'0'.repeat(64)}  terraform_9.9.9_darwin_arm64.zip\n`
  server = createServer((req, res) => {
    served.push(req.url ?? '')
    if (req.url === '/terraform/9.9.9/terraform_9.9.9_linux_amd64.zip') return res.end(zipBytes)
    if (req.url === '/terraform/9.9.9/terraform_9.9.9_SHA256SUMS') return res.end(sums)
    if (req.url === '/bad/9.9.8/terraform_9.9.8_linux_amd64.zip') return res.end(Buffer.from('tampered'))
    if (req.url === '/bad/9.9.8/terraform_9.9.8_SHA256SUMS') return res.end(`${'1'.repeat(64)}  terraform_9.9.8_linux_amd64.zip\n`)
    res.statusCode = 404
    res.end('not found')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()))
})

describe('installTerraform', () => {
  test('uses the terraform on PATH when its version matches', async () => {
    const r = await installTerraform({ version: '1.11.4', onPath: { path: '/usr/bin/terraform', version: '1.11.4' }, baseUrl: base })
    expect(r).toEqual({ binary: '/usr/bin/terraform', version: '1.11.4', source: 'path' })
  })

  test('downloads from the configured base URL, verifies SHA256SUMS, caches', async () => {
    const r = await installTerraform({ version: '9.9.9', baseUrl: `${base}/terraform`, platform: 'linux', arch: 'x64', onPath: { path: '/x', version: '1.0.0' } })
    expect(r.source).toBe('download')
    expect(execFileSync(r.binary).toString()).toContain('Terraform v9.9.9')
    const again = await installTerraform({ version: '9.9.9', baseUrl: `${base}/terraform`, platform: 'linux', arch: 'x64' })
    expect(again.source).toBe('cache')
  })

  test('refuses a download whose checksum does not match, and installs nothing', async () => {
    await expect(installTerraform({ version: '9.9.8', baseUrl: `${base}/bad`, platform: 'linux', arch: 'x64' })).rejects.toThrow(/Checksum mismatch for terraform_9.9.8_linux_amd64.zip/)
  })

  test('a version that is not published is a clear error naming the input', async () => {
    await expect(installTerraform({ version: '9.9.7', baseUrl: `${base}/terraform`, platform: 'linux', arch: 'x64' })).rejects.toMatchObject({ input: 'terraform-version', message: expect.stringContaining('HTTP 404') })
    await expect(installTerraform({ version: 'latest' })).rejects.toThrow(/Invalid terraform-version 'latest'/)
  })

  test('checksumFor reads the SHA256SUMS format', () => {
    expect(checksumFor(sums, 'terraform_9.9.9_darwin_arm64.zip')).toBe('0'.repeat(64))
    expect(checksumFor(sums, 'nope.zip')).toBeUndefined()
  })
})
