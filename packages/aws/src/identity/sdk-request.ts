/**
 * The request handler options every SDK client of ours uses. `requestTimeout` alone only makes
 * the Smithy handler print a warning to the console (since @smithy/node-http-handler 4.x);
 * `throwOnRequestTimeout` turns it into a TimeoutError that our retry sees and repeats, so a
 * stalled endpoint costs one timeout per attempt instead of hanging the job.
 */
export const DEFAULT_SDK_TIMEOUT_MS = 15_000

export function sdkRequestHandler(timeoutMs = DEFAULT_SDK_TIMEOUT_MS): { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: true } {
  return { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true }
}
