/**
 * Plays a scenario: runs its steps in order the way a job does (a failed step skips the rest
 * unless a step runs on failure), records everything to the output folder, and decides whether
 * the story ended as designed.
 */
import type { ActionResult } from '@gpuship/testkit'
import { actionAvailable } from './availability.js'
import type { OutputFolder, StepRecord } from './output.js'
import type { Progress } from './progress.js'
import type { JobState, SandboxStep } from './step.js'
import type { StepId } from './scenarios.js'
import { judge, type Verdict } from './verdict.js'

export type PlayedStep = StepRecord & { result?: ActionResult; comment?: string }

export interface PipelineResult {
  records: PlayedStep[]
  verdict: Verdict
}

export async function runPipeline(job: JobState, steps: Record<StepId, SandboxStep>, out: OutputFolder, progress: Progress): Promise<PipelineResult> {
  const ids = job.scenario.steps
  const records: PipelineResult['records'] = []
  const status = new Map<StepId, StepRecord['status']>()
  let failed = false
  for (const [i, id] of ids.entries()) {
    const step = steps[id]
    const n = i + 1
    const rec = await playStep(job, step, status, failed, progress, n, ids.length)
    status.set(id, rec.status)
    if (rec.status === 'failed') failed = true
    records.push(rec)
    out.writeStep(n, rec)
  }
  const verdict = judge(job.scenario, records)
  return { records, verdict }
}

async function playStep(
  job: JobState,
  step: SandboxStep,
  status: Map<StepId, StepRecord['status']>,
  failed: boolean,
  progress: Progress,
  n: number,
  total: number
): Promise<PlayedStep> {
  const base = { id: step.id, action: step.action }
  const report = (rec: PlayedStep) => {
    progress.step(n, total, step.id, step.action, rec.status, rec.note, rec.durationMs)
    return rec
  }
  if (failed && !step.onFailure) return report({ ...base, status: 'skipped', note: 'skipped: an earlier step failed' })
  const missingPiece = step.needs.find((p) => !job.world.pieces[p].available)
  if (missingPiece) {
    return report({ ...base, status: 'unavailable', note: `step ${step.id}: not available in this build (${job.world.pieces[missingPiece].reason})` })
  }
  const blocked = step.after.find((d) => status.has(d) && status.get(d) !== 'passed' && !(step.onFailure && status.get(d) === 'failed'))
  if (blocked) return report({ ...base, status: 'skipped', note: `skipped: needs step ${blocked}, which did not run` })
  const avail = actionAvailable(job.repoRoot, step.action)
  if (!avail.ok) return report({ ...base, status: 'unavailable', note: `step ${step.id}: not available in this build (${avail.reason})` })
  if (avail.built) progress.line(`         built actions/${step.action}/dist from its sources (no committed bundle)`)

  const stop = progress.heartbeat(step.action)
  try {
    const run = await step.run(job)
    const r = run.result
    for (const [k, v] of Object.entries(r.env)) {
      job.env[k] = v
      if (/SECRET|TOKEN|PASSWORD/.test(k) && v) job.secrets.push(v)
    }
    job.secrets.push(...r.masks)
    job.path.push(...r.path)
    job.outputs[step.id] = r.outputs
    if (job.verbose) printLog(job, r.stdout)
    const leaks = r.leaks.map((l) => `${l.where}`)
    const note = leaks.length ? `${run.note} — LEAK of a secret in ${leaks.join(', ')}` : run.note
    return report({
      ...base,
      status: r.exitCode === 0 && leaks.length === 0 ? 'passed' : 'failed',
      note,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      outputs: r.outputs,
      summary: r.summary,
      log: `${r.stdout}${r.stderr ? `\n--- stderr ---\n${r.stderr}` : ''}`,
      comment: run.comment,
      result: r
    })
  } catch (err) {
    // The step's own wiring failed (a simulator refused to start, a fixture could not be written): that is not the action failing.
    const message = err instanceof Error ? err.message : String(err)
    return report({ ...base, status: 'unavailable', note: `step ${step.id}: could not be run here: ${message}` })
  } finally {
    stop()
  }
}

/** The action's log as the runner shows it without debug: masked values as ***, groups as "> name". */
function printLog(job: JobState, stdout: string): void {
  const secrets = [...new Set(job.secrets.filter((x) => x.length >= 4))]
  for (const raw of stdout.split(/\r?\n/)) {
    if (!raw || /^::(add-mask|debug|endgroup|stop-commands|[0-9a-f-]{8,})::/.test(raw)) continue
    let line = raw.startsWith('::group::') ? `> ${raw.slice('::group::'.length)}` : raw
    for (const v of secrets) line = line.split(v).join('***')
    job.progress.line(`           | ${line}`)
  }
}
