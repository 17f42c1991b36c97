/**
 * The registry the image step pushes to. Preferred: the real thing, Debian's docker-registry
 * (distribution) with htpasswd auth, built into by buildah, installed with apt when the sandbox runs
 * as root on Debian and they are missing. Otherwise testkit's in-process OCI writer, which writes
 * the image as an OCI layout and pushes it over the registry protocol. The choice is printed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Piece } from '../world.js'
import { unavailable } from '../world.js'
import type { RegistryChoice } from '../options.js'
import { missingExports } from '../availability.js'
import { startMemoryRegistry } from './memory-registry.js'

type Testkit = typeof import('@gpuship/testkit')

export interface RegistryHandle {
  /** 'real': docker-registry + buildah; 'in-process': testkit's OCI writer and registry. */
  path: 'real' | 'in-process'
  registry: { url: string; host: string; username: string; password: string; close(): Promise<void> }
  /** Env the image step needs (buildah storage, builder selection). */
  env: Record<string, string>
  close(): Promise<void>
}

// The environment is passed explicitly so a changed PATH (tests, a caller's override) is the one searched.
const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`], { env: process.env }).status === 0
const REAL_BINS = ['docker-registry', 'htpasswd', 'buildah']
const PACKAGES = ['docker-registry', 'apache2-utils', 'buildah']

/** apt-get install, only as root on Debian and only when asked; returns what went wrong, if anything. */
function installDebianPackages(log: (l: string) => void): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root, so apt-get was not run'
  if (!existsSync('/etc/debian_version') || !has('apt-get')) return 'not a Debian system with apt-get'
  log(`         installing ${PACKAGES.join(', ')} with apt-get (root on Debian; --install=false skips this)`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const up = spawnSync('apt-get', ['update', '-qq'], { env, encoding: 'utf8', timeout: 600_000 })
  if (up.status !== 0) return `apt-get update failed: ${(up.stderr ?? '').trim().split('\n').pop()}`
  const inst = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], { env, encoding: 'utf8', timeout: 900_000 })
  if (inst.status !== 0) return `apt-get install failed: ${(inst.stderr ?? '').trim().split('\n').pop()}`
  return undefined
}

async function startReal(tk: Testkit): Promise<Piece<RegistryHandle>> {
  const registry = await tk.startRegistry()
  const store = typeof tk.createBuildahSandbox === 'function' ? tk.createBuildahSandbox() : undefined
  const handle: RegistryHandle = {
    path: 'real',
    registry,
    env: { ...(store?.env ?? {}) },
    async close() {
      await registry.close()
      store?.remove()
    }
  }
  return { available: true, handle, describe: [`OCI registry         ${registry.url} (docker-registry, real; images built by buildah)`] }
}

async function startInProcess(tk: Testkit): Promise<Piece<RegistryHandle>> {
  const missing = missingExports(tk, ['writeOciImage', 'pushOciImage', 'filesFromDirectory'])
  if (missing.length) return unavailable(`testkit/oci has no ${missing.join(', ')} in this build`) as Piece<RegistryHandle>
  const registry = await startMemoryRegistry()
  const handle: RegistryHandle = { path: 'in-process', registry, env: {}, close: () => registry.close() }
  return { available: true, handle, describe: [`OCI registry         ${registry.url} (in-process registry; image written by testkit's OCI writer, pushed over the registry protocol)`] }
}

export async function startRegistryPiece(tk: Testkit, choice: RegistryChoice, install: boolean, log: (l: string) => void): Promise<Piece<RegistryHandle>> {
  if (choice === 'in-process') return startInProcess(tk)
  let missingBins = REAL_BINS.filter((b) => !has(b))
  let why = ''
  if (missingBins.length && install) {
    const failed = installDebianPackages(log)
    if (failed) why = failed
    missingBins = REAL_BINS.filter((b) => !has(b))
  } else if (missingBins.length) why = '--install=false'
  if (missingBins.length === 0 && typeof tk.startRegistry === 'function') return startReal(tk)
  const reason = `${missingBins.join(', ') || 'testkit startRegistry'} missing${why ? ` (${why})` : ''}`
  if (choice === 'real') return unavailable(`the real registry was asked for but ${reason}`) as Piece<RegistryHandle>
  log(`         real registry not available: ${reason}; using the in-process OCI writer`)
  return startInProcess(tk)
}
