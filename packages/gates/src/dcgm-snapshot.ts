import { createExpositionParser, type Sample } from './prometheus-text.js'

/** One GPU in one scrape: its identity labels and the DCGM field values. */
export interface GpuSample {
  node: string
  gpu: string
  uuid: string
  model: string
  pciBusId?: string
  driver?: string
  pod?: string
  namespace?: string
  container?: string
  values: Record<string, number>
}

/** One scrape of one node (or one Prometheus query round). `error` set when the scrape failed. */
export interface DcgmSnapshot {
  node: string
  error?: string
  gpus: Map<string, GpuSample>
}

export function gpuKey(node: string, labels: Record<string, string>): string {
  // MIG instances share a UUID; GPU_I_ID tells them apart
  const mig = labels.GPU_I_ID ? `/mig${labels.GPU_I_ID}` : ''
  return `${node}/${labels.UUID ?? labels.gpu ?? '?'}${mig}`
}

/** Adds one exposition sample to a snapshot; non-DCGM series are ignored. */
export function addSample(snap: DcgmSnapshot, s: { name: string; labels: Record<string, string>; value: number }): void {
  if (!s.name.startsWith('DCGM_')) return
  const l = s.labels
  // a scrape through a node's exporter belongs to that node; offline scrapes name it by Hostname
  const node = snap.node || l.Hostname || l.hostname || 'unknown'
  const key = gpuKey(node, l)
  let g = snap.gpus.get(key)
  if (!g) {
    g = { node, gpu: l.gpu ?? '?', uuid: l.UUID ?? '', model: l.modelName ?? '', values: Object.create(null) as Record<string, number> }
    if (l.pci_bus_id) g.pciBusId = l.pci_bus_id
    if (l.DCGM_FI_DRIVER_VERSION) g.driver = l.DCGM_FI_DRIVER_VERSION
    if (l.GPU_I_ID) g.gpu = `${g.gpu}/mig${l.GPU_I_ID}`
    snap.gpus.set(key, g)
  }
  // attribution labels appear only on series of GPUs that a pod holds
  if (l.pod && !g.pod) {
    g.pod = l.pod
    if (l.namespace) g.namespace = l.namespace
    if (l.container) g.container = l.container
  }
  g.values[s.name] = s.value
}

/** Parses a dcgm-exporter scrape (streaming, samples are not kept) into a snapshot. */
export function snapshotFromText(text: string | Iterable<string | Buffer>, node = '', source?: string): DcgmSnapshot {
  const snap: DcgmSnapshot = { node, gpus: new Map() }
  const p = createExpositionParser({ source: source ?? (node || 'metrics'), keepSamples: false, onSample: (s: Sample) => addSample(snap, s) })
  if (typeof text === 'string') p.write(text)
  else for (const chunk of text) p.write(chunk)
  p.end()
  return snap
}

/** The node a scrape came from, read from its Hostname labels (the first one seen). */
export function nodeOfSnapshot(snap: DcgmSnapshot): string {
  for (const g of snap.gpus.values()) return g.node
  return snap.node
}
