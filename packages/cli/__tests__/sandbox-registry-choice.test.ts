// Which registry path the sandbox takes, and what it says when the real one is missing.
import { test, expect } from '@jest/globals'
import { startRegistryPiece, type RegistryHandle } from '../src/sandbox/world/registry.js'

async function withoutTools<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH
  process.env.PATH = '/nonexistent-gpuship-path' // neither docker-registry, htpasswd nor buildah can be found
  try {
    return await fn()
  } finally {
    process.env.PATH = saved
  }
}

test('--registry real without the tools is unavailable, naming what is missing; apt is not run with --install=false', async () => {
  const tk = await import('@gpuship/testkit')
  const logs: string[] = []
  const piece = await withoutTools(() => startRegistryPiece(tk, 'real', false, (l) => logs.push(l)))
  expect(piece.available).toBe(false)
  expect(piece.reason).toBe('the real registry was asked for but docker-registry, htpasswd, buildah missing (--install=false)')
  expect(logs.join('\n')).not.toContain('apt-get')
})

test('auto without the tools falls back to the in-process registry and says so', async () => {
  const tk = await import('@gpuship/testkit')
  const logs: string[] = []
  const piece = await withoutTools(() => startRegistryPiece(tk, 'auto', false, (l) => logs.push(l)))
  const handle = piece.handle as RegistryHandle
  try {
    expect(piece.available).toBe(true)
    expect(handle.path).toBe('in-process')
    expect(logs.join('\n')).toContain('real registry not available: docker-registry, htpasswd, buildah missing (--install=false); using the in-process OCI writer')
    expect(piece.describe.join('\n')).toMatch(/in-process registry.*registry protocol/)
    expect((await fetch(`${handle.registry.url}/v2/`)).status).toBe(401)
  } finally {
    await handle?.close()
  }
})
