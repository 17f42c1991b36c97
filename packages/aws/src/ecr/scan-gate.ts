import type { ScanResult, Severity } from './ecr-client.js'

/**
 * Decides whether an image's scan findings block the release: any finding at or above the
 * threshold fails. `none` turns the gate off. Pure, so the policy is tested table-driven.
 */
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED']
export type SeverityThreshold = 'none' | 'critical' | 'high' | 'medium' | 'low' | 'informational'
export const THRESHOLDS: readonly SeverityThreshold[] = ['none', 'critical', 'high', 'medium', 'low', 'informational']

export interface ScanVerdict {
  passed: boolean
  /** Counts at or above the threshold, highest first. */
  blocking: { severity: Severity; count: number }[]
  total: number
}

export function evaluateScan(scan: ScanResult, threshold: SeverityThreshold): ScanVerdict {
  const total = Object.values(scan.counts).reduce((a, n) => a + (n ?? 0), 0)
  if (threshold === 'none') return { passed: true, blocking: [], total }
  const limit = SEVERITIES.indexOf(threshold.toUpperCase() as Severity)
  const blocking = SEVERITIES.slice(0, limit + 1)
    .map((severity) => ({ severity, count: scan.counts[severity] ?? 0 }))
    .filter((b) => b.count > 0)
  return { passed: blocking.length === 0, blocking, total }
}
