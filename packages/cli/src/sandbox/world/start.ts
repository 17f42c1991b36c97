/** Starts every piece of the world this build has, in dependency order, and closes them in reverse. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NAMES, startPiece, type World, type WorldOptions } from '../world.js'
import { startAws, startOidc, type AwsHandle, type OidcHandle } from './identity.js'
import { startRegistryPiece, type RegistryHandle } from './registry.js'
import { startGithub, type GithubHandle } from './github.js'
import { startKube, type KubeHandle } from './kube.js'
import { startTerraform, type TerraformHandle } from './terraform.js'

export async function startWorld(opts: WorldOptions): Promise<World> {
  const tk = (await import('@gpuship/testkit')) as typeof import('@gpuship/testkit')
  const dir = mkdtempSync(join(tmpdir(), 'gpuship-sandbox-'))
  const names = { ...NAMES }
  const oidc = await startPiece('OIDC issuer', () => startOidc(tk, names))
  const aws = await startPiece('AWS simulator', () => startAws(tk, names, oidc))
  const registry = await startPiece('registry', () => startRegistryPiece(tk, opts.registry, opts.install, opts.log))
  // ECR's images live in the registry: GetAuthorizationToken and proxyEndpoint hand out its URL and credentials.
  const reg = registry.handle as RegistryHandle | undefined
  const sim = (aws.handle as AwsHandle | undefined)?.sim
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
      const closers: (() => Promise<void>)[] = [
        () => (terraform.handle as TerraformHandle | undefined)?.close() ?? Promise.resolve(),
        () => (github.handle as GithubHandle | undefined)?.close() ?? Promise.resolve(),
        () => (kube.handle as KubeHandle | undefined)?.close() ?? Promise.resolve(),
        () => (registry.handle as RegistryHandle | undefined)?.close() ?? Promise.resolve(),
        () => (aws.handle as AwsHandle | undefined)?.sim.close() ?? Promise.resolve(),
        () => (oidc.handle as OidcHandle | undefined)?.issuer.close() ?? Promise.resolve()
      ]
      for (const close of closers) {
        try {
          await close()
        } catch {
          /* closing is best effort; the temp folder goes regardless */
        }
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
