/**
 * Did the scenario end as its story says? Healthy: every step passed. A failure story: every step
 * before the one that must fail passed, that step failed, and its result carries the evidence
 * that it failed for the designed reason (not for any reason). A step that was not available
 * makes the story unverified, never "passed".
 */
import type { ActionResult } from '@gpuship/testkit'
import type { StepRecord } from './output.js'
import type { Scenario, ScenarioName } from './scenarios.js'

export interface Verdict {
  ok: boolean
  /** True when the story could not be played to its end in this build. */
  incomplete: boolean
  message: string
}

type Rec = StepRecord & { result?: ActionResult }

/** All the text a person would read about one step: errors, summary, log. */
function said(r: Rec): string {
  const res = r.result
  if (!res) return r.note
  return [r.note, ...res.errors, ...res.warnings, res.summary, res.stdout, res.stderr].join('\n')
}

/** The evidence each failure story needs from the step that must fail (and, for the doctor, after it). */
const EVIDENCE: Partial<Record<ScenarioName, (failing: Rec, all: Rec[]) => string | undefined>> = {
  'lock-held': (r) => (/force-unlock/.test(said(r)) ? undefined : 'the plan failed but did not name the lock and the force-unlock command'),
  'plan-changed': (r) => (/(hash|changed since|differs|reviewed)/i.test(said(r)) ? undefined : 'the apply failed but not because the plan changed after review'),
  'gpu-capacity': (r) => (/nvidia\.com\/gpu/.test(said(r)) ? undefined : 'the rollout failed without naming the missing nvidia.com/gpu capacity'),
  xid: (r) => {
    if (r.outputs?.['rolled-back'] !== 'true') return 'the rollout failed but did not roll back (rolled-back is not true)'
    return /xid/i.test(said(r)) ? undefined : 'the rollout rolled back but not because of the XID error'
  },
  orphan: (r) => {
    if (r.outputs?.outcome !== 'failed') return `the teardown stopped but its outcome is ${r.outputs?.outcome ?? 'unset'}, not failed before destroy`
    return /k8s-monitoring-grafana/.test(said(r)) && /aws elbv2 delete-load-balancer/.test(said(r)) ? undefined : 'the teardown stopped without naming the surviving load balancer and its delete command'
  },
  'nodes-not-joining': (_r, all) => {
    const doctor = all.find((x) => x.id === 'doctor')
    if (!doctor || doctor.status === 'skipped' || doctor.status === 'unavailable') return 'eks-doctor did not run after the failed rollout'
    const findings = Number(doctor.outputs?.['findings-count'] ?? doctor.outputs?.findings ?? NaN)
    if (findings > 0 || (doctor.status === 'failed' && /join|node group|access entry|nodegroup/i.test(said(doctor)))) return undefined
    return 'eks-doctor ran but found no reason for the nodes not joining'
  }
}

export function judge(scenario: Scenario, records: Rec[]): Verdict {
  const unavailable = records.filter((r) => r.status === 'unavailable')
  if (unavailable.length) {
    return { ok: false, incomplete: true, message: `not verified: ${unavailable.map((r) => `step ${r.id}`).join(', ')} not available in this build` }
  }
  if (!scenario.failsAt) {
    const bad = records.find((r) => r.status !== 'passed')
    return bad
      ? { ok: false, incomplete: false, message: `expected every step to pass; step ${bad.id} ${bad.status}: ${bad.note}` }
      : { ok: true, incomplete: false, message: 'every step passed' }
  }
  const at = records.findIndex((r) => r.id === scenario.failsAt)
  const early = records.slice(0, at).find((r) => r.status !== 'passed')
  if (early) return { ok: false, incomplete: false, message: `step ${early.id} ${early.status} before the story reached ${scenario.failsAt}: ${early.note}` }
  const failing = records[at]
  if (failing.status !== 'failed') return { ok: false, incomplete: false, message: `expected step ${scenario.failsAt} to fail, it ${failing.status}` }
  const missing = EVIDENCE[scenario.name]?.(failing, records)
  if (missing) return { ok: false, incomplete: false, message: missing }
  const after = records.slice(at + 1).find((r) => r.status === 'passed' && r.id !== 'doctor')
  if (after) return { ok: false, incomplete: false, message: `step ${after.id} ran after the failure; a job stops at a failed step` }
  return { ok: true, incomplete: false, message: `caught as designed: ${scenario.caught}` }
}
