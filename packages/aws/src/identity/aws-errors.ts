/**
 * Which AWS failures are worth repeating, for every service (STS, EKS, ECR): throttling,
 * IDPCommunicationError, 5xx/429 and network trouble. Never AccessDenied or validation: repeating them only hides the answer (#683 of
 * configure-aws-credentials retried a permanent AccessDenied twelve times).
 */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'PriorRequestNotComplete', 'ProvisionedThroughputExceededException', 'EC2ThrottledException'])
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])

export interface AwsErrorLike {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  $response?: { headers?: Record<string, string> }
}

export function awsErrorCode(err: unknown): string {
  const e = err as AwsErrorLike
  return String(e?.name ?? e?.code ?? '')
}

export function isThrottling(err: unknown): boolean {
  return THROTTLING.has(awsErrorCode(err))
}

export function isRetryableAwsError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as AwsErrorLike & { retryable?: boolean; $fault?: string; cause?: unknown }
  const code = awsErrorCode(err)
  if (/^AccessDenied/.test(code) || code === 'ValidationError') return false
  // Our own errors (GpushipError and the like) say for themselves whether repeating can help.
  if (e.retryable === true) return true
  if (isThrottling(err) || code === 'IDPCommunicationError' || code === 'IDPCommunicationErrorException') return true
  const status = e.$metadata?.httpStatusCode
  if (status !== undefined && (status >= 500 || status === 429)) return true
  if (e.$fault === 'server') return true
  if (NETWORK.has(String(e.code ?? '')) || NETWORK.has(code) || code === 'TimeoutError' || code === 'RequestTimeout' || code === 'AbortError') return true
  // The SDK re-wraps errors it cannot recognise as Error (another realm, a thrown string) into a
  // bare message; the transport's words are then all that is left to recognise a network failure.
  if (/socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|network error/i.test(String(e.message ?? ''))) return true
  return depth < 4 && e.cause !== undefined && e.cause !== err && isRetryableAwsError(e.cause, depth + 1)
}

/** The server's Retry-After, when it sent one (in ms). */
export function awsRetryAfterMs(err: unknown): number | undefined {
  const h = (err as AwsErrorLike)?.$response?.headers
  const v = h?.['retry-after'] ?? h?.['Retry-After']
  if (!v) return undefined
  const s = Number(v)
  return Number.isFinite(s) ? s * 1000 : undefined
}
