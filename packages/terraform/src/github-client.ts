import { GpushipError, silentLogger, type Logger } from '@gpuship/core'

/**
 * An Octokit for the GitHub REST API with the retry and throttling plugins, a per-request
 * timeout, and the API base URL taken from GITHUB_API_URL (GitHub Enterprise, or the testkit
 * simulator in tests). Loaded lazily: a step that fails on its inputs never loads Octokit.
 */
export type GitHub = Awaited<ReturnType<typeof createGitHubClient>>

export interface GitHubClientOptions {
  baseUrl?: string
  log?: Logger
  /** Per-request timeout; GitHub answers in well under this when it answers at all. */
  timeoutMs?: number
  /** How often a secondary or primary rate limit is waited out before giving up. */
  rateLimitRetries?: number
}

export async function createGitHubClient(token: string, o: GitHubClientOptions = {}) {
  if (!token) {
    throw new GpushipError('No GitHub token: the github-token input is empty.', {
      input: 'github-token',
      hint: 'Pass one, e.g.\n  with:\n    github-token: ${{ github.token }}\nand grant the job "permissions: { pull-requests: write, issues: write }".'
    })
  }
  const log = o.log ?? silentLogger
  // One at a time: these modules share dependencies, and loading them concurrently trips jest's ESM loader.
  const { getOctokit } = await import('@actions/github')
  const { defaults } = await import('@actions/github/lib/utils')
  const { retry } = await import('@octokit/plugin-retry')
  const { throttling } = await import('@octokit/plugin-throttling')
  const timeoutMs = o.timeoutMs ?? 30_000
  const inner = (defaults.request?.fetch as typeof fetch | undefined) ?? fetch
  const timed: typeof fetch = (input, init) => {
    const t = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, t]) : t
    return inner(input, { ...init, signal })
  }
  const limit = o.rateLimitRetries ?? 3
  return getOctokit(
    token,
    {
      baseUrl: (o.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
      request: { fetch: timed },
      // 5xx and network errors are retried (3 times, backoff); 4xx never, except rate limits (throttle below).
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451], retries: 3 },
      throttle: {
        onRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          log.warning(`GitHub rate limit hit on ${options.method} ${options.url}; retrying in ${retryAfter}s (attempt ${retryCount + 1} of ${limit}).`)
          return retryCount < limit
        },
        onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          log.warning(`GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter}s (attempt ${retryCount + 1} of ${limit}).`)
          return retryCount < limit
        }
      }
    },
    retry,
    throttling
  )
}

/** A GitHub API failure as a GpushipError that says which permission to grant. */
export function githubError(e: unknown, what: string): GpushipError {
  const status = (e as { status?: number }).status
  const msg = (e as Error).message ?? String(e)
  const hint =
    status === 401
      ? 'The token was rejected: pass github-token: ${{ github.token }} (or a valid PAT).'
      : status === 403 || status === 404
        ? 'The token lacks permission: add to the job\n  permissions:\n    pull-requests: write\n    issues: write\n    actions: read'
        : 'GitHub did not answer as expected; re-run the job.'
  return new GpushipError(`GitHub API call failed while trying to ${what}: ${status ? `HTTP ${status} ` : ''}${msg}`, { hint, cause: e, retryable: status !== undefined && status >= 500 })
}
