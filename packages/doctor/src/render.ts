import { codeBlock, details, escapeCell, escapeMarkdown, inlineCode, SummaryBuilder } from '@gpuship/core'
import type { Finding } from './finding.js'
import type { Report } from './diagnose.js'

const ICON = { error: '🔴 error', warning: '🟠 warning', info: 'ℹ️ info' } as const

/** JSON evidence is untrusted (pod messages, names): it only ever appears inside a code block. */
function findingDetails(f: Finding): string {
  const parts = [escapeMarkdown(f.fix.text)]
  if (f.fix.command) parts.push(codeBlock(f.fix.command, 'sh'))
  if (f.fix.terraform) parts.push(codeBlock(f.fix.terraform, 'hcl'))
  parts.push(`Evidence:\n\n${codeBlock(JSON.stringify(f.evidence, null, 2), 'json')}`)
  return details(`${f.rule} · ${f.resource}`, parts.join('\n\n'))
}

/** The job summary: a table of findings (every cell escaped), then each fix with its evidence. */
export function renderSummary(report: Report, opts: { runbookBase?: string } = {}): string {
  const s = new SummaryBuilder()
  s.heading(`EKS doctor: ${report.cluster} (${report.region})`)
  const { error, warning, info } = report.counts
  const read = Object.entries(report.inventory ?? {})
    .map(([k, v]) => `${v} ${k.replace(/([A-Z])/g, ' $1').toLowerCase()}`)
    .join(', ')
  if (report.findings.length === 0) {
    s.paragraph(`No findings: ${report.rules.length} rules ran against the cluster's AWS and Kubernetes state read at ${report.readAt} (${read}).`)
  } else {
    s.paragraph(`${error} error(s), ${warning} warning(s), ${info} info from ${report.rules.length} rules, read at ${report.readAt} (${read}).`)
    const base = opts.runbookBase
    const rows = report.findings.map((f) => {
      const rule = base ? `[${escapeCell(f.rule)}](${encodeURI(`${base}/${f.rule}.md`)})` : inlineCode(f.rule).replace(/\|/g, '\\|')
      return `| ${ICON[f.severity]} | ${rule} | ${escapeCell(f.resource)} | ${escapeCell(f.message)} |`
    })
    s.raw(['| severity | rule | resource | finding |', '| --- | --- | --- | --- |', ...rows].join('\n'))
    s.raw(report.findings.map(findingDetails).join('\n\n'))
  }
  if (report.readErrors.length) {
    s.raw(
      details(
        `${report.readErrors.length} read(s) failed: the rules that need them could not judge`,
        report.readErrors.map((r) => `- ${inlineCode(r.call)}: ${escapeMarkdown(r.error)}`).join('\n')
      )
    )
  }
  return s.toString()
}

/** Plain text for a terminal: one block per finding. Terminal output is not Markdown: no escaping needed, but control characters are stripped. */
export function renderText(report: Report): string {
  const clean = (t: string) => t.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '')
  const lines = [
    `EKS doctor: ${report.cluster} (${report.region}): ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.info} info`
  ]
  if (report.findings.length === 0) lines.push(`No findings (${report.rules.length} rules).`)
  for (const f of report.findings) {
    lines.push('', `[${f.severity}] ${f.rule} ${clean(f.resource)}`, `  ${clean(f.message)}`, `  fix: ${clean(f.fix.text)}`)
    if (f.fix.command)
      lines.push(
        ...clean(f.fix.command)
          .split('\n')
          .map((l) => `    $ ${l}`)
      )
    lines.push(`  runbook: ${f.runbook}`)
  }
  for (const r of report.readErrors) lines.push(`read failed: ${r.call}: ${clean(r.error)}`)
  return `${lines.join('\n')}\n`
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
