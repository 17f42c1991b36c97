import { GpushipError } from '@gpuship/core'

/**
 * Which failures of an ECR call are worth repeating: throttling, 5xx and the network. A
 * permanent AccessDenied or a missing repository is reported at once (amazon-ecr-login users
 * waited through retries of errors that could never succeed).
 */
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException'])
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'TimeoutError',
  'AbortError'
])

interface SdkLike {
  name?: string
  code?: string
  cause?: unknown
  $metadata?: { httpStatusCode?: number }
  $fault?: string
}

export function isRetryableEcrError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as SdkLike & { retryable?: boolean }
  if (e.retryable === true) return true
  if (e.name && THROTTLING.has(e.name)) return true
  const status = e.$metadata?.httpStatusCode
  if (status !== undefined && (status >= 500 || status === 429)) return true
  if (e.$fault === 'server') return true
  if ((e.code && NETWORK.has(e.code)) || (e.name && NETWORK.has(e.name))) return true
  // The SDK's retry middleware re-wraps errors it cannot copy (e.g. from another realm) as
  // "AWS SDK error wrapper for Error: connect ECONNREFUSED …": the code survives only in the text.
  const message = (err as { message?: unknown }).message
  if (typeof message === 'string' && /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up)\b/.test(message)) return true
  return e.cause !== undefined && e.cause !== err && isRetryableEcrError(e.cause)
}

/** Turns an SDK error from operation `op` into a GpushipError with the fix for the common cases. */
export function ecrError(op: string, err: unknown, repository?: string): GpushipError {
  const e = (err ?? {}) as SdkLike & { message?: string }
  const name = e.name ?? 'Error'
  const msg = e.message ?? String(err)
  const where = repository ? ` for repository '${repository}'` : ''
  const hint =
    name === 'AccessDeniedException' || /not authorized/i.test(msg)
      ? `Allow ecr:${op} on the role this job assumes, e.g. in the github_actions_oidc Terraform module: actions = ["ecr:${op}"].`
      : name === 'RepositoryNotFoundException'
        ? 'Create it first (set create-repository: true) or fix the repository input.'
        : name === 'CredentialsProviderError' || /credential/i.test(name)
          ? 'Run the aws-credentials action before this step so AWS credentials are in the environment.'
          : isRetryableEcrError(err)
            ? 'ECR was unreachable or throttling after several attempts; re-run the job, and check the endpoint (AWS_ENDPOINT_URL_ECR) if one is set.'
            : undefined
  return new GpushipError(`ECR ${op}${where} failed: ${name}: ${msg}`, { hint, code: name, retryable: isRetryableEcrError(err), cause: err })
}
