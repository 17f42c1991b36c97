import { SummaryBuilder, codeBlock, escapeMarkdown, formatDuration, inlineCode, mermaidText, table } from '@gpuship/core'
import type { HpaResult, PodInfo, RolloutCause, TimelineEntry } from '@gpuship/kube'

export interface RolloutReport {
  namespace: string
  name: string
  outcome: 'succeeded' | 'failed' | 'rolled-back'
  oldImage?: string
  newImage: string
  resolvedFrom?: string
  previousRevision?: string
  revision?: string
  readyReplicas?: number
  durationMs: number
  apiRequests: number
  cause?: RolloutCause
  /** A failure that is not a rollout cause (gates, HPA, apply). */
  error?: { message: string; hint?: string }
  pods: PodInfo[]
  nodes: { name: string; instanceType: string; gpus: string }[]
  timeline: TimelineEntry[]
  hpa?: HpaResult
  gatesMarkdown?: string
  rollback?: { toRevision: string; image?: string; healthy: boolean; error?: string }
  applied: string[]
}

/** The Mermaid gantt of the rollout: one milestone per timeline entry, grouped by phase. */
export function timelineChart(title: string, entries: TimelineEntry[]): string {
  if (entries.length === 0) return ''
  const t0 = entries[0].atMs
  const lines = ['gantt', `  title ${mermaidText(title)}`, '  dateFormat x', '  axisFormat %M:%S']
  let section = ''
  entries.forEach((e, i) => {
    if (e.phase !== section) {
      section = e.phase
      lines.push(`  section ${mermaidText(e.phase)}`)
    }
    lines.push(`  ${mermaidText(e.text) || 'event'} :milestone, e${i}, ${e.atMs - t0}, 0ms`)
  })
  return lines.join('\n')
}

export function renderSummary(r: RolloutReport): string {
  const s = new SummaryBuilder()
  const verdict = r.outcome === 'succeeded' ? '✅ rolled out' : r.outcome === 'rolled-back' ? '↩️ failed and rolled back' : '❌ failed'
  s.heading(`Triton rollout ${r.namespace}/${r.name}: ${verdict}`)
  const rows = [
    [
      'Image',
      `${r.oldImage ? `${inlineCode(r.oldImage)} → ` : ''}${inlineCode(r.newImage)}${r.resolvedFrom ? ` (resolved from ${inlineCode(r.resolvedFrom)})` : ''}`
    ],
    ['Revision', `${r.previousRevision ? `${escapeMarkdown(r.previousRevision)} → ` : ''}${escapeMarkdown(r.revision ?? '?')}`],
    ['Ready replicas', String(r.readyReplicas ?? 0)],
    ['Duration', escapeMarkdown(formatDuration(r.durationMs))],
    ['API requests', String(r.apiRequests)]
  ]
  s.raw(table(['', ''], rows, { raw: true }))
  if (r.cause || r.error) {
    s.heading('Cause', 3)
    const c = r.cause
    s.paragraph(c ? c.summary : r.error!.message)
    if (c?.detail) s.raw(codeBlock(c.detail))
    if (c?.gpus?.length)
      s.table(
        ['Node', 'nvidia.com/gpu allocatable', 'requested', 'free', 'device plugin'],
        c.gpus.map((g) => [g.node, String(g.allocatable), String(g.requested), String(g.free), g.devicePlugin ? 'running' : 'not running'])
      )
    if (c?.taints?.length) s.list(c.taints.map((t) => `taint ${t}`))
    if (c?.logs?.length) s.raw(`Last log lines of ${inlineCode(c.pod ?? '')}:\n\n${codeBlock(c.logs.join('\n'))}`)
    const hint = c?.hint ?? r.error?.hint
    if (hint) s.raw(`**Fix:** ${escapeMarkdown(hint)}`)
  }
  if (r.rollback) {
    s.heading('Rollback', 3)
    s.paragraph(
      r.rollback.error
        ? `Rollback to revision ${r.rollback.toRevision} failed: ${r.rollback.error}`
        : `Rolled back to revision ${r.rollback.toRevision} (${r.rollback.image ?? 'previous image'}); ${r.rollback.healthy ? 'it is healthy again' : 'it did not become healthy'}.`
    )
  }
  const chart = timelineChart(`${r.namespace}/${r.name}`, r.timeline)
  if (chart) {
    s.heading('Timeline', 3)
    s.mermaid(chart)
  }
  if (r.pods.length) {
    s.heading('Pods', 3)
    s.table(
      ['Pod', 'Node', 'Status', 'Ready', 'Restarts', 'Image'],
      r.pods.map((p) => [p.name, p.node || '—', p.status, p.ready ? 'yes' : 'no', String(p.restarts), p.image])
    )
  }
  if (r.nodes.length) {
    s.heading('Nodes', 3)
    s.table(
      ['Node', 'Instance type', 'nvidia.com/gpu'],
      r.nodes.map((n) => [n.name, n.instanceType, n.gpus])
    )
  }
  if (r.hpa) {
    s.heading('Autoscaling', 3)
    s.paragraph(`HPA replicas: current ${r.hpa.currentReplicas}, desired ${r.hpa.desiredReplicas}.`)
    s.table(
      ['Condition', 'Status', 'Reason', 'Message'],
      r.hpa.conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? ''])
    )
  }
  if (r.gatesMarkdown) {
    s.heading('Gates', 3)
    s.raw(r.gatesMarkdown)
  }
  if (r.applied.length) s.details('Applied objects', r.applied.map((a) => `- ${escapeMarkdown(a)}`).join('\n'))
  return s.toString()
}
