import { defaultSleep, group, type Logger } from '@gpuship/core'
import type { GateOptions, GateVerdict, GpuVerdict, TritonResult, TritonTargetResult } from './types.js'
import { resolvePolicy } from './dcgm-policy.js'
import { collectDcgmWindow } from './dcgm-source.js'
import { evaluateDcgm, nodeProblems } from './dcgm-evaluate.js'
import { checkTriton, readFailureCounter } from './triton-checks.js'
import { renderVerdictMarkdown } from './verdict-markdown.js'

/** Back-to-back smoke requests to every pod, after the Triton checks, while `open()` holds. */
async function sustainLoad(targets: GateOptions['triton'], smoke: NonNullable<GateOptions['smoke']>, after: Promise<unknown>, open: () => boolean, sleep: (ms: number) => Promise<void>): Promise<number> {
  await after.catch(() => undefined)
  const path = `/v2/models/${encodeURIComponent(smoke.model)}${smoke.version ? `/versions/${encodeURIComponent(smoke.version)}` : ''}/infer`
  const body = typeof smoke.request === 'string' ? smoke.request : JSON.stringify(smoke.request)
  let sent = 0
  while (open()) {
    await Promise.all(targets.map((t) => t.request('POST', path, body, { 'content-type': 'application/json' }).catch(() => undefined)))
    sent += targets.length
    await sleep(50)
  }
  return sent
}

/**
 * The gates after a rollout: Triton on every new pod, then the DCGM window on the GPU nodes
 * while the smoke/latency load runs, so utilisation and temperature are read under load.
 * Passed only when every pod and every GPU passed; inconclusive when nothing failed but some
 * check could not decide (metrics missing) — the caller chooses whether that blocks.
 */
export async function runGates(opts: GateOptions): Promise<GateVerdict> {
  const log: Logger = opts.log
  const sleep = opts.sleep ?? defaultSleep
  const policy = resolvePolicy(opts.policy ?? {})
  if (opts.window) policy.window = { ...opts.window }
  const gpusWanted = opts.dcgm.length > 0 || opts.prometheusUrl !== undefined

  // the failure counter's baseline is read before any load we create
  const before = await Promise.all(
    opts.triton.map(async (_, i) => {
      const m = opts.tritonMetrics?.[i]
      if (!m) return undefined
      try {
        return await readFailureCounter(m)
      } catch {
        return undefined
      }
    })
  )
  const tritonRun = (i: number) => checkTriton({ target: opts.triton[i], metrics: opts.tritonMetrics?.[i], failuresBefore: before[i], models: opts.models, smoke: opts.smoke, latency: opts.latency, log, sleep })

  let targets: TritonTargetResult[] = []
  let gpus: GpuVerdict[] = []
  let problems: { node: string; status: 'fail' | 'inconclusive'; message: string }[] = []
  const underLoad = opts.triton.length > 0 && (opts.smoke !== undefined || opts.latency !== undefined)
  const tritonPhase = group(log, `Triton checks on ${opts.triton.length} pod(s)`, async () => {
    targets = []
    for (let i = 0; i < opts.triton.length; i++) targets.push(await tritonRun(i))
  })
  if (gpusWanted) {
    const dcgmPhase = group(log, `DCGM window: ${policy.window.samples} sample(s) every ${policy.window.intervalMs} ms on ${opts.prometheusUrl ? 'Prometheus' : `${opts.dcgm.length} node(s)`}`, async () => {
      const windows = await collectDcgmWindow({ dcgm: opts.dcgm, prometheusUrl: opts.prometheusUrl, nodes: opts.dcgm.map((d) => d.node), samples: policy.window.samples, intervalMs: policy.window.intervalMs, noDataRetries: policy.noDataRetries, sleep, log })
      return windows
    })
    // keep the smoke request flowing until the window closes, so utilisation is read under load
    let windowOpen = true
    const load = underLoad && opts.smoke ? sustainLoad(opts.triton, opts.smoke, tritonPhase, () => windowOpen, sleep) : Promise.resolve(0)
    const [, windows] = await Promise.all([tritonPhase, dcgmPhase.finally(() => (windowOpen = false))])
    const sent = await load
    if (sent) log.info(`kept the smoke load on ${opts.triton.length} pod(s) during the window: ${sent} extra request(s)`)
    gpus = await group(log, 'GPU verdicts', async () => evaluateDcgm(windows, policy, { underLoad, gpuFilter: opts.gpuFilter, log }))
    problems = nodeProblems(windows, policy)
  } else await tritonPhase

  const triton: TritonResult = { passed: targets.every((t) => t.status === 'pass'), targets }
  const failures: string[] = []
  const notes: string[] = []
  for (const t of targets) for (const c of t.checks) if (c.status === 'fail') failures.push(`${t.target}: ${c.name}: ${c.detail}`)
  for (const g of gpus) for (const r of g.reasons) if (g.status === 'fail' && r.includes(' fail: ')) failures.push(r)
  for (const p of problems) (p.status === 'fail' ? failures : notes).push(p.message)
  for (const n of notes) log.warning(n)
  if (gpusWanted && gpus.length === 0) log.warning('no GPU matched: no dcgm-exporter metrics for the nodes (or the filter excluded every GPU)')
  const anyFail = failures.length > 0
  const inconclusive = !anyFail && (targets.some((t) => t.status === 'inconclusive') || gpus.some((g) => g.status === 'inconclusive') || notes.length > 0 || (gpusWanted && gpus.length === 0))
  const verdict: GateVerdict = {
    passed: !anyFail && !inconclusive,
    inconclusive,
    failures,
    triton,
    gpus,
    markdown: () => renderVerdictMarkdown(verdict)
  }
  log.info(`gates: ${verdict.passed ? 'PASSED' : inconclusive ? 'INCONCLUSIVE' : 'FAILED'} (${targets.length} pod(s), ${gpus.length} GPU(s), ${failures.length} failure(s))`)
  for (const f of failures) log.error(f)
  return verdict
}
