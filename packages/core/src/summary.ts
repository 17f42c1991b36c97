import { details, escapeMarkdown, table, codeBlock } from './markdown.js'

/**
 * Builds a job summary as Markdown. Text passed to heading/paragraph/list is escaped;
 * `raw` is for Markdown the caller already built from escaped parts.
 */
export class SummaryBuilder {
  private readonly parts: string[] = []

  heading(text: string, level = 2): this {
    this.parts.push(`${'#'.repeat(level)} ${escapeMarkdown(text)}`)
    return this
  }

  paragraph(text: string): this {
    this.parts.push(escapeMarkdown(text))
    return this
  }

  raw(markdown: string): this {
    this.parts.push(markdown)
    return this
  }

  list(items: string[]): this {
    if (items.length) this.parts.push(items.map((i) => `- ${escapeMarkdown(i)}`).join('\n'))
    return this
  }

  table(headers: string[], rows: string[][]): this {
    this.parts.push(table(headers, rows))
    return this
  }

  details(summary: string, body: string): this {
    this.parts.push(details(summary, body))
    return this
  }

  code(text: string, lang = ''): this {
    this.parts.push(codeBlock(text, lang))
    return this
  }

  /** A Mermaid chart; GitHub renders ```mermaid blocks in summaries and comments. */
  mermaid(source: string): this {
    this.parts.push(codeBlock(source, 'mermaid'))
    return this
  }

  toString(): string {
    return this.parts.join('\n\n') + '\n'
  }
}

/** Mermaid labels are quoted strings: quotes and brackets in untrusted text would end them. */
export function mermaidText(text: string): string {
  return text.replace(/["`<>{}[\]#;]/g, ' ').replace(/\s+/g, ' ').trim()
}

/** An xychart-beta line chart (GitHub's Mermaid renders it). */
export function mermaidLineChart(title: string, xLabels: string[], series: { name: string; values: number[] }[], yLabel = ''): string {
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v))
  const lo = all.length ? Math.floor(Math.min(...all)) : 0
  const hi = all.length ? Math.ceil(Math.max(...all)) : 1
  const lines = [
    'xychart-beta',
    `  title "${mermaidText(title)}"`,
    `  x-axis [${xLabels.map((l) => `"${mermaidText(l)}"`).join(', ')}]`,
    `  y-axis "${mermaidText(yLabel)}" ${lo} --> ${hi === lo ? hi + 1 : hi}`,
    ...series.map((s) => `  line [${s.values.map((v) => (Number.isFinite(v) ? String(v) : '0')).join(', ')}]`)
  ]
  return lines.join('\n')
}
