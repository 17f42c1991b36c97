import { hiddenMarker, readMarker } from '@gpuship/core'
import { githubError, type GitHub } from './github-client.js'
import type { CommentKey } from './pr-comment.js'

/**
 * One issue per root for drift: opened when a refresh-only plan finds changes made outside
 * Terraform, updated on later runs (never a second one), closed when drift is gone.
 */
export const DRIFT_MARKER = 'terraform-drift'
export const DRIFT_LABEL = 'terraform:drift'

export interface DriftResult {
  action: 'opened' | 'updated' | 'closed' | 'none'
  issue?: number
  url?: string
}

interface Repo {
  owner: string
  repo: string
}

function sameKey(a: CommentKey, b: CommentKey): boolean {
  return a.label === b.label && a.dir === b.dir && a.workspace === b.workspace && a.backend === b.backend
}

export async function findDriftIssue(gh: GitHub, r: Repo, key: CommentKey): Promise<{ number: number; url: string } | undefined> {
  const issues = await gh.paginate(gh.rest.issues.listForRepo, { owner: r.owner, repo: r.repo, state: 'open', labels: DRIFT_LABEL, per_page: 100 })
  for (const i of issues) {
    if (i.pull_request) continue
    const m = readMarker(i.body ?? '', DRIFT_MARKER) as { key?: CommentKey } | undefined
    if (m?.key && sameKey(m.key, key)) return { number: i.number, url: i.html_url }
  }
  return undefined
}

export async function syncDriftIssue(gh: GitHub, r: Repo, key: CommentKey, drift: { drifted: boolean; title: string; body: string; runUrl?: string }): Promise<DriftResult> {
  try {
    const open = await findDriftIssue(gh, r, key)
    const body = `${hiddenMarker(DRIFT_MARKER, { key })}\n${drift.body}`
    if (drift.drifted) {
      if (open) {
        await gh.rest.issues.update({ owner: r.owner, repo: r.repo, issue_number: open.number, body, title: drift.title })
        return { action: 'updated', issue: open.number, url: open.url }
      }
      const res = await gh.rest.issues.create({ owner: r.owner, repo: r.repo, title: drift.title, body, labels: [DRIFT_LABEL] })
      return { action: 'opened', issue: res.data.number, url: res.data.html_url }
    }
    if (!open) return { action: 'none' }
    await gh.rest.issues.createComment({ owner: r.owner, repo: r.repo, issue_number: open.number, body: `No drift any more${drift.runUrl ? ` as of ${drift.runUrl}` : ''}: the refresh-only plan matches the state. Closing.` })
    await gh.rest.issues.update({ owner: r.owner, repo: r.repo, issue_number: open.number, state: 'closed', state_reason: 'completed' })
    return { action: 'closed', issue: open.number, url: open.url }
  } catch (e) {
    throw githubError(e, 'open, update or close the drift issue')
  }
}
