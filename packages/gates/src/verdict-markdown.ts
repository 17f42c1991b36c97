import { escapeMarkdown, inlineCode, mermaidLineChart, table } from '@gpuship/core'

/** Escaped inline text for a raw-mode table, which escapes the pipes itself. */
const md = (text: string): string => escapeMarkdown(text).replace(/\\\|/g, '|')
import type { GpuVerdict, TritonResult } from './types.js'

const ICON: Record<string, string> = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive', skipped: '➖ skipped' }
const CHECKS = ['presence', 'xid', 'ecc-dbe', 'row-remap', 'temperature', 'memory-temperature', 'throttling', 'utilization', 'framebuffer']
/** Lines in one chart: more are unreadable; the failing GPUs come first. */
const MAX_SERIES = 8

export function gpuLabel(g: GpuVerdict): string {
  return `${g.node}/gpu${g.gpu}`
}

/** The per-GPU verdict table; cells show each check's value, with a mark when it did not pass. */
export function gpuTable(gpus: GpuVerdict[]): string {
  const present = CHECKS.filter((c) => gpus.some((g) => g.checks.some((k) => k.name === c)))
  // cells are escaped here (identifiers as code spans, which keep UUID dashes readable)
  const rows = gpus.map((g) => [
    inlineCode(g.node),
    md(g.gpu),
    g.uuid ? inlineCode(g.uuid) : '',
    md(g.model),
    g.pod ? inlineCode(`${g.namespace ? `${g.namespace}/` : ''}${g.pod}`) : '',
    ICON[g.status],
    ...present.map((c) => {
      const k = g.checks.find((x) => x.name === c)
      if (!k) return ''
      return md(k.status === 'pass' ? k.value : `${k.status === 'fail' ? '❌' : k.status === 'inconclusive' ? '⚠️' : '➖'} ${k.value}`)
    })
  ])
  return table(['node', 'gpu', 'UUID', 'model', 'pod', 'verdict', ...present], rows, { raw: true })
}

export function tritonTable(t: TritonResult): string {
  const rows = t.targets.flatMap((r) => r.checks.map((c) => [inlineCode(r.target), md(c.name), ICON[c.status], md(c.detail)]))
  return table(['pod', 'check', 'result', 'detail'], rows, { raw: true })
}

function chart(title: string, gpus: GpuVerdict[], pick: (g: GpuVerdict) => (number | null)[], unit: string): string {
  const chosen = [...gpus].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_SERIES)
  const n = Math.max(0, ...chosen.map((g) => pick(g).length))
  if (!n || !chosen.some((g) => pick(g).some((v) => v !== null))) return ''
  const x = Array.from({ length: n }, (_, i) => `s${i + 1}`)
  // a gap (GPU gone, metric missing) is drawn at 0, so a vanished GPU visibly drops to the floor
  const gaps = chosen.some((g) => pick(g).some((v) => v === null))
  const series = chosen.map((g) => ({ name: gpuLabel(g), values: pick(g).map((v) => (v === null ? 0 : v)) }))
  const legend = chosen.map((g, i) => `${i + 1}. ${inlineCode(gpuLabel(g))} ${g.status === 'pass' ? '' : `(${g.status})`}`).join('  \n')
  const more = gpus.length > chosen.length ? `\n\n${gpus.length - chosen.length} more GPU(s) not drawn.` : ''
  return `**${md(title)}** (${md(unit)}, one line per GPU, in this order${gaps ? '; a GPU or value missing from a sample is drawn at 0' : ''})\n\n\`\`\`mermaid\n${mermaidLineChart(title, x, series, unit)}\n\`\`\`\n\n${legend}${more}`
}

function rank(g: GpuVerdict): number {
  return g.status === 'fail' ? 0 : g.status === 'inconclusive' ? 1 : 2
}

export function temperatureChart(gpus: GpuVerdict[]): string {
  return chart('GPU temperature over the window', gpus, (g) => g.series.temperature, '°C')
}

export function utilizationChart(gpus: GpuVerdict[]): string {
  return chart('GPU utilisation over the window', gpus, (g) => g.series.utilization, '%')
}

export function renderVerdictMarkdown(v: { passed: boolean; inconclusive: boolean; failures: string[]; triton: TritonResult; gpus: GpuVerdict[] }): string {
  const parts: string[] = []
  const head = v.passed ? '✅ GPU gates passed' : v.inconclusive ? '⚠️ GPU gates inconclusive' : '❌ GPU gates failed'
  const sick = v.gpus.filter((g) => g.status === 'fail').length
  parts.push(`### ${head}\n\n${v.triton.targets.length} Triton pod(s), ${v.gpus.length} GPU(s) checked, ${sick} failing.`)
  if (v.failures.length) parts.push(v.failures.map((f) => `- ${md(f)}`).join('\n'))
  if (v.triton.targets.length) parts.push(`#### Triton\n\n${tritonTable(v.triton)}`)
  if (v.gpus.length) {
    parts.push(`#### GPUs\n\n${gpuTable(v.gpus)}`)
    const t = temperatureChart(v.gpus)
    const u = utilizationChart(v.gpus)
    if (t) parts.push(t)
    if (u) parts.push(u)
  }
  return parts.join('\n\n') + '\n'
}
