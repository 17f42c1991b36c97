import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { listenGpuSimulator, type Listening } from './listen.js'

/**
 * A dcgm-exporter on one GPU node: GET /metrics renders the exporter's exposition exactly as
 * its template does (internal/pkg/rendermetrics/render_metrics.go): per counter a HELP and TYPE
 * line from default-counters.csv, then one series per GPU labelled gpu, UUID, pci_bus_id,
 * device, modelName, Hostname, DCGM_FI_DRIVER_VERSION and, for GPUs a pod holds,
 * container/namespace/pod. Faults are set on the GPUs directly or scheduled by scrape number.
 */
export interface SimGpu {
  index: number
  uuid: string
  pciBusId: string
  temp: number
  memTemp: number
  util: number
  fbUsed: number
  fbFree: number
  fbReserved: number
  power: number
  smClock: number
  memClock: number
  xid: number
  eccDbe: number
  eccSbe: number
  rowRemapFailure: number
  /** DCGM_FI_DEV_CLOCKS_EVENT_REASONS bitmask (0x20 sw thermal, 0x40 hw thermal, 0x4 sw power cap …). */
  throttle: number
  energy: number
  pod?: { name: string; namespace: string; container: string }
  /** Not rendered at all: the GPU fell off the bus. */
  gone: boolean
}

export interface DcgmSimulatorOptions {
  node: string
  gpus?: number
  model?: string
  driver?: string
  /** dcgm-exporter before #655 writes Hostname; newer releases write hostname. */
  hostnameLabel?: 'Hostname' | 'hostname'
  /** CLOCKS_EVENT_REASONS (DCGM >= 3.3) or the older CLOCK_THROTTLE_REASONS. */
  throttleMetric?: 'DCGM_FI_DEV_CLOCKS_EVENT_REASONS' | 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS'
  /** Counters from the exporter's optional list (ECC, throttle reasons); default on. */
  extraCounters?: boolean
  /** Deterministic per-node seed for UUIDs (default derived from the node name). */
  seed?: number
}

export interface DcgmSimulator {
  node: string
  gpus: SimGpu[]
  scrapes: number
  handler: RequestListener
  render(): string
  /** Runs `fn` just before scrape number `n` (1-based) is rendered. */
  onScrape(n: number, fn: (sim: DcgmSimulator) => void): void
  /** The next `n` scrapes answer with this HTTP status (an exporter restarting: 503). */
  failNext(n: number, status?: number): void
  /** The next `n` scrapes answer 200 with no GPU series (the exporter still starting). */
  emptyNext(n: number): void
  faults: {
    xid(gpu: number, code: number): void
    ecc(gpu: number, doubleBit: number): void
    overheat(gpu: number, tempC: number, memTempC?: number): void
    throttle(gpu: number, reasons: number): void
    rowRemapFailure(gpu: number): void
    gone(gpu: number): void
    restore(gpu: number): void
  }
  attribute(gpu: number, pod: { name: string; namespace: string; container?: string }): void
  /** Sets utilisation on every GPU (or those given), as the smoke load would. */
  load(util: number, gpus?: number[]): void
  listen(): Promise<Listening>
}

type Counter = [name: string, type: 'gauge' | 'counter', help: string, value: (g: SimGpu, scrape: number) => string]

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0
  return h
}

function uuidFor(seed: number, i: number): string {
  const hex = (n: number, len: number) => (hash(`${seed}:${i}:${n}`) >>> 0).toString(16).padStart(8, '0').slice(0, len)
  return `GPU-${hex(1, 8)}-${hex(2, 4)}-${hex(3, 4)}-${hex(4, 4)}-${hex(5, 8)}${hex(6, 4)}`
}

/** Escapes a label value as the exposition format requires. */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

export function createDcgmExporterSimulator(opts: DcgmSimulatorOptions): DcgmSimulator {
  const count = opts.gpus ?? 8
  const model = opts.model ?? 'NVIDIA H100 80GB HBM3'
  const driver = opts.driver ?? '550.127.05'
  const host = opts.hostnameLabel ?? 'Hostname'
  const seed = opts.seed ?? hash(opts.node)
  const busIds = ['53', '64', '75', '86', '97', 'A8', 'B9', 'CA']
  const gpus: SimGpu[] = Array.from({ length: count }, (_, i) => ({
    index: i,
    uuid: uuidFor(seed, i),
    pciBusId: `00000000:${busIds[i % 8] ?? (0x10 + i).toString(16).toUpperCase()}:00.0`,
    temp: 34 + (i % 4),
    memTemp: 40 + (i % 3),
    util: 0,
    fbUsed: 1,
    fbFree: 81_004,
    fbReserved: 554,
    power: 68.347 + i,
    smClock: 1980,
    memClock: 2619,
    xid: 0,
    eccDbe: 0,
    eccSbe: 0,
    rowRemapFailure: 0,
    throttle: 0,
    energy: 1_000_000_000 + i * 1000,
    gone: false
  }))
  const throttleName = opts.throttleMetric ?? 'DCGM_FI_DEV_CLOCKS_EVENT_REASONS'
  const wobble = (g: SimGpu, s: number) => (s + g.index) % 3 === 0 ? 1 : 0
  const counters: Counter[] = [
    ['DCGM_FI_DEV_SM_CLOCK', 'gauge', 'SM clock frequency (in MHz).', (g) => String(g.smClock)],
    ['DCGM_FI_DEV_MEM_CLOCK', 'gauge', 'Memory clock frequency (in MHz).', (g) => String(g.memClock)],
    ['DCGM_FI_DEV_MEMORY_TEMP', 'gauge', 'Memory temperature (in C).', (g, s) => String(g.memTemp + wobble(g, s))],
    ['DCGM_FI_DEV_GPU_TEMP', 'gauge', 'GPU temperature (in C).', (g, s) => String(g.temp + wobble(g, s))],
    ['DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).', (g) => (g.power + g.util * 4).toFixed(6)],
    ['DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'counter', 'Total energy consumption since boot (in mJ).', (g, s) => String(g.energy + s * 68_000)],
    ['DCGM_FI_DEV_PCIE_REPLAY_COUNTER', 'counter', 'Total number of PCIe retries.', () => '0'],
    ['DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).', (g) => String(g.util)],
    ['DCGM_FI_DEV_MEM_COPY_UTIL', 'gauge', 'Memory utilization (in %).', (g) => String(Math.round(g.util / 3))],
    ['DCGM_FI_DEV_ENC_UTIL', 'gauge', 'Encoder utilization (in %).', () => '0'],
    ['DCGM_FI_DEV_DEC_UTIL', 'gauge', 'Decoder utilization (in %).', () => '0'],
    ['DCGM_FI_DEV_XID_ERRORS', 'gauge', 'Value of the last XID error encountered.', (g) => String(g.xid)],
    ['DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).', (g) => String(g.fbFree)],
    ['DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).', (g) => String(g.fbUsed)],
    ['DCGM_FI_DEV_FB_RESERVED', 'gauge', 'Framebuffer memory reserved (in MiB).', (g) => String(g.fbReserved)],
    ['DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL', 'counter', 'Total number of NVLink bandwidth counters for all lanes.', () => '0'],
    ['DCGM_FI_DEV_VGPU_LICENSE_STATUS', 'gauge', 'vGPU License status', () => '0'],
    ['DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', 'counter', 'Number of remapped rows for uncorrectable errors', (g) => String(g.eccDbe ? 1 : 0)],
    ['DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', 'counter', 'Number of remapped rows for correctable errors', () => '0'],
    ['DCGM_FI_DEV_ROW_REMAP_FAILURE', 'gauge', 'Whether remapping of rows has failed', (g) => String(g.rowRemapFailure)],
    ['DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'gauge', 'Ratio of time the graphics engine is active.', (g) => (g.util / 100).toFixed(6)],
    ['DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', 'gauge', 'Ratio of cycles the tensor (HMMA) pipe is active.', (g) => (g.util / 250).toFixed(6)],
    ['DCGM_FI_PROF_DRAM_ACTIVE', 'gauge', 'Ratio of cycles the device memory interface is active sending or receiving data.', (g) => (g.util / 300).toFixed(6)],
    ['DCGM_FI_PROF_PCIE_TX_BYTES', 'gauge', 'The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second.', (g) => String(g.util * 1000)],
    ['DCGM_FI_PROF_PCIE_RX_BYTES', 'gauge', 'The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second.', (g) => String(g.util * 2000)]
  ]
  if (opts.extraCounters ?? true) {
    counters.push(
      ['DCGM_FI_DEV_ECC_SBE_VOL_TOTAL', 'counter', 'Total number of single-bit volatile ECC errors.', (g) => String(g.eccSbe)],
      ['DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', 'counter', 'Total number of double-bit volatile ECC errors.', (g) => String(g.eccDbe)],
      [throttleName, 'gauge', 'Current clock event reasons (bitmask of DCGM_CLOCKS_EVENT_REASON_*)', (g) => String(g.throttle)]
    )
  }

  const schedule = new Map<number, ((s: DcgmSimulator) => void)[]>()
  let failing = 0
  let failStatus = 503
  let empty = 0

  const labelsOf = (g: SimGpu) => {
    let l = `gpu="${g.index}",UUID="${g.uuid}",pci_bus_id="${g.pciBusId}",device="nvidia${g.index}",modelName="${esc(model)}",${host}="${esc(opts.node)}",DCGM_FI_DRIVER_VERSION="${esc(driver)}"`
    if (g.pod) l += `,container="${esc(g.pod.container)}",namespace="${esc(g.pod.namespace)}",pod="${esc(g.pod.name)}"`
    return l
  }

  const sim: DcgmSimulator = {
    node: opts.node,
    gpus,
    scrapes: 0,
    render() {
      const present = empty > 0 ? [] : gpus.filter((g) => !g.gone)
      const labels = present.map(labelsOf)
      const out: string[] = []
      for (const [name, type, help, value] of counters) {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
        present.forEach((g, i) => out.push(`${name}{${labels[i]}} ${value(g, sim.scrapes)}`))
      }
      return `${out.join('\n')}\n`
    },
    handler(req: IncomingMessage, res: ServerResponse) {
      const path = (req.url ?? '/').split('?')[0]
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(path === '/metrics' ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' })
        res.end(path === '/metrics' ? 'Method Not Allowed\n' : '404 page not found\n')
        return
      }
      sim.scrapes++
      for (const fn of schedule.get(sim.scrapes) ?? []) fn(sim)
      if (failing > 0) {
        failing--
        res.writeHead(failStatus, { 'content-type': 'text/plain; charset=utf-8' })
        res.end('dcgm-exporter is not ready\n')
        return
      }
      const body = sim.render()
      if (empty > 0) empty--
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    },
    onScrape(n, fn) {
      schedule.set(n, [...(schedule.get(n) ?? []), fn])
    },
    failNext(n, status = 503) {
      failing = n
      failStatus = status
    },
    emptyNext(n) {
      empty = n
    },
    faults: {
      xid: (i, code) => void (gpus[i].xid = code),
      ecc: (i, dbe) => void (gpus[i].eccDbe = dbe),
      overheat: (i, t, m) => {
        gpus[i].temp = t
        if (m !== undefined) gpus[i].memTemp = m
      },
      throttle: (i, reasons) => void (gpus[i].throttle = reasons),
      rowRemapFailure: (i) => void (gpus[i].rowRemapFailure = 1),
      gone: (i) => void (gpus[i].gone = true),
      restore: (i) => void (gpus[i].gone = false)
    },
    attribute(i, pod) {
      gpus[i].pod = { name: pod.name, namespace: pod.namespace, container: pod.container ?? 'triton' }
    },
    load(util, which) {
      for (const g of gpus) if (!which || which.includes(g.index)) {
        g.util = util
        g.fbUsed = util > 0 ? 20_480 : 1
        g.fbFree = 81_559 - g.fbUsed - g.fbReserved + 554
      }
    },
    listen: () => listenGpuSimulator(sim.handler)
  }
  return sim
}
