import { githubError, type GitHub } from './github-client.js'
import { parseGoTime, type LockInfo } from './tf-errors.js'

/**
 * Decides whether a held state lock may be force-unlocked: only when its holder is identified
 * as a job of a GitHub Actions run of this repository, and that job has finished. A lock whose
 * holder cannot be identified is never released; a person must decide.
 *
 * The holder is found through the API: the run named in the lock's Info (when a wrapper put a
 * run URL there), else a job of a recent run whose runner name is the lock's host ("Who:
 * user@host") and whose time span covers the lock's creation.
 */
export interface StaleVerdict {
  stale: boolean
  reason: string
  runUrl?: string
}

interface Repo {
  owner: string
  repo: string
}

function host(who: string | undefined): string | undefined {
  const at = who?.lastIndexOf('@') ?? -1
  return at >= 0 ? who!.slice(at + 1) : undefined
}

export async function judgeLock(gh: GitHub, r: Repo, lock: LockInfo, now = Date.now()): Promise<StaleVerdict> {
  const created = lock.created ? parseGoTime(lock.created) : undefined
  try {
    const named = lock.info ? new RegExp(`/${r.owner}/${r.repo}/actions/runs/(\\d+)`).exec(lock.info) : null
    if (named) {
      const run = (await gh.rest.actions.getWorkflowRun({ owner: r.owner, repo: r.repo, run_id: Number(named[1]) })).data
      return run.status === 'completed'
        ? { stale: true, reason: `the lock's run ${run.html_url} finished (${run.conclusion ?? 'no conclusion'})`, runUrl: run.html_url }
        : { stale: false, reason: `the lock's run ${run.html_url} is still ${run.status}`, runUrl: run.html_url }
    }
    const h = host(lock.who)
    if (!h || created === undefined) return { stale: false, reason: `the lock's holder '${lock.who ?? 'unknown'}' or creation time '${lock.created ?? 'unknown'}' cannot be read` }
    const since = new Date(created - 24 * 3600_000).toISOString().slice(0, 19)
    const runs = (await gh.rest.actions.listWorkflowRunsForRepo({ owner: r.owner, repo: r.repo, per_page: 50, created: `>=${since}Z` })).data.workflow_runs
    for (const run of runs) {
      if (Date.parse(run.created_at) > created + 60_000) continue
      const jobs = (await gh.rest.actions.listJobsForWorkflowRun({ owner: r.owner, repo: r.repo, run_id: run.id, per_page: 100 })).data.jobs
      for (const job of jobs) {
        if (job.runner_name !== h) continue
        const start = job.started_at ? Date.parse(job.started_at) : Number.POSITIVE_INFINITY
        const end = job.completed_at ? Date.parse(job.completed_at) : now
        if (start > created + 60_000 || end < created - 60_000) continue
        return job.status === 'completed'
          ? { stale: true, reason: `its holder ${lock.who} was job '${job.name}' of run ${run.html_url}, which finished (${job.conclusion ?? 'no conclusion'}) at ${job.completed_at}`, runUrl: run.html_url }
          : { stale: false, reason: `its holder ${lock.who} is job '${job.name}' of run ${run.html_url}, still ${job.status}`, runUrl: run.html_url }
      }
    }
    return { stale: false, reason: `no GitHub Actions job of ${r.owner}/${r.repo} ran on '${h}' when the lock was taken, so its holder is not a run this action can vouch for` }
  } catch (e) {
    throw githubError(e, 'check whether the state lock holder has finished')
  }
}
