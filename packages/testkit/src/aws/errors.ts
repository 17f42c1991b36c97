/**
 * An AWS service error. Handlers throw it; the server renders it in the wire shape of the
 * request's protocol (query XML, awsJson1.1 `__type`, or rest-json `x-amzn-ErrorType`), which is
 * what the SDK's and botocore's error parsers read the code from.
 */
export class AwsError extends Error {
  readonly code: string
  readonly status: number
  /** `Sender` (client fault, 4xx) or `Receiver` (server fault, 5xx), used by the query protocol. */
  readonly type: 'Sender' | 'Receiver'
  readonly headers: Record<string, string>
  constructor(code: string, message: string, status = 400, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'AwsError'
    this.code = code
    this.status = status
    this.type = status >= 500 ? 'Receiver' : 'Sender'
    this.headers = headers
  }
}

export function isAwsError(err: unknown): err is AwsError {
  return err instanceof AwsError
}

/** The code AWS uses for throttling in each protocol (query services say `Throttling`). */
export function throttlingCode(protocol: string): string {
  return protocol === 'query' ? 'Throttling' : 'ThrottlingException'
}
