import type * as Core from '@actions/core'
import { SummaryBuilder, failAction, formatDuration, formatError, isGpushipError, table, inlineCode, escapeMarkdown, type Masker } from '@gpuship/core'
import type { BuildPushResult } from '@gpuship/images'
import type { Inputs } from './inputs.js'

/** The job summary: what was pushed (or reused) by digest, the checks it passed, and how long each phase took. */
export function renderSummary(r: BuildPushResult): string {
  const s = new SummaryBuilder().heading(`ecr-build-push: ${r.skipped ? 'reused' : 'pushed'} ${r.repository}`)
  s.raw(
    table(
      ['output', 'value'],
      [
        ['image', inlineCode(r.image)],
        ['digest', inlineCode(r.digest)],
        ['tags', r.tags.map((t) => inlineCode(t)).join(' ')],
        ['registry', inlineCode(r.registry)],
        ['skipped', r.skipped ? 'yes: the tag existed, no build (force: true rebuilds)' : 'no']
      ],
      { raw: true }
    )
  )
  const checks = [
    r.models
      ? `Triton model repository valid: ${r.models.models.map((m) => `${m.name} [${m.versions.join(',')}]`).join(', ')}`
      : 'No model repository in the context (validation skipped)',
    `Digest agreed by the registry (manifest HEAD) and ECR DescribeImages`,
    r.repositoryCreated ? 'Repository created (immutable tags, scan on push)' : 'Repository existed',
    ...(r.builder ? [`Built with ${r.builder}`] : [])
  ]
  s.list(checks)
  if (r.scan) {
    const counts = Object.entries(r.scan.result.counts)
    s.paragraph(
      `Scan ${r.scan.result.status}: ${counts.length ? counts.map(([k, v]) => `${v} ${k}`).join(', ') : 'no findings'}; gate ${r.scan.verdict.passed ? 'passed' : 'failed'}.`
    )
  }
  s.table(
    ['phase', 'duration'],
    r.phases.map((p) => [p.name, formatDuration(p.ms)])
  )
  return s.toString()
}

export function renderFailureSummary(err: unknown, inputs?: Inputs): string {
  const s = new SummaryBuilder().heading(`ecr-build-push failed${inputs ? `: ${inputs.repository}` : ''}`)
  const message = err instanceof Error ? err.message : String(err)
  s.code(message)
  if (isGpushipError(err) && err.hint) s.raw(`**Fix:** ${escapeMarkdown(err.hint)}`)
  if (isGpushipError(err) && err.input) s.raw(`Input: ${inlineCode(err.input)}`)
  const scan = (err as { scan?: BuildPushResult['scan'] }).scan
  if (scan) {
    const worst = scan.result.findings.slice(0, 20).map((f) => [f.severity, f.name, f.uri ?? ''])
    s.table(
      ['severity', 'count'],
      Object.entries(scan.result.counts).map(([k, v]) => [k, String(v)])
    )
    if (worst.length) s.details(`Findings (${scan.result.findings.length})`, table(['severity', 'finding', 'link'], worst))
  }
  return s.toString()
}

/** Fails the step: the failure summary (best effort), the stack of an unexpected error in debug, then the error. */
export async function reportFailure(core: typeof Core, err: unknown, inputs: Inputs | undefined, masker?: Masker): Promise<void> {
  const redact = (t: string) => (masker ? masker.redact(t) : t)
  try {
    await core.summary.addRaw(redact(renderFailureSummary(err, inputs)), true).write()
  } catch {
    /* the summary is best effort; the failure below is what matters */
  }
  if (!isGpushipError(err)) core.debug(redact(String((err as Error)?.stack ?? formatError(err))))
  failAction(core, err, redact)
}
