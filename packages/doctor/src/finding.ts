import type { Evidence } from './evidence.js'

export type Severity = 'error' | 'warning' | 'info'
export type Category = 'control-plane' | 'nodes' | 'pods' | 'networking' | 'iam' | 'load-balancers'

export interface Fix {
  /** What to do, in one or two sentences. */
  text: string
  /** A command that fixes it or shows more (aws/kubectl/helm). */
  command?: string
  /** The Terraform change, when the fix belongs in the infrastructure code. */
  terraform?: string
}

export interface Finding {
  rule: string
  severity: Severity
  /** The object the finding is about: `nodegroup/gpu`, `pod/inference/triton-0`, `subnet/subnet-1`. */
  resource: string
  /** One line: what is wrong, in terms of the values read. */
  message: string
  /** The exact values read that prove it. */
  evidence: Record<string, unknown>
  fix: Fix
  runbook: string
}

export interface Rule {
  id: string
  title: string
  category: Category
  /** The read-only calls the rule's evidence comes from. */
  reads: string[]
  check(e: Evidence): Finding[]
}

export const RUNBOOK_BASE = 'docs/runbooks'

/** Builds findings for one rule so every finding carries the rule id and its runbook. */
export function finder(rule: string): (f: Omit<Finding, 'rule' | 'runbook'>) => Finding {
  return (f) => ({ rule, runbook: `${RUNBOOK_BASE}/${rule}.md`, ...f })
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 }

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.rule.localeCompare(b.rule) || a.resource.localeCompare(b.resource))
}
