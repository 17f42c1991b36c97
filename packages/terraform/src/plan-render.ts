import { escapeHtml, escapeMarkdown, fitTo, inlineCode, codeBlock, table } from '@gpuship/core'
import { attributeDiff, diffLines, SENSITIVE, UNKNOWN } from './plan-diff.js'
import { sensitiveRedactor } from './plan-secrets.js'
import { kindOf, reasonText, type Change, type Kind, type PlanJson, type ResourceChange } from './plan-model.js'
import { isDestructive, reviewable, summarizePlan, summaryLine, type PlanSummary } from './plan-summary.js'

/** GitHub rejects an issue comment body longer than this many characters. */
export const COMMENT_LIMIT = 65_536

export interface RenderOptions {
  /** Heading, e.g. "Terraform plan for `infra/prod`"; built by the caller from escaped parts. */
  heading?: string
  /** Characters the whole result may take; detail is cut first, never the summary or a destroy/replace line. */
  limit?: number
  /** Markdown telling where the full plan is (job summary link, artifact name), shown when detail was cut. */
  restLocation?: string
  /** Markdown appended after everything (hash, run link); counted in `limit`. */
  footer?: string
}

export interface RenderedPlan {
  markdown: string
  truncated: boolean
  summary: PlanSummary
}

const SECTIONS: [Kind, string, string][] = [
  ['delete', 'To destroy', '🗑️'],
  ['replace', 'To replace', '♻️'],
  ['create', 'To add', '➕'],
  ['update', 'To change', '✏️'],
  ['forget', 'To forget (removed from state, kept in AWS)', '📤'],
  ['no-op', 'Moved or imported without other changes', '↪️']
]

/** A collapsed section titled by an address: HTML-escaped and inside <code>, where GitHub links no @mention. */
function addressDetails(address: string, body: string): string {
  return `<details><summary><code>${escapeHtml(address)}</code></summary>\n\n${body}\n\n</details>`
}

function code(text: string): string {
  return inlineCode(text)
}

function extras(rc: ResourceChange): string {
  const bits: string[] = []
  if (rc.change.importing) bits.push(`import id ${code(rc.change.importing.id ?? '(identity)')}`)
  if (rc.previous_address && rc.previous_address !== rc.address) bits.push(`moved from ${code(rc.previous_address)}`)
  if (rc.deposed) bits.push(`deposed object ${code(rc.deposed)}`)
  const why = reasonText(rc.action_reason)
  if (why) bits.push(escapeMarkdown(why))
  return bits.join('; ')
}

function forcing(rc: ResourceChange): string {
  const paths = (rc.change.replace_paths ?? []).map((p) => p.join('.')).filter(Boolean)
  return paths.length ? ` (forced by ${paths.map(code).join(', ')})` : ''
}

/** The lines that must survive every cut: one per destroy and replacement. */
function destructiveLines(changes: ResourceChange[]): string[] {
  return changes
    .filter((rc) => ['delete', 'replace'].includes(kindOf(rc.change.actions)))
    .map((rc) => {
      const k = kindOf(rc.change.actions)
      const why = reasonText(rc.action_reason)
      const label = k === 'delete' ? '🗑️ **destroy**' : `♻️ **replace** (${rc.change.actions.join(' then ')})`
      return `- ${label} ${code(rc.address)}${why ? ` — ${escapeMarkdown(why)}` : ''}${k === 'replace' ? forcing(rc) : ''}`
    })
}

type Redact = (rendered: string) => string | undefined

function diffBlock(change: Change, redact: Redact): string {
  const lines = diffLines(attributeDiff(change, redact))
  return lines.length ? codeBlock(lines.join('\n'), 'diff') : '_No attribute changes._'
}

function resourceSection(title: string, icon: string, changes: ResourceChange[], redact: Redact, budget = Number.POSITIVE_INFINITY): string {
  const rows = changes.map((rc) => [code(rc.address), rc.type ? code(rc.type) : '', extras(rc)])
  const body = [`#### ${icon} ${title} (${changes.length})`, table(['Resource', 'Type', 'Notes'], rows, { raw: true })]
  let used = body[0].length + body[1].length
  for (const rc of changes) {
    if (used > budget) break
    const d = addressDetails(rc.address, diffBlock(rc.change, redact))
    used += d.length + 2
    body.push(d)
  }
  return body.join('\n\n')
}

function outputValue(v: unknown, sensitive: unknown, unknown: unknown, redact: Redact): string {
  if (sensitive === true) return SENSITIVE
  if (unknown === true) return UNKNOWN
  if (v === undefined || v === null) return 'null'
  const s = JSON.stringify(v)
  if (redact(s)) return SENSITIVE
  return s.length > 200 ? `${s.slice(0, 197)}...` : s
}

function outputsSection(plan: PlanJson, redact: Redact): string {
  const rows: string[][] = []
  for (const [name, oc] of Object.entries(plan.output_changes ?? {})) {
    const k = kindOf(oc.actions)
    if (k === 'no-op') continue
    const before = k === 'create' ? '' : outputValue(oc.before, oc.before_sensitive, undefined, redact)
    const after = k === 'delete' ? '' : outputValue(oc.after, oc.after_sensitive, oc.after_unknown, redact)
    rows.push([code(name), k, before ? code(before) : '', after ? code(after) : ''])
  }
  return rows.length ? `#### Outputs (${rows.length})\n\n${table(['Output', 'Change', 'Before', 'After'], rows, { raw: true })}` : ''
}

function driftSection(plan: PlanJson, redact: Redact): string {
  const drifted = (plan.resource_drift ?? []).filter((rd) => kindOf(rd.change.actions) !== 'no-op')
  if (!drifted.length) return ''
  const rows = drifted.map((rd) => [code(rd.address), kindOf(rd.change.actions) === 'delete' ? 'deleted outside Terraform' : 'changed outside Terraform'])
  const body = [`#### 🌊 Changed outside Terraform (${drifted.length})`, table(['Resource', 'What happened'], rows, { raw: true })]
  for (const rd of drifted) body.push(addressDetails(rd.address, diffBlock(rd.change, redact)))
  return body.join('\n\n')
}

/**
 * Renders a plan from its JSON. Every untrusted string (addresses, values, output names) goes
 * through inline code, code blocks or HTML escaping; nothing is taken from plan text.
 */
export function renderPlan(plan: PlanJson, opts: RenderOptions = {}): RenderedPlan {
  const summary = summarizePlan(plan)
  const changes = reviewable(plan.resource_changes)
  const footer = opts.footer ? `\n\n${opts.footer}` : ''
  const limit = (opts.limit ?? Number.POSITIVE_INFINITY) - footer.length

  const keep: string[] = []
  if (opts.heading) keep.push(opts.heading)
  // The summary line is built from numbers and fixed words only: nothing in it to escape.
  keep.push(`**${summaryLine(summary)}**`)
  if (summary.errored) keep.push('> [!WARNING]\n> Terraform marked this plan as errored or not applyable; see the log.')
  if (isDestructive(summary)) {
    const lines = destructiveLines(changes)
    let callout = `> [!CAUTION]\n> **${summary.counts.destroy} to destroy, ${summary.counts.replace} to replace:**\n${lines.map((l) => `> ${l}`).join('\n')}`
    // Thousands of destroys cannot all fit with their reasons: keep every address, drop the prose.
    if (callout.length > limit / 2) {
      const compact = changes.filter((rc) => ['delete', 'replace'].includes(kindOf(rc.change.actions))).map((rc) => `${kindOf(rc.change.actions) === 'delete' ? '-' : '±'}${code(rc.address)}`)
      callout = `> [!CAUTION]\n> **${summary.counts.destroy} to destroy (-), ${summary.counts.replace} to replace (±):** ${compact.join(' ')}`
    }
    keep.push(callout)
  }

  const redact = sensitiveRedactor(plan)
  const cuttable: string[] = []
  // Detail past the limit would be cut anyway: stop rendering it (a 10,000-resource comment
  // render then costs what the first few hundred resources cost).
  let budget = Number.isFinite(limit) ? limit * 1.5 : Number.POSITIVE_INFINITY
  for (const [kind, title, icon] of SECTIONS) {
    const of = changes.filter((rc) => kindOf(rc.change.actions) === kind)
    if (!of.length) continue
    const section = resourceSection(title, icon, of, redact, budget)
    budget -= section.length
    cuttable.push(section)
    if (budget <= 0) break
  }
  const outs = outputsSection(plan, redact)
  if (outs) cuttable.push(outs)
  const drift = driftSection(plan, redact)
  if (drift) cuttable.push(drift)

  const keepText = keep.join('\n\n')
  const cutText = cuttable.join('\n\n')
  const note = `> [!NOTE]\n> This plan is too large to show in full here. ${opts.restLocation ?? 'The full plan is in the job summary and the log.'}`
  const body = fitTo(keepText, cutText, limit, note)
  const truncated = body.length < keepText.length + cutText.length + (cutText ? 2 : 0)
  return { markdown: `${body}${footer}`, truncated, summary }
}

/** A short heading for a root: label, working directory and workspace, each escaped. */
export function planHeading(meta: { label?: string; workingDirectory?: string; workspace?: string }, title = 'Terraform plan'): string {
  const bits = [meta.label ? code(meta.label) : '', meta.workingDirectory ? `in ${code(meta.workingDirectory)}` : '', meta.workspace && meta.workspace !== 'default' ? `workspace ${code(meta.workspace)}` : '']
  return `### ${escapeHtml(title)} ${bits.filter(Boolean).join(' ')}`.trim()
}
