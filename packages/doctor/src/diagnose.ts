import { GpushipError } from '@gpuship/core'
import type { Evidence } from './evidence.js'
import { sortFindings, type Finding, type Rule } from './finding.js'
import { RULES } from './rules/index.js'
import { collectEvidence, type CollectOptions } from './collect.js'

export interface Report {
  cluster: string
  region: string
  readAt: string
  findings: Finding[]
  counts: { error: number; warning: number; info: number }
  /** Rules that ran (all of them; a rule whose evidence could not be read finds nothing). */
  rules: string[]
  readErrors: Evidence['readErrors']
  calls: string[]
  /** How much was read, so "no findings" can be weighed: counts per kind of object. */
  inventory: Record<string, number>
}

function inventory(e: Evidence): Record<string, number> {
  const a = e.aws
  return {
    nodegroups: a.nodegroups.length,
    instances: a.instances.length,
    subnets: a.subnets.length,
    addons: a.addons.length,
    roles: Object.keys(a.roles).length,
    nodes: e.kube?.nodes.length ?? 0,
    pods: e.kube?.pods.length ?? 0,
    warningEvents: e.kube?.events.length ?? 0,
    serviceAccountsWithIrsa: e.kube?.serviceAccounts.filter((s) => s.roleArn).length ?? 0
  }
}

/** Runs every rule over the evidence. A rule that throws is a bug: it becomes an info finding, never a crash. */
export function evaluate(evidence: Evidence, rules: Rule[] = RULES): Report {
  const findings: Finding[] = []
  for (const rule of rules) {
    try {
      findings.push(...rule.check(evidence))
    } catch (err) {
      findings.push({
        rule: rule.id,
        severity: 'info',
        resource: `rule/${rule.id}`,
        message: `The rule failed on this evidence: ${(err as Error).message}`,
        evidence: {},
        fix: { text: 'Report this as a gpuship bug with the JSON output.' },
        runbook: `docs/runbooks/${rule.id}.md`
      })
    }
  }
  const sorted = sortFindings(findings)
  const count = (s: Finding['severity']) => sorted.filter((f) => f.severity === s).length
  return {
    cluster: evidence.aws.cluster.name,
    region: evidence.aws.region,
    readAt: evidence.readAt,
    findings: sorted,
    counts: { error: count('error'), warning: count('warning'), info: count('info') },
    rules: rules.map((r) => r.id),
    readErrors: evidence.readErrors,
    calls: [...new Set(evidence.calls)],
    inventory: inventory(evidence)
  }
}

export async function diagnose(opts: CollectOptions & { rules?: Rule[] }): Promise<{ report: Report; evidence: Evidence }> {
  const evidence = await collectEvidence(opts)
  return { report: evaluate(evidence, opts.rules), evidence }
}

export type FailOn = 'error' | 'warning' | 'never'
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'never']

/** Whether the report should fail the step or the command under `failOn`. */
export function shouldFail(report: Report, failOn: FailOn): boolean {
  if (failOn === 'never') return false
  if (failOn === 'warning') return report.counts.error + report.counts.warning > 0
  return report.counts.error > 0
}

export function parseFailOn(value: string, input = 'fail-on'): FailOn {
  if ((FAIL_ON as readonly string[]).includes(value)) return value as FailOn
  throw new GpushipError(`Invalid ${input} '${value}'. Expected one of: error, warning, never.`, {
    input,
    hint: `Set ${input}: error (the default) to fail on errors only.`
  })
}
