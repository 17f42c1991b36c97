import { GpushipError, parseArn, retry, silentLogger, type Logger, type RetryOptions } from '@gpuship/core'
import { canonicalPrincipalArn } from '../eks/principal.js'
import { awsErrorCode, awsRetryAfterMs, isRetryableAwsError } from './aws-errors.js'
import { partitionOf } from './partition.js'
import { explainStsFailure } from './sts-failures.js'
import { decodeTokenClaims, type TokenClaims } from './token-claims.js'
import { sdkRequestHandler } from './sdk-request.js'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export interface AssumedRole {
  credentials: AwsCredentials & { sessionToken: string; expiration: Date }
  assumedRoleArn: string
  accountId: string
  roleArn: string
  sessionName: string
  /** `sub` STS read from the token (web identity only). */
  subject?: string
}

interface Common {
  roleArn: string
  region: string
  sessionName: string
  durationSeconds?: number
  inlineSessionPolicy?: string
  managedSessionPolicies?: string[]
  /** Override the regional endpoint (tests); otherwise the SDK's, honouring AWS_ENDPOINT_URL_STS. */
  endpoint?: string
  maxAttempts?: number
  /** Per attempt, for connecting and for the answer (default 15 s): a stalled STS must not hang the job. */
  timeoutMs?: number
  retry?: RetryOptions
  log?: Logger
  /** Called with each secret the moment it exists, before anything can print it. */
  onSecret?: (value: string) => void
}

export interface WebIdentityOptions extends Common {
  webIdentityToken: string
  audience?: string
}

export interface ChainOptions extends Common {
  credentials: AwsCredentials
  /** The ARN of the session doing the chaining, for error messages. */
  callerArn?: string
}

export function checkRoleArn(roleArn: string, region: string, input = 'role-to-assume'): void {
  const arn = parseArn(roleArn)
  if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/')) {
    throw new GpushipError(`Invalid ${input} '${roleArn}'. Expected arn:aws:iam::<12 digits>:role/<name>.`, { input })
  }
  const want = partitionOf(region)
  if (arn.partition !== want) {
    throw new GpushipError(`${input} '${roleArn}' is in partition '${arn.partition}', but aws-region '${region}' is in partition '${want}'; STS there can never assume it.`, {
      input,
      code: 'partition-mismatch',
      hint: `Use a role ARN starting arn:${want}:iam:: for ${region}, or an aws-region of the ${arn.partition} partition.`
    })
  }
}

async function stsClient(o: Common, credentials?: AwsCredentials) {
  const { STSClient } = await import('@aws-sdk/client-sts')
  return new STSClient({
    region: o.region,
    maxAttempts: 1,
    requestHandler: sdkRequestHandler(o.timeoutMs),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(credentials ? { credentials } : {})
  })
}

function sessionParams(o: Common) {
  return {
    RoleArn: o.roleArn,
    RoleSessionName: o.sessionName,
    DurationSeconds: o.durationSeconds,
    Policy: o.inlineSessionPolicy,
    PolicyArns: o.managedSessionPolicies?.length ? o.managedSessionPolicies.map((arn) => ({ arn })) : undefined
  }
}

function toAssumed(o: Common, out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date }; AssumedRoleUser?: { Arn?: string }; SubjectFromWebIdentityToken?: string }): AssumedRole {
  const c = out.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new GpushipError(`STS answered without credentials for ${o.roleArn}.`, { retryable: true })
  o.onSecret?.(c.SecretAccessKey)
  o.onSecret?.(c.SessionToken)
  o.onSecret?.(c.AccessKeyId)
  const assumedRoleArn = out.AssumedRoleUser?.Arn ?? ''
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) },
    assumedRoleArn,
    accountId: assumedRoleArn.split(':')[4] ?? o.roleArn.split(':')[4],
    roleArn: o.roleArn,
    sessionName: o.sessionName,
    subject: out.SubjectFromWebIdentityToken
  }
}

function retryOptions(o: Common, label: string): RetryOptions {
  const log = o.log ?? silentLogger
  return {
    maxAttempts: o.maxAttempts ?? 12,
    baseMs: 400,
    maxMs: 10_000,
    isRetryable: isRetryableAwsError,
    retryAfterMs: awsRetryAfterMs,
    label,
    onRetry: ({ attempt, delayMs, error }) => log.info(`${label} attempt ${attempt} failed (${(error as Error).name}: ${(error as Error).message}); retrying in ${delayMs} ms`),
    ...o.retry
  }
}

/** GitHub OIDC token -> role credentials, on the regional STS endpoint. */
export async function assumeRoleWithWebIdentity(o: WebIdentityOptions): Promise<AssumedRole> {
  checkRoleArn(o.roleArn, o.region)
  const claims: TokenClaims = decodeTokenClaims(o.webIdentityToken)
  const { AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts')
  const client = await stsClient(o)
  try {
    const out = await retry(() => client.send(new AssumeRoleWithWebIdentityCommand({ ...sessionParams(o), WebIdentityToken: o.webIdentityToken })), retryOptions(o, 'AssumeRoleWithWebIdentity'))
    return toAssumed(o, out)
  } catch (err) {
    throw explainStsFailure(err, { roleArn: o.roleArn, operation: 'AssumeRoleWithWebIdentity', durationSeconds: o.durationSeconds, claims, audience: o.audience })
  } finally {
    client.destroy()
  }
}

/** Role chaining: the first session assumes a second role; STS caps such sessions at one hour. */
export async function assumeRoleChained(o: ChainOptions): Promise<AssumedRole> {
  checkRoleArn(o.roleArn, o.region)
  if (o.durationSeconds !== undefined && o.durationSeconds > 3600) {
    throw new GpushipError(`role-duration-seconds ${o.durationSeconds} is above the 1 hour STS allows for a chained role session.`, {
      input: 'role-duration-seconds',
      code: 'chained-duration',
      hint: 'Set role-duration-seconds to 3600 or less with role-chaining: true, or assume the second role directly with OIDC (trust GitHub in its trust policy) to get up to its maximum.'
    })
  }
  const { AssumeRoleCommand } = await import('@aws-sdk/client-sts')
  const client = await stsClient(o, o.credentials)
  try {
    const out = await retry(() => client.send(new AssumeRoleCommand(sessionParams(o))), retryOptions(o, 'AssumeRole'))
    return toAssumed(o, out)
  } catch (err) {
    // The fix for a refused chain is a trust-policy line naming the first role: find out who that is.
    const callerArn = o.callerArn ?? (/^AccessDenied/.test(awsErrorCode(err)) ? await chainingCaller(o) : undefined)
    throw explainStsFailure(err, { roleArn: o.roleArn, operation: 'AssumeRole', durationSeconds: o.durationSeconds, callerArn })
  } finally {
    client.destroy()
  }
}

/** The role ARN (not the session's) behind chaining credentials, or undefined when STS will not say. */
async function chainingCaller(o: ChainOptions): Promise<string | undefined> {
  try {
    const me = await getCallerIdentity({ region: o.region, credentials: o.credentials, endpoint: o.endpoint, timeoutMs: 5000, retry: { maxAttempts: 2, ...o.retry } })
    return canonicalPrincipalArn(me.arn)
  } catch {
    return undefined // the AccessDenied explanation still stands, with a placeholder for the ARN
  }
}

/** Who the credentials are (GetCallerIdentity), for account guards and for checking env credentials. */
export async function getCallerIdentity(o: { region: string; credentials?: AwsCredentials; endpoint?: string; timeoutMs?: number; retry?: RetryOptions }): Promise<{ account: string; arn: string; userId: string }> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
  const client = await stsClient({ region: o.region, roleArn: '', sessionName: '', endpoint: o.endpoint, timeoutMs: o.timeoutMs }, o.credentials)
  try {
    const out = await retry(() => client.send(new GetCallerIdentityCommand({})), { maxAttempts: 5, baseMs: 300, isRetryable: isRetryableAwsError, retryAfterMs: awsRetryAfterMs, ...o.retry })
    return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' }
  } finally {
    client.destroy()
  }
}
