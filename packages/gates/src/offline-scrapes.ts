import { basename } from 'node:path'
import { createExpositionParser } from './prometheus-text.js'
import { addSample, type DcgmSnapshot } from './dcgm-snapshot.js'
import type { NodeWindow } from './dcgm-evaluate.js'
import type { GpuVerdict } from './types.js'

/**
 * Saved dcgm-exporter scrapes as windows: each file is one sample of every node it holds
 * (named by the Hostname/hostname label, or by the file when it has none), in the order given.
 * So one file per node, or several files of one node (a window), or a mix, all work.
 */
export function windowsFromScrapes(scrapes: { name: string; chunks: Iterable<string | Buffer> }[]): NodeWindow[] {
  const windows = new Map<string, NodeWindow>()
  for (const s of scrapes) {
    const fallback = basename(s.name).replace(/\.(prom|txt|metrics)$/i, '')
    const perNode = new Map<string, DcgmSnapshot>()
    const p = createExpositionParser({
      source: s.name,
      keepSamples: false,
      onSample: (sample) => {
        if (!sample.name.startsWith('DCGM_')) return
        const node = sample.labels.Hostname || sample.labels.hostname || fallback
        let snap = perNode.get(node)
        if (!snap) perNode.set(node, (snap = { node, gpus: new Map() }))
        addSample(snap, sample)
      }
    })
    for (const c of s.chunks) p.write(c)
    p.end()
    if (perNode.size === 0) perNode.set(fallback, { node: fallback, gpus: new Map() })
    for (const [node, snap] of perNode) {
      let w = windows.get(node)
      if (!w) windows.set(node, (w = { node, samples: [] }))
      w.samples.push(snap)
    }
  }
  return [...windows.values()]
}

/** A plain-text verdict table for terminals and logs. */
export function formatVerdictText(gpus: GpuVerdict[]): string {
  const head = ['NODE', 'GPU', 'UUID', 'MODEL', 'VERDICT', 'CHECKS']
  const rows = gpus.map((g) => [
    g.node,
    g.gpu,
    g.uuid,
    g.model,
    g.status.toUpperCase(),
    g.checks
      .filter((c) => c.status !== 'skipped')
      .map((c) => `${c.name}=${c.value}${c.status === 'pass' ? '' : ` [${c.status}]`}`)
      .join(', ')
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')
  const out = [line(head), ...rows.map(line)]
  const reasons = gpus.flatMap((g) => g.reasons)
  if (reasons.length) out.push('', ...reasons)
  return out.join('\n')
}
