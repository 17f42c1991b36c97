import { GpushipError } from '@gpuship/core'

/**
 * The Prometheus text exposition format (0.0.4), parsed as the spec says: HELP and TYPE lines,
 * other comments ignored, label values with \\ \" \n escapes, NaN/+Inf/-Inf, optional
 * millisecond timestamps, and a duplicate series (same name and label set twice) rejected.
 * Streaming: feed chunks as they arrive; a line split across chunks is joined.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
  timestampMs?: number
}

export interface MetricFamily {
  name: string
  type: MetricType
  help?: string
  samples: Sample[]
}

export interface ExpositionParser {
  write(chunk: string | Buffer): void
  /** Flushes the last line; returns every family in the order first seen. */
  end(): MetricFamily[]
}

const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] }

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57)
}
function isLabelChar(c: number, first: boolean): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (!first && c >= 48 && c <= 57)
}

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>

/** Index just past the `}` closing the label set at `from`, skipping quoted values; -1 if none. */
function labelSetEnd(line: string, from: number): number {
  let quoted = false
  for (let j = from + 1; j < line.length; j++) {
    const c = line.charCodeAt(j)
    if (quoted) {
      if (c === 92) j++
      else if (c === 34) quoted = false
    } else if (c === 34) quoted = true
    else if (c === 125) return j + 1
  }
  return -1
}

function validNumber(token: string): boolean {
  return token === 'NaN' || token === '+Inf' || token === '-Inf' || token === 'Inf' || /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)
}

export function createExpositionParser(opts: { source?: string; onSample?: (s: Sample, family: MetricFamily) => void; keepSamples?: boolean } = {}): ExpositionParser {
  const source = opts.source ?? 'metrics'
  const keep = opts.keepSamples ?? true
  const families = new Map<string, MetricFamily>()
  const seen = new Set<string>()
  let current: MetricFamily | undefined
  let rest = ''
  let lineNo = 0
  const decoder = new TextDecoder()

  const fail = (msg: string, line: string): never => {
    throw new GpushipError(`${source}:${lineNo}: ${msg}: ${JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line)}`, {
      code: 'metrics-parse',
      hint: 'The text must follow the Prometheus exposition format (https://prometheus.io/docs/instrumenting/exposition_formats/). Check that the file is a raw /metrics scrape, not HTML or JSON.'
    })
  }

  const family = (name: string): MetricFamily => {
    let f = families.get(name)
    if (!f) {
      f = { name, type: 'untyped', samples: [] }
      families.set(name, f)
    }
    return f
  }

  const familyOf = (name: string): MetricFamily => {
    if (current && (name === current.name || SUFFIXES[current.type]?.some((s) => name === current!.name + s))) return current
    const f = families.get(name)
    if (f) return f
    current = family(name)
    return current
  }

  const comment = (line: string) => {
    const m = /^#[ \t]+(HELP|TYPE)[ \t]+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:[ \t]+(.*))?$/.exec(line)
    if (!m) return // any other comment is ignored, as the spec says
    const [, kind, name, text = ''] = m
    const f = family(name)
    if (kind === 'HELP') {
      if (f.help !== undefined) fail(`second HELP for ${name}`, line)
      f.help = text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'))
    } else {
      const t = text.trim()
      if (!TYPES.has(t)) fail(`unknown metric type "${t}"`, line)
      if (f.samples.length > 0) fail(`TYPE for ${name} after its samples`, line)
      if (f.type !== 'untyped' && (f as { typed?: boolean }).typed) fail(`second TYPE for ${name}`, line)
      f.type = t as MetricType
      ;(f as { typed?: boolean }).typed = true
    }
    current = f
  }

  const labelCache = new Map<string, { labels: Record<string, string>; suffix: string }>()

  const parseLabels = (line: string, from: number): { labels: Record<string, string>; suffix: string; end: number } => {
    const n = line.length
    let i = from + 1
    const labels: Record<string, string> = {}
    const keys: string[] = []
    for (;;) {
      while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++
      if (line.charCodeAt(i) === 125 /* } */) {
        i++
        break
      }
      const ls = i
      if (!isLabelChar(line.charCodeAt(i), true)) fail('invalid label name', line)
      while (i < n && isLabelChar(line.charCodeAt(i), false)) i++
      const key = line.slice(ls, i)
      while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++
      if (line.charCodeAt(i) !== 61 /* = */) fail(`expected = after label ${key}`, line)
      i++
      while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++
      if (line.charCodeAt(i) !== 34 /* " */) fail(`label ${key} value must be quoted`, line)
      i++
      let value = ''
      let start = i
      for (;;) {
        if (i >= n) fail(`unterminated value of label ${key}`, line)
        const c = line.charCodeAt(i)
        if (c === 34) break
        if (c === 92 /* \ */) {
          value += line.slice(start, i)
          const e = line[i + 1]
          if (e === 'n') value += '\n'
          else if (e === '\\') value += '\\'
          else if (e === '"') value += '"'
          else fail(`invalid escape \\${e ?? ''} in label ${key}`, line)
          i += 2
          start = i
          continue
        }
        i++
      }
      value += line.slice(start, i)
      i++
      if (key in labels) fail(`label ${key} given twice`, line)
      labels[key] = value
      keys.push(key)
      while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++
      const c = line.charCodeAt(i)
      if (c === 44 /* , */) i++
      else if (c !== 125) fail('expected , or } in label set', line)
    }
    keys.sort()
    let suffix = ''
    for (const k of keys) suffix += `\u0000${k}\u0001${labels[k]}`
    return { labels: Object.freeze(labels) as Record<string, string>, suffix, end: i }
  }

  const sampleLine = (line: string) => {
    const n = line.length
    let i = 0
    if (!isNameStart(line.charCodeAt(0))) fail('invalid metric name', line)
    while (i < n && isNameChar(line.charCodeAt(i))) i++
    const name = line.slice(0, i)
    let labels: Record<string, string> = EMPTY
    let suffix = ''
    while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++
    if (line.charCodeAt(i) === 123 /* { */) {
      // exporters repeat one label set per GPU on every metric: parse each distinct set once
      const end = labelSetEnd(line, i)
      const raw = end > 0 ? line.slice(i, end) : ''
      const hit = raw ? labelCache.get(raw) : undefined
      if (hit) {
        labels = hit.labels
        suffix = hit.suffix
        i = end
      } else {
        const parsed = parseLabels(line, i)
        labels = parsed.labels
        suffix = parsed.suffix
        i = parsed.end
        if (raw && labelCache.size < 100_000) labelCache.set(raw, { labels, suffix })
      }
    }
    const tail = line.slice(i).trim().split(/[ \t]+/)
    if (tail.length < 1 || tail[0] === '' || tail.length > 2) fail('expected a value and an optional timestamp', line)
    if (!validNumber(tail[0])) fail(`invalid sample value "${tail[0]}"`, line)
    const value = tail[0] === 'Inf' ? Infinity : tail[0] === 'NaN' ? NaN : tail[0] === '+Inf' ? Infinity : tail[0] === '-Inf' ? -Infinity : Number(tail[0])
    let timestampMs: number | undefined
    if (tail.length === 2) {
      if (!/^-?\d+$/.test(tail[1])) fail(`invalid timestamp "${tail[1]}"`, line)
      timestampMs = Number(tail[1])
    }
    const id = name + suffix
    if (seen.has(id)) {
      const keys = Object.keys(labels).sort()
      fail(`duplicate series ${name}${keys.length ? `{${keys.map((k) => `${k}="${labels[k]}"`).join(',')}}` : ''}`, line)
    }
    seen.add(id)
    const f = familyOf(name)
    const s: Sample = timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs }
    if (keep) f.samples.push(s)
    opts.onSample?.(s, f)
  }

  const line = (raw: string) => {
    lineNo++
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (l.length === 0 || /^[ \t]*$/.test(l)) return
    const t = l.charCodeAt(0) === 32 || l.charCodeAt(0) === 9 ? l.trimStart() : l
    if (t.charCodeAt(0) === 35 /* # */) comment(t)
    else sampleLine(t)
  }

  return {
    write(chunk) {
      const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
      let from = 0
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        line(text.slice(from, nl))
        from = nl + 1
      }
      rest = text.slice(from)
    },
    end() {
      const tail = rest + decoder.decode()
      rest = ''
      if (tail.length) line(tail)
      for (const f of families.values()) delete (f as { typed?: boolean }).typed
      return [...families.values()]
    }
  }
}

/** Parses a whole scrape at once. */
export function parsePrometheusText(text: string, source?: string): MetricFamily[] {
  const p = createExpositionParser({ source })
  p.write(text)
  return p.end()
}
