/**
 * Escaping for untrusted text (plan output, resource names, pod messages) on its way into
 * GitHub-flavoured Markdown and the HTML it allows. Each helper names its sink.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c])
}

/** Inline Markdown: HTML escaped, then every character Markdown gives meaning to backslashed. */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/@(?=[A-Za-z0-9])/g, '@\u200b') // no accidental @mentions from resource names
    .replace(/\r?\n/g, ' ')
}

/** A table cell: inline-escaped, pipes already handled, newlines as <br>. */
export function escapeCell(text: string): string {
  return escapeMarkdown(text)
}

/** Inline code that cannot be broken out of: the fence is longer than any backtick run inside. */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ')
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

/** A fenced block whose fence is longer than any run of backticks in the body. */
export function codeBlock(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`
}

export function table(headers: string[], rows: string[][], opts: { raw?: boolean } = {}): string {
  const esc = opts.raw ? (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>') : escapeCell
  const line = (cells: string[]) => `| ${cells.map((c) => esc(c)).join(' | ')} |`
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n')
}

/** A collapsed section. `summary` is untrusted text; `body` is Markdown the caller built. */
export function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`
}

/** A hidden marker a sticky comment is found by. The payload is JSON, and `--` cannot end the comment early. */
export function hiddenMarker(kind: string, payload: unknown): string {
  const json = JSON.stringify(payload).replace(/--/g, '\\u002d\\u002d').replace(/>/g, '\\u003e')
  return `<!-- gpuship:${kind} ${json} -->`
}

export function readMarker(body: string, kind: string): unknown | undefined {
  const re = new RegExp(`<!-- gpuship:${kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\{.*?\\}) -->`)
  const m = re.exec(body)
  if (!m) return undefined
  try {
    return JSON.parse(m[1])
  } catch {
    return undefined
  }
}

/**
 * Cuts Markdown to `limit` characters at a line boundary, appending `note` (which must fit).
 * Callers put what must never be cut (summary line, destroys) before `cuttable`.
 */
export function fitTo(keep: string, cuttable: string, limit: number, note: string): string {
  const full = cuttable ? `${keep}\n\n${cuttable}` : keep
  if (full.length <= limit) return full
  const room = limit - keep.length - note.length - 200 // room for the fences and tags closed below
  if (room <= 0) return `${keep.slice(0, Math.max(0, limit - note.length - 2))}\n\n${note}`
  let cut = cuttable.slice(0, room)
  const nl = cut.lastIndexOf('\n')
  if (nl > 0) cut = cut.slice(0, nl)
  // An open fence or <details> left by the cut would swallow the note.
  const fences = (cut.match(/^`{3,}/gm) ?? []).length
  if (fences % 2 === 1) cut += '\n```'
  const opened = (cut.match(/<details/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length
  for (let i = 0; i < opened; i++) cut += '\n\n</details>'
  return `${keep}\n\n${cut}\n\n${note}`
}
