import { GpushipError } from '@gpuship/core'
import type { PlannedRoot } from './root-session.js'

/**
 * Plan files as a workflow artifact (@actions/artifact), used only when the runner offers
 * artifact storage (ACTIONS_RUNTIME_TOKEN is set). Loaded lazily: local runs never load it.
 */
export function artifactsAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL)
}

export async function uploadPlanArtifact(name: string, files: string[], rootDir: string, retentionDays = 14): Promise<number | undefined> {
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const res = await new DefaultArtifactClient().uploadArtifact(name, files, rootDir, { retentionDays })
  return res.id
}

/** Downloads the plan artifact of the run that planned the PR; returns the folder it was put in. */
export async function downloadPlanArtifact(name: string, o: { runId: number; token: string; owner: string; repo: string; path: string }): Promise<string> {
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const findBy = { token: o.token, workflowRunId: o.runId, repositoryOwner: o.owner, repositoryName: o.repo }
  const found = await client.getArtifact(name, { findBy }).catch((e: unknown) => {
    throw new GpushipError(`Plan artifact ${name} of run ${o.runId} not found: ${(e as Error).message}`, { hint: 'Artifacts expire (retention 14 days); re-run terraform-plan on the pull request.' })
  })
  const res = await client.downloadArtifact(found.artifact.id, { path: o.path, findBy })
  return res.downloadPath ?? o.path
}

/** Every count as an action output, plus paths and the hash. */
export function planOutputs(p: PlannedRoot): Record<string, string> {
  const c = p.summary.counts
  return {
    changes: String(p.summary.changes),
    'to-add': String(c.add),
    'to-change': String(c.change),
    'to-replace': String(c.replace),
    'to-destroy': String(c.destroy),
    'to-import': String(c.import),
    'to-move': String(c.move),
    'to-forget': String(c.forget),
    'outputs-changed': String(c.outputs),
    drift: String(c.drift),
    'plan-path': p.planFile,
    'json-path': p.jsonFile,
    'plan-hash': p.hash
  }
}
