import { GpushipError } from '@gpuship/core'
import { changeMap, compareChangeMaps, type ChangeMap } from './plan-compare.js'
import { parsePlanJson } from './plan-model.js'
import { loadStoredPlan } from './plan-store.js'
import { findPlanComment, listComments, type CommentKey, type IssueTarget, type PlanMarker, type SeenComment } from './pr-comment.js'
import { githubError, type GitHub } from './github-client.js'
import type { RunContext } from './run-context.js'
import type { PlannedRoot } from './root-session.js'
import { TerraformError } from './tf-errors.js'

/**
 * How terraform-apply finds what was reviewed: the pull request (named, from the event, or the
 * merged one of the pushed commit), its plan comment for this root's key, and the hash in it.
 */
export async function findPullRequest(gh: GitHub, ctx: RunContext, explicit?: number): Promise<{ number: number; headSha?: string }> {
  const fromEvent = explicit ?? ctx.pullRequest
  try {
    if (fromEvent !== undefined) {
      const pr = (await gh.rest.pulls.get({ owner: ctx.owner, repo: ctx.repo, pull_number: fromEvent })).data
      return { number: pr.number, headSha: pr.head.sha }
    }
    const prs = (await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner: ctx.owner, repo: ctx.repo, commit_sha: ctx.sha })).data
    const merged = prs.find((p) => p.merge_commit_sha === ctx.sha) ?? prs.find((p) => p.merged_at)
    if (merged) return { number: merged.number, headSha: merged.head.sha }
  } catch (e) {
    throw githubError(e, 'find the pull request of this commit')
  }
  throw new GpushipError(`No merged pull request found for commit ${ctx.sha.slice(0, 12)}, so there is no reviewed plan to apply.`, {
    input: 'pull-request',
    hint: 'Run terraform-apply on push to the default branch after merging a pull request that terraform-plan commented on, or name it: pull-request: <number>. To apply without review, set auto-approve: true.'
  })
}

export async function findReviewed(gh: GitHub, t: IssueTarget, key: CommentKey, trustedAuthor: string): Promise<{ comment: SeenComment; marker: PlanMarker }> {
  const comments = await listComments(gh, t)
  const comment = findPlanComment(comments, key, t, trustedAuthor)
  const marker = comment.marker!
  if (marker.status === 'plan-failed' || !/^sha256:[0-9a-f]{64}$/.test(marker.hash)) {
    throw new TerraformError(`The last terraform-plan on #${t.issue} for this root failed, so nothing was reviewed.`, { reason: 'plan-failed', hint: 'Fix the plan on the pull request, let it be reviewed, then merge again (or re-run this job after a successful plan).' })
  }
  return { comment, marker }
}

/** The reviewed plan's change map: from the marker, else from the stored plan files of that hash. */
export function reviewedChangeMap(marker: PlanMarker, planDir: string, key: CommentKey, downloadedJson?: string): ChangeMap | undefined {
  if (marker.changes) return marker.changes
  const json = downloadedJson ?? loadStoredPlan(planDir, key)?.json
  if (!json) return undefined
  const plan = parsePlanJson(json, 'the reviewed plan JSON')
  return changeMap(plan)
}

/** Refuses when the fresh plan is not the reviewed one, saying what changed. */
export function assertSamePlan(marker: PlanMarker, planned: PlannedRoot, reviewed: ChangeMap | undefined, pr: number): void {
  if (marker.hash === planned.hash) return
  const lines = reviewed ? compareChangeMaps(reviewed, changeMap(planned.plan)) : []
  const what = lines.length ? lines.join('\n') : `counts then: ${JSON.stringify(marker.counts ?? {})}; now: ${JSON.stringify(planned.summary.counts)}`
  // The first line carries the gist: tools (and people) often read only that.
  const gist = lines.length ? `${lines[0]}${lines.length > 1 ? ` and ${lines.length - 1} more change${lines.length > 2 ? 's' : ''}` : ''}` : 'the counts differ'
  throw new TerraformError(`The plan changed since it was reviewed on #${pr}: ${gist}. Not applying (reviewed ${marker.hash.slice(0, 19)}…, now ${planned.hash.slice(0, 19)}…):\n${what}`, {
    reason: 'plan-changed',
    hint: 'Something changed between review and merge (another merge, drift, or changed inputs). Re-run terraform-plan on a pull request, review the new plan, and merge again.',
    detail: lines.length ? lines : [what]
  })
}
