import { GpushipError } from '@gpuship/core'
import { evaluateScan, type EcrClient, type ScanResult, type ScanVerdict, type SeverityThreshold } from '@gpuship/aws'

/**
 * The scan gate after a push: wait for ECR's scan, refuse a scan that did not complete (passing
 * it would open the gate unseen), then fail on findings at or above the threshold. The error
 * carries the scan so the summary can list the findings.
 */
export interface ScanOutcome {
  result: ScanResult
  verdict: ScanVerdict
}

export async function runScanGate(ecr: EcrClient, repository: string, digest: string, threshold: SeverityThreshold, waitMs?: number): Promise<ScanOutcome> {
  const result = await ecr.scanFindings(repository, digest, { waitMs })
  if (!result) {
    throw new GpushipError(`No scan results for ${repository}@${digest}.`, {
      input: 'scan-severity-threshold',
      hint: 'Enable scan on push for the repository (create-repository does), or set scan-severity-threshold: none.'
    })
  }
  if (result.status !== 'COMPLETE') {
    const inProgress = result.status === 'IN_PROGRESS'
    throw new GpushipError(`The ECR scan of ${repository}@${digest} is ${result.status}, not COMPLETE.`, {
      input: inProgress ? 'scan-timeout' : 'scan-severity-threshold',
      code: 'ScanIncomplete',
      hint: inProgress
        ? 'Raise scan-timeout (e.g. 10m), or re-run the job once the scan has finished.'
        : 'Check the scan status in the ECR console; UNSUPPORTED_IMAGE means ECR cannot scan this base image.'
    })
  }
  const scan = { result, verdict: evaluateScan(result, threshold) }
  if (!scan.verdict.passed) {
    const list = scan.verdict.blocking.map((b) => `${b.count} ${b.severity}`).join(', ')
    throw Object.assign(
      new GpushipError(`Image ${repository}@${digest} has findings at or above ${threshold.toUpperCase()}: ${list}.`, {
        input: 'scan-severity-threshold',
        code: 'ScanGateFailed',
        hint: 'Update the base image (a newer nvcr.io/nvidia/tritonserver tag) or the packages named in the findings; raise scan-severity-threshold only with a reason.'
      }),
      { scan }
    )
  }
  return scan
}
