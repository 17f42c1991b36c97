import { GpushipError } from '@gpuship/core'

/**
 * Decides, from which requested tags already exist, whether to build and which tags to push.
 * A rebuild is a no-op only when EVERY tag exists (adding `triton-24.09` beside the commit SHA
 * still builds). ECR refuses to move an immutable tag, so in an immutable repository only the new
 * tags are pushed and the old ones keep their image; with nothing new to push it refuses up front.
 * Pure: tested table-driven.
 */
export interface TagPlan {
  skip: boolean
  /** Tags the build is pushed as (all requested tags when skipping). */
  pushTags: string[]
  warnings: string[]
}

export function planTags(
  tags: string[],
  existing: Map<string, string>,
  o: { repository: string; skipIfExists: boolean; force: boolean; immutable: boolean }
): TagPlan {
  const warnings: string[] = []
  if (existing.size === tags.length && o.skipIfExists && !o.force) {
    const digests = new Set(existing.values())
    if (digests.size > 1) {
      warnings.push(
        `The tags point at different images (${[...existing].map(([t, d]) => `${t}=${d}`).join(', ')}); using ${tags[0]}. Set force: true to rebuild and retag.`
      )
    }
    return { skip: true, pushTags: tags, warnings }
  }
  if (existing.size === 0 || !o.immutable) return { skip: false, pushTags: tags, warnings }
  const pushTags = tags.filter((t) => !existing.has(t))
  const kept = [...existing].map(([t, d]) => `${t} (${d})`).join(', ')
  if (pushTags.length === 0) {
    const one = existing.size === 1
    throw new GpushipError(
      `${kept} already exist${one ? 's' : ''} and repository '${o.repository}' has immutable tags, so ${one ? 'it' : 'they'} cannot be pushed again.`,
      {
        input: o.force ? 'force' : 'tags',
        hint: 'Add a new tag (the default is the commit SHA; e.g. tags: ${{ github.sha }}-${{ github.run_attempt }}), or set skip-if-exists: true to reuse the existing image.'
      }
    )
  }
  warnings.push(`Immutable repository: ${kept} keep their image; the new build is pushed as ${pushTags.join(', ')}.`)
  return { skip: false, pushTags, warnings }
}
