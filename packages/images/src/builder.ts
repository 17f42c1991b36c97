import { GpushipError } from '@gpuship/core'

/** The `builder` input: docker buildx, buildah, or `auto` (see builder-manager). Here, not there, so input validation loads no builder code. */
export type BuilderChoice = 'auto' | 'docker' | 'buildah'
export const BUILDER_CHOICES: readonly BuilderChoice[] = ['auto', 'docker', 'buildah']

/** What every builder (docker buildx, buildah) is asked to do; the manager picks one. */
export interface RegistryLogin {
  registry: string
  username: string
  password: string
  /** false for a plain-http registry (loopback tests); ECR is always TLS. */
  tls: boolean
}

export type CacheSpec = { type: 'none' } | { type: 'gha'; scope?: string } | { type: 'registry'; ref?: string }

export interface BuildRequest {
  context: string
  dockerfile: string
  /** Full references: registry/repository:tag. The first is the one the digest is resolved for. */
  tags: string[]
  buildArgs: Record<string, string>
  platforms: string[]
  cache: CacheSpec
  labels: Record<string, string>
}

export interface BuildResult {
  /** The digest the builder says it pushed, when it tells (buildah --digestfile, buildx metadata). */
  digest?: string
}

export interface Builder {
  readonly kind: 'docker' | 'buildah'
  login(login: RegistryLogin): Promise<void>
  buildAndPush(req: BuildRequest): Promise<BuildResult>
  /** Deletes credentials and temporary storage; always called, also after a failure. */
  cleanup(): Promise<void>
}

export function parseBuildArgs(lines: string[], input = 'build-args'): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of lines) {
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq).trim() : ''
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new GpushipError(`Invalid ${input} entry '${line}'. Expected NAME=value, one per line.`, {
        input,
        hint: `e.g.\n  ${input}: |\n    TRITON_VERSION=24.08\n    MODEL=resnet50`
      })
    }
    out[key] = line.slice(eq + 1)
  }
  return out
}
