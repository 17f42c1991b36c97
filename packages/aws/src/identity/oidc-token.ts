import { GpushipError, retry, parseRetryAfter, type Logger, type RetryOptions, silentLogger } from '@gpuship/core'

/**
 * The runner's OIDC contract: a job with `permissions: id-token: write` gets
 * ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN; GET the URL with
 * `&audience=` and the bearer, and the body's `value` is the JWT.
 */
export interface RunnerContext {
  eventName?: string
  repository?: string
  /** `owner/repo` of a pull request's head, when the event is a pull request. */
  headRepository?: string
  /** The event payload says the head repository is a fork. */
  headIsFork?: boolean
}

export interface IdTokenRequest {
  requestUrl?: string
  requestToken?: string
  audience: string
  context?: RunnerContext
  timeoutMs?: number
  retry?: RetryOptions
  log?: Logger
  fetch?: typeof fetch
}

export const ID_TOKEN_PERMISSION_YAML = [
  'permissions:',
  '  id-token: write   # lets this job request a GitHub OIDC token',
  '  contents: read    # keep what the job already needs; listing permissions drops the rest'
].join('\n')

export function isForkPullRequest(ctx: RunnerContext | undefined): boolean {
  if (!ctx?.eventName?.startsWith('pull_request')) return false
  return Boolean(ctx.headIsFork || (ctx.headRepository && ctx.repository && ctx.headRepository !== ctx.repository))
}

/** The error for a job that has no token to ask for, telling a fork PR apart from a missing permission. */
export function missingTokenError(ctx?: RunnerContext): GpushipError {
  if (isForkPullRequest(ctx)) {
    return new GpushipError(
      `No GitHub OIDC token: this run is a pull request from the fork ${ctx?.headRepository ?? '(a fork)'}, and GitHub gives ID tokens to no workflow run from a fork, so no AWS role can be assumed here.`,
      {
        code: 'fork-pull-request',
        hint: 'Skip AWS steps on forks (`if: github.event.pull_request.head.repo.full_name == github.repository`), and deploy from `push` or `workflow_run` after merge. Do not switch to `pull_request_target` to get a token: that runs the fork\'s code with your role.'
      }
    )
  }
  return new GpushipError('No GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set, so this job was not given `permissions: id-token: write`.', {
    code: 'missing-id-token-permission',
    hint: `Add to the job (or the workflow):\n${ID_TOKEN_PERMISSION_YAML}`
  })
}

export async function fetchIdToken(req: IdTokenRequest): Promise<string> {
  if (!req.requestUrl || !req.requestToken) throw missingTokenError(req.context)
  const doFetch = req.fetch ?? fetch
  const log = req.log ?? silentLogger
  const sep = req.requestUrl.includes('?') ? '&' : '?'
  const url = `${req.requestUrl}${sep}audience=${encodeURIComponent(req.audience)}`
  return retry(
    async () => {
      let res: Response
      try {
        res = await doFetch(url, { headers: { authorization: `Bearer ${req.requestToken}`, accept: 'application/json; api-version=2.0' }, signal: AbortSignal.timeout(req.timeoutMs ?? 10_000) })
      } catch (err) {
        throw new GpushipError(`Could not reach the runner's OIDC token service: ${(err as Error).message}`, { code: 'oidc-network', retryable: true, cause: err })
      }
      if (!res.ok) {
        const retryable = res.status >= 500 || res.status === 429
        throw new GpushipError(`The runner's OIDC token service answered HTTP ${res.status}.`, {
          code: 'oidc-http',
          retryable,
          retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
          hint: retryable ? undefined : 'The request token was refused; re-run the job. If it persists, check the job still has `permissions: id-token: write`.'
        })
      }
      const body = (await res.json().catch(() => ({}))) as { value?: unknown }
      if (typeof body.value !== 'string' || !body.value) throw new GpushipError("The runner's OIDC token service answered without a token value.", { code: 'oidc-empty', retryable: true })
      return body.value
    },
    { maxAttempts: 5, baseMs: 300, maxMs: 5000, label: 'OIDC token', onRetry: ({ attempt, delayMs, error }) => log.info(`OIDC token attempt ${attempt} failed (${(error as Error).message}); retrying in ${delayMs} ms`), ...req.retry }
  )
}
