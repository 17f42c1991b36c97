/** Starts every piece of the world this build has, in dependency order, and closes them in reverse. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NAMES, startPiece, type World, type WorldOptions, type Piece } from '../world.js'
import { startAws, startOidc } from './identity.js'
import { startRegistryPiece } from './registry.js'
import { startGithub } from './github.js'
import { startKube } from './kube.js'
import { startTerraform } from './terraform.js'

export async function startWorld(opts: WorldOptions): Promise<World> {
  const tk = (await import('@gpuship/testkit')) as Record<string, any>
  const dir = mkdtempSync(join(tmpdir(), 'gpuship-sandbox-'))
  const names = { ...NAMES }
  const oidc = await startPiece('OIDC issuer', () => startOidc(tk, names))
  const aws = await startPiece('AWS simulator', () => startAws(tk, names, oidc))
  const registry = await startPiece('registry', () => startRegistryPiece(tk, opts.registry, opts.install, opts.log))
  // ECR's images live in the registry: GetAuthorizationToken and proxyEndpoint hand out its URL and credentials.
  const reg = registry.handle as { registry?: { url: string; username: string; password: string } } | undefined
  const sim = (aws.handle as { sim?: unknown } | undefined)?.sim
  if (reg?.registry && sim && typeof tk.attachEcrRegistry === 'function') tk.attachEcrRegistry(sim, reg.registry)
  const kube = await startPiece('Kubernetes simulator', () => startKube(tk, names, opts.scenario, aws, dir))
  const github = await startPiece('GitHub simulator', () => startGithub(tk, names))
  const terraform = await startPiece('terraform stand-in', () => startTerraform(tk, names, opts.scenario))
  const pieces = { oidc, aws, github, kube, registry, terraform }
  return {
    pieces,
    dir,
    names,
    async close() {
      for (const p of [terraform, github, kube, registry, aws, oidc] as Piece<any>[]) {
        const h = p.handle
        if (!h) continue
        try {
          if (typeof h.close === 'function') await h.close()
          else if (typeof h.sim?.close === 'function') await h.sim.close()
          else if (typeof h.issuer?.close === 'function') await h.issuer.close()
        } catch {
          /* closing is best effort; the temp folder goes regardless */
        }
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
