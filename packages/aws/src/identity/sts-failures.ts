import { GpushipError } from '@gpuship/core'
import { awsErrorCode, isRetryableAwsError } from './aws-errors.js'
import { claimsTable, suggestedTrustStatement, type TokenClaims } from './token-claims.js'

export interface FailureContext {
  roleArn: string
  operation: 'AssumeRoleWithWebIdentity' | 'AssumeRole'
  durationSeconds?: number
  claims?: TokenClaims
  audience?: string
  callerArn?: string
}

function providerArnFor(roleArn: string, claims?: TokenClaims): string {
  const [, partition, , , account] = roleArn.split(':')
  const host = String(claims?.iss ?? 'https://token.actions.githubusercontent.com').replace(/^https?:\/\//, '').replace(/\/$/, '')
  return `arn:${partition}:iam::${account}:oidc-provider/${host}`
}

/** Turns an STS error into the message and fix a user needs; unknown errors keep STS's words. */
export function explainStsFailure(err: unknown, ctx: FailureContext): GpushipError {
  const code = awsErrorCode(err)
  const awsMessage = (err as Error)?.message ?? String(err)
  const roleName = ctx.roleArn.split('/').pop()
  const base = { cause: err, code }
  if (/^AccessDenied/.test(code)) {
    if (ctx.operation === 'AssumeRole') {
      return new GpushipError(`${ctx.callerArn ?? 'The first role'} may not assume ${ctx.roleArn} (role-chaining): ${awsMessage}`, {
        ...base,
        input: 'role-chaining',
        hint: `Add to the trust policy of ${roleName}: {"Effect":"Allow","Principal":{"AWS":"${ctx.callerArn ?? 'FIRST_ROLE_ARN'}"},"Action":["sts:AssumeRole","sts:TagSession"]}, and allow sts:AssumeRole on ${ctx.roleArn} in the first role's permissions.`
      })
    }
    const claims = ctx.claims ? `\nThe token GitHub issued for this run says:\n${claimsTable(ctx.claims)}` : ''
    return new GpushipError(`Not authorized to assume ${ctx.roleArn} with this run's GitHub OIDC token: no statement of the role's trust policy matched the token.${claims}`, {
      ...base,
      input: 'role-to-assume',
      hint: `A trust-policy statement that matches this run:\n${suggestedTrustStatement(ctx.claims ?? {}, providerArnFor(ctx.roleArn, ctx.claims))}\nNarrow the sub pattern to what you mean to allow (e.g. repo:OWNER/REPO:ref:refs/heads/main or repo:OWNER/REPO:environment:prod); a job with \`environment:\` gets an environment sub, a pull_request event gets repo:OWNER/REPO:pull_request.`
    })
  }
  if (code === 'InvalidIdentityTokenException' || code === 'InvalidIdentityToken') {
    if (/audience/i.test(awsMessage)) {
      return new GpushipError(`STS refused the token's audience '${ctx.audience ?? ctx.claims?.aud}': it is not a client ID of the IAM OIDC provider.`, {
        ...base,
        input: 'audience',
        hint: `Use the provider's client ID as audience (usually sts.amazonaws.com), or add yours: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${providerArnFor(ctx.roleArn, ctx.claims)} --client-id ${ctx.audience ?? '<audience>'}`
      })
    }
    if (/No OpenIDConnect provider/i.test(awsMessage)) {
      return new GpushipError(`The account of ${ctx.roleArn} has no IAM OIDC provider for GitHub: ${awsMessage}`, {
        ...base,
        hint: 'Create it once per account: terraform/modules/github_actions_oidc, or aws iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com --client-id-list sts.amazonaws.com'
      })
    }
    return new GpushipError(`STS could not validate the GitHub OIDC token: ${awsMessage}`, { ...base, hint: 'The token is malformed or not signed by the issuer the provider trusts. Re-run the job; check the provider URL is exactly https://token.actions.githubusercontent.com.' })
  }
  if (code === 'ExpiredTokenException' || code === 'ExpiredToken') {
    return new GpushipError(`The GitHub OIDC token had expired when STS checked it: ${awsMessage}`, { ...base, hint: 'Re-run the job. If it repeats, the runner clock is off (check with `date -u`), or a step between fetching the token and assuming the role took longer than the token lives (about 5 minutes).' })
  }
  if (code === 'ValidationError' && /MaxSessionDuration/i.test(awsMessage)) {
    return new GpushipError(`role-duration-seconds ${ctx.durationSeconds} is above the maximum session duration of ${roleName}.`, {
      ...base,
      input: 'role-duration-seconds',
      hint: `Lower role-duration-seconds, or raise the role's maximum (up to 43200): aws iam update-role --role-name ${roleName} --max-session-duration ${ctx.durationSeconds}`
    })
  }
  if (code === 'ValidationError' && /role chaining/i.test(awsMessage)) {
    return new GpushipError(`A chained role session may last at most 3600 seconds; role-duration-seconds is ${ctx.durationSeconds}.`, { ...base, input: 'role-duration-seconds', hint: 'Set role-duration-seconds to 3600 or less when role-chaining is true.' })
  }
  if (code === 'ValidationError' && /roleSessionName/i.test(awsMessage)) {
    return new GpushipError(`STS refused the role session name: ${awsMessage}`, { ...base, input: 'role-session-name', hint: 'Use 2 to 64 characters of letters, digits and + = , . @ - _' })
  }
  if (code === 'MalformedPolicyDocumentException' || code === 'MalformedPolicyDocument' || code === 'PackedPolicyTooLargeException' || code === 'PackedPolicyTooLarge') {
    return new GpushipError(`STS refused the session policy: ${awsMessage}`, { ...base, input: 'inline-session-policy', hint: 'Pass a valid, compact JSON policy (under 2048 characters packed), or use managed-session-policies.' })
  }
  if (code === 'RegionDisabledException') {
    return new GpushipError(`STS is not activated in this region for the account: ${awsMessage}`, { ...base, input: 'aws-region', hint: 'Activate the region in IAM > Account settings > Security Token Service (STS) endpoints, or use another aws-region.' })
  }
  const transient = isRetryableAwsError(err)
  return new GpushipError(`${ctx.operation} on ${ctx.roleArn} failed${transient ? ' on every attempt' : ''}: ${code ? `${code}: ` : ''}${awsMessage}`, {
    ...base,
    ...(transient ? { input: 'retry-max-attempts', hint: 'STS was throttling, unavailable or unreachable each time. Re-run the job, or raise retry-max-attempts; check the runner can reach the regional STS endpoint (proxy, VPC endpoint).' } : {})
  })
}
