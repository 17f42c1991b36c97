import { GpushipError, retry, type Logger } from '@gpuship/core'
import { checkDigestsAgree, resolveRegistryDigest, type EcrClient, type EcrLogin, type RegistryOptions } from '@gpuship/aws'

/**
 * The digest the next step deploys, agreed by three witnesses: the registry (manifest HEAD with
 * the ECR token), ECR DescribeImages, and the builder's own report when it gave one. Any
 * disagreement stops the pipeline with DigestMismatch.
 */
const NOT_LISTED = 'image not listed by DescribeImages yet'

export interface DigestCheck {
  login: EcrLogin
  ecr: EcrClient
  repository: string
  tag: string
  /** Known from the tag lookup (skip path): no second HEAD. */
  known?: string
  /** What the builder said it pushed. */
  pushed?: string
  /** true right after a push: ECR may need a moment to list the image. */
  justPushed: boolean
  registry: RegistryOptions & { logger?: Logger }
  sleep?: (ms: number) => Promise<void>
}

export async function resolveVerifiedDigest(c: DigestCheck): Promise<string> {
  const image = `${c.login.registry}/${c.repository}:${c.tag}`
  const head = c.known ? { digest: c.known } : await resolveRegistryDigest(c.login, c.repository, c.tag, c.registry)
  if (!head) {
    throw new GpushipError(`The registry does not serve ${image} after the push.`, {
      code: 'DigestMismatch',
      hint: 'The push did not reach this registry; check the build log and the registry endpoint.'
    })
  }
  if (c.pushed && c.pushed !== head.digest) checkDigestsAgree(image, head.digest, c.pushed)
  const described = c.justPushed
    ? await retry(
        async () => {
          const d = await c.ecr.describeImage(c.repository, { tag: c.tag })
          if (!d) throw Object.assign(new Error(NOT_LISTED), { retryable: true })
          return d
        },
        { maxAttempts: 4, baseMs: 1000, maxMs: 4000, sleep: c.sleep, label: 'DescribeImages after push' }
      ).catch((e: unknown) => {
        // Only "not listed yet" becomes a mismatch; AccessDenied and the like propagate as they are.
        if (e instanceof Error && e.message === NOT_LISTED) return undefined
        throw e
      })
    : await c.ecr.describeImage(c.repository, { tag: c.tag })
  checkDigestsAgree(image, head.digest, described?.digest)
  return head.digest
}
