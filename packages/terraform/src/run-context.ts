import { existsSync, readFileSync } from 'node:fs'

/**
 * What an action knows about the run it is in, read from the runner's environment and event
 * file (the same variables @actions/github's context reads, without loading Octokit).
 */
export interface RunContext {
  owner: string
  repo: string
  runId: string
  runUrl: string
  serverUrl: string
  sha: string
  eventName: string
  event: Record<string, unknown>
  /** The pull request of a pull_request(_target) event, or of an issue_comment on a PR. */
  pullRequest?: number
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
  let event: Record<string, unknown> = {}
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>
    } catch {
      event = {}
    }
  }
  const pr = event.pull_request as { number?: number } | undefined
  const issue = event.issue as { number?: number; pull_request?: unknown } | undefined
  const pullRequest = typeof pr?.number === 'number' ? pr.number : issue?.pull_request && typeof issue.number === 'number' ? issue.number : undefined
  const runId = env.GITHUB_RUN_ID ?? ''
  return { owner, repo, runId, runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`, serverUrl, sha: env.GITHUB_SHA ?? '', eventName: env.GITHUB_EVENT_NAME ?? '', event, pullRequest }
}
