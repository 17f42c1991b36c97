import { GpushipError, defaultSleep, formatError, retry, silentLogger, type Logger } from '@gpuship/core'
import type { HttpTarget } from './types.js'
import { addSample, snapshotFromText, type DcgmSnapshot } from './dcgm-snapshot.js'
import type { NodeWindow } from './dcgm-evaluate.js'

export interface CollectOptions {
  /** dcgm-exporter per node; ignored when prometheusUrl is set (only the node names are used). */
  dcgm: { node: string; target: HttpTarget }[]
  prometheusUrl?: string
  /** With prometheusUrl: restrict to these nodes; empty = the whole fleet. */
  nodes?: string[]
  samples: number
  intervalMs: number
  /** Empty scrapes before a node showed any GPU do not count, up to this many extra rounds. */
  noDataRetries: number
  sleep?: (ms: number) => Promise<void>
  log?: Logger
  /** Called after each round (the gate runs load meanwhile, the action draws progress). */
  onRound?: (round: number) => void
  timeoutMs?: number
}

/** One scrape of a dcgm-exporter: errors become a snapshot with `error`, never a throw. */
export async function scrapeExporter(node: string, target: HttpTarget): Promise<DcgmSnapshot> {
  try {
    const res = await target.request('GET', '/metrics', undefined, { accept: 'text/plain' })
    if (res.status !== 200) return { node, error: `GET /metrics on ${target.name} returned HTTP ${res.status}`, gpus: new Map() }
    return snapshotFromText(res.body, node, `${node} /metrics`)
  } catch (err) {
    return { node, error: formatError(err).split('\n')[0], gpus: new Map() }
  }
}

function promRegex(values: string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|').replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}

const NODE_LABELS = ['node', 'kubernetes_node', 'Hostname']

/**
 * One instant query over every DCGM series, split into per-node snapshots. In Kubernetes the
 * exporter's own Hostname label can be the exporter pod's name, so a `node`/`kubernetes_node`
 * label added by relabelling wins when present.
 */
export async function queryPrometheus(url: string, nodes: string[], timeoutMs = 10_000): Promise<Map<string, DcgmSnapshot>> {
  const nodeSel = nodes.length ? `,Hostname=~"${promRegex(nodes)}"` : ''
  const base = url.replace(/\/+$/, '')
  const query = `{__name__=~"DCGM_FI_.*"${nodeSel}}`
  const tryQuery = async (q: string) => {
    const full = `${base}/api/v1/query?query=${encodeURIComponent(q)}`
    return retry(
      async () => {
        let res: Response
        try {
          res = await fetch(full, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
        } catch (err) {
          throw new GpushipError(`Prometheus query to ${base} failed: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}.`, { retryable: true, cause: err, input: 'prometheus-url', hint: 'Check prometheus-url is reachable from the runner.' })
        }
        const text = await res.text()
        if (res.status >= 500 || res.status === 429) throw new GpushipError(`Prometheus returned HTTP ${res.status}.`, { retryable: true, input: 'prometheus-url' })
        let doc: { status?: string; error?: string; data?: { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[] } }
        try {
          doc = JSON.parse(text)
        } catch {
          throw new GpushipError(`Prometheus at ${base} answered HTTP ${res.status} with a body that is not JSON.`, { input: 'prometheus-url', hint: 'prometheus-url must be the server root (e.g. http://prometheus:9090), not a UI or proxy page.' })
        }
        if (doc.status !== 'success') throw new GpushipError(`Prometheus query failed: ${doc.error ?? `HTTP ${res.status}`}.`, { input: 'prometheus-url' })
        if (doc.data?.resultType !== 'vector') throw new GpushipError(`Prometheus returned a ${doc.data?.resultType} result, expected a vector.`, { input: 'prometheus-url' })
        return doc.data.result ?? []
      },
      { maxAttempts: 3, baseMs: 500, maxMs: 4000, label: 'prometheus query' }
    )
  }
  let result = await tryQuery(query)
  // Hostname may not be the node name (see above): retry on the relabelled node labels
  for (const alt of ['node', 'kubernetes_node']) {
    if (result.length || !nodes.length) break
    result = await tryQuery(`{__name__=~"DCGM_FI_.*",${alt}=~"${promRegex(nodes)}"}`)
  }
  const byNode = new Map<string, DcgmSnapshot>()
  for (const n of nodes) byNode.set(n, { node: n, gpus: new Map() })
  for (const r of result) {
    const node = NODE_LABELS.map((l) => r.metric[l]).find((v) => v) ?? 'unknown'
    if (nodes.length && !nodes.includes(node)) continue
    let snap = byNode.get(node)
    if (!snap) byNode.set(node, (snap = { node, gpus: new Map() }))
    const raw = r.value[1]
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw)
    addSample(snap, { name: r.metric.__name__, labels: attribution(r.metric), value })
  }
  return byNode
}

/**
 * Prometheus overwrites the exporter's pod/namespace/container with the exporter pod's own
 * target labels and keeps the originals as exported_* (honor_labels: false, the default).
 */
function attribution(metric: Record<string, string>): Record<string, string> {
  const l = { ...metric }
  if (l.exported_pod !== undefined) {
    l.pod = l.exported_pod
    l.namespace = l.exported_namespace ?? ''
    l.container = l.exported_container ?? ''
  } else if (/dcgm-exporter/.test(l.pod ?? '') || /dcgm-exporter/.test(l.container ?? '')) {
    delete l.pod
    delete l.namespace
    delete l.container
  }
  return l
}

/** Samples every node `samples` times, `intervalMs` apart; "no data yet" waits instead of counting. */
export async function collectDcgmWindow(opts: CollectOptions): Promise<NodeWindow[]> {
  const sleep = opts.sleep ?? defaultSleep
  const log = opts.log ?? silentLogger
  const nodes = opts.prometheusUrl ? (opts.nodes ?? opts.dcgm.map((d) => d.node)) : opts.dcgm.map((d) => d.node)
  const windows = new Map<string, NodeWindow>(nodes.map((n) => [n, { node: n, samples: [] }]))
  const hasData = new Set<string>()
  let extra = 0
  for (let round = 0; ; round++) {
    let snaps: DcgmSnapshot[]
    if (opts.prometheusUrl) {
      try {
        snaps = [...(await queryPrometheus(opts.prometheusUrl, nodes, opts.timeoutMs)).values()]
      } catch (err) {
        const error = formatError(err).split('\n')[0]
        snaps = nodes.map((n) => ({ node: n, error, gpus: new Map() }))
      }
    } else snaps = await Promise.all(opts.dcgm.map((d) => scrapeExporter(d.node, d.target)))
    let waiting = false
    for (const s of snaps) {
      let w = windows.get(s.node)
      if (!w) windows.set(s.node, (w = { node: s.node, samples: [] }))
      if (w.samples.length >= opts.samples) continue
      if (!s.error && s.gpus.size === 0 && !hasData.has(s.node) && extra < opts.noDataRetries) {
        log.info(`${s.node}: no GPU metrics yet (exporter starting?), waiting`)
        waiting = true
        continue
      }
      if (s.gpus.size) hasData.add(s.node)
      if (s.error) log.warning(`${s.node}: scrape ${w.samples.length + 1} failed: ${s.error}`)
      w.samples.push(s)
    }
    if (waiting) extra++
    opts.onRound?.(round)
    const done = [...windows.values()].every((w) => w.samples.length >= opts.samples)
    if (done) break
    await sleep(opts.intervalMs)
  }
  return [...windows.values()]
}
