import { codeBlock, escapeMarkdown, formatError, inlineCode } from '@gpuship/core'
import { compactChangeMap } from './plan-compare.js'
import { COMMENT_LIMIT, planHeading, renderPlan } from './plan-render.js'
import { markerText, type CommentKey, type PlanMarker } from './pr-comment.js'
import type { PlannedRoot } from './root-session.js'
import { formatAge, type LockInfo, TerraformError } from './tf-errors.js'

/**
 * The bodies of the sticky PR comment: plan, plan failure, apply result, refusal. Each starts
 * with the hidden marker (key, hash, status) and stays under GitHub's comment limit.
 */
export interface CommentContext {
  runUrl?: string
  sha?: string
  artifact?: string
  /** Where the full plan is when the comment is cut ("the job summary", an artifact). */
  planDir?: string
}

function footer(hash: string, version: string | undefined, c: CommentContext): string {
  const bits = [`Plan hash ${inlineCode(hash)}`]
  if (version) bits.push(`terraform ${escapeMarkdown(version)}`)
  if (c.sha) bits.push(`commit ${inlineCode(c.sha.slice(0, 12))}`)
  if (c.runUrl) bits.push(`[run](${encodeURI(c.runUrl)})`)
  return `<sub>${bits.join(' · ')}</sub>`
}

function rest(c: CommentContext): string {
  const where: string[] = []
  if (c.runUrl) where.push(`the [job summary](${encodeURI(c.runUrl)})`)
  else where.push('the job summary')
  if (c.artifact) where.push(`the artifact ${inlineCode(c.artifact)} (plan file and its JSON)`)
  else if (c.planDir) where.push(`${inlineCode(c.planDir)} (plan file and its JSON)`)
  return `Every change is listed in ${where.join(' and ')}.`
}

export function planComment(p: PlannedRoot, key: CommentKey, version: string | undefined, c: CommentContext, status: PlanMarker['status'] = p.summary.changes ? 'planned' : 'no-changes', banner?: string): string {
  const marker: PlanMarker = { v: 1, key, hash: p.hash, status, counts: p.summary.counts, changes: compactChangeMap(p.plan), run: c.runUrl?.split('/').pop(), sha: c.sha }
  const head = markerText(marker)
  const heading = [planHeading({ label: key.label, workingDirectory: key.dir, workspace: key.workspace }), banner].filter(Boolean).join('\n\n')
  const r = renderPlan(p.plan, { heading, limit: COMMENT_LIMIT - head.length - 64, restLocation: rest(c), footer: footer(p.hash, version, c) })
  return `${head}\n${r.markdown}`
}

export function lockMarkdown(lock: LockInfo): string {
  const rows = [
    ['Lock ID', inlineCode(lock.id)],
    ['Holder', inlineCode(lock.who ?? 'unknown')],
    ['Operation', inlineCode(lock.operation ?? 'unknown')],
    ['Created', `${inlineCode(lock.created ?? 'unknown')} (${formatAge(lock.ageMs)} ago)`],
    ['Path', inlineCode(lock.path ?? 'unknown')]
  ]
  return `| | |\n| --- | --- |\n${rows.map(([a, b]) => `| ${a} | ${b.replace(/\|/g, '\\|')} |`).join('\n')}`
}

/** A failure in the comment: the error and its fix verbatim in a code block, so nothing in it is Markdown. */
export function failureComment(key: CommentKey, err: unknown, c: CommentContext, title: string, status: PlanMarker['status'], hash = 'none', redact: (s: string) => string = (s) => s): string {
  const marker: PlanMarker = { v: 1, key, hash, status, run: c.runUrl?.split('/').pop(), sha: c.sha }
  const parts = [markerText(marker), planHeading({ label: key.label, workingDirectory: key.dir, workspace: key.workspace }, title)]
  if (err instanceof TerraformError && err.lock) parts.push('**The state is locked.**', lockMarkdown(err.lock))
  const text = redact(formatError(err))
  parts.push(codeBlock(text.length > 20_000 ? `${text.slice(0, 20_000)}\n…` : text))
  if (c.runUrl) parts.push(`See the [run log](${encodeURI(c.runUrl)}).`)
  return parts.join('\n\n')
}

const STATUS_START = '<!-- gpuship:apply-status -->'
const STATUS_END = '<!-- /gpuship:apply-status -->'

/**
 * Puts an apply status section under the heading of an existing plan comment, replacing an
 * earlier one, keeping the marker (and so the reviewed hash) as it was. Used when apply refuses
 * or fails: the reviewed plan stays the record.
 */
export function withStatusSection(body: string, section: string, limit = COMMENT_LIMIT): string {
  const cleaned = body.replace(new RegExp(`\\n?${STATUS_START}[\\s\\S]*?${STATUS_END}\\n?`, 'g'), '\n')
  const nl = cleaned.indexOf('\n')
  const first = nl < 0 ? cleaned : cleaned.slice(0, nl)
  let rest = nl < 0 ? '' : cleaned.slice(nl + 1)
  let block = `${STATUS_START}\n${section}\n${STATUS_END}`
  if (first.length + block.length + rest.length + 2 > limit) {
    const room = limit - first.length - rest.length - STATUS_START.length - STATUS_END.length - 40
    if (room > 2000) block = `${STATUS_START}\n${section.slice(0, room)}\n…\n${STATUS_END}`
    else rest = rest.slice(0, Math.max(0, limit - first.length - block.length - 80)) + '\n\n_(plan detail cut; see the plan run)_'
  }
  return `${first}\n${block}\n${rest}`
}

/** Replaces the status in a comment's marker, leaving key and hash alone. */
export function withMarkerStatus(body: string, marker: PlanMarker, status: PlanMarker['status']): string {
  const nl = body.indexOf('\n')
  return `${markerText({ ...marker, status })}${nl < 0 ? '' : body.slice(nl)}`
}

/** "Apply complete! Resources: 1 added, 0 changed, 2 destroyed." read as numbers, so no terraform text reaches Markdown. */
export function applyCounts(output: string): { added: number; changed: number; destroyed: number } | undefined {
  const m = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(output)
  return m ? { added: Number(m[1]), changed: Number(m[2]), destroyed: Number(m[3]) } : undefined
}
